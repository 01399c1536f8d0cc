// Plain SQL on the `analytics` views through the read-only role: the same hand-computed figures as
// the API, nothing readable or writable elsewhere, every view and column documented, and views,
// grants and comments surviving a rebuild of the projection.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsProjection } from '../../src/projections/analytics/projection.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProduct } from '../support/fixtures.ts';
import { buildScenario, caughtUp, day } from './scenario.ts';

describe('analytics SQL for analysts', () => {
  let app: TestApp;
  let analyst: pg.Client;
  const login = `analyst_${randomBytes(4).toString('hex')}`;

  const connectAsAnalyst = async () => {
    const password = randomBytes(12).toString('hex');
    await sql.raw(`ALTER ROLE ${login} PASSWORD '${password}'`).execute(app.running.infrastructure.db);
    const url = new URL(app.database.url);
    url.username = login;
    url.password = password;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    app = await startTestApp();
    await buildScenario(app);
    // As docs/analytics.md says: one login role per analyst, member of the read-only role.
    await sql.raw(`CREATE ROLE ${login} LOGIN IN ROLE dealerline_analyst`).execute(app.running.infrastructure.db);
    analyst = await connectAsAnalyst();
  });
  afterAll(async () => {
    await analyst.end();
    await app.stop();
    const admin = new pg.Client({ connectionString: app.database.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${login}`);
    await admin.end();
  });

  const rows = async (text: string, values: unknown[] = []) => (await analyst.query(text, values)).rows;

  it('answers the same figures as the API from the views', async () => {
    const [totals] = await rows(
      `SELECT count(DISTINCT order_id)::int AS orders, sum(qty)::int AS qty, sum(gift_qty)::int AS gift_qty, sum(net_minor)::int AS net
         FROM analytics.sales_lines WHERE day >= $1`,
      [day(-29)],
    );
    expect(totals).toEqual({ orders: 6, qty: 71, gift_qty: 1, net: 61_700 });

    const byCategory = await rows(
      `SELECT category, sum(qty)::int AS qty, sum(net_minor)::int AS net FROM analytics.sales_daily GROUP BY category ORDER BY category`,
    );
    expect(byCategory).toEqual([
      { category: 'beverages', qty: 51, net: 51_700 },
      { category: 'snacks', qty: 20, net: 10_000 },
    ]);
    const byDealerRegion = await rows(
      `SELECT dealer_name, region_code, sum(discount_minor)::int AS discount FROM analytics.sales_daily GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(byDealerRegion).toEqual([
      { dealer_name: 'Dealer D-1', region_code: 'CN-31', discount: 1_800 },
      { dealer_name: 'Dealer D-2', region_code: 'CN-11', discount: 500 },
    ]);

    const shipped = await rows(
      `SELECT sku, sum(qty)::int AS qty, sum(net_minor)::int AS net FROM analytics.shipment_lines GROUP BY sku ORDER BY sku`,
    );
    expect(shipped).toEqual([
      { sku: 'A-COLA', qty: 30, net: 25_200 },
      { sku: 'B-CHIPS', qty: 11, net: 5_000 },
    ]);
    const [s1] = await rows(`SELECT days_from_placement, delivered_at FROM analytics.shipments WHERE shipment_id = 'S1'`);
    expect(s1).toEqual({ days_from_placement: 1, delivered_at: null });
    expect(await rows(`SELECT order_id, amount_minor::int AS amount, method FROM analytics.refunds`)).toEqual([
      { order_id: 'O3', amount: 1_000, method: 'credit_note' },
    ]);

    const orders = await rows(
      `SELECT order_id, status, booked, decision_seconds FROM analytics.orders WHERE order_id IN ('O3', 'O4', 'O5', 'O6') ORDER BY order_id`,
    );
    expect(orders).toEqual([
      { order_id: 'O3', status: 'completed', booked: true, decision_seconds: 0 },
      { order_id: 'O4', status: 'approved', booked: true, decision_seconds: 7_200 },
      { order_id: 'O5', status: 'rejected', booked: false, decision_seconds: 1_800 },
      { order_id: 'O6', status: 'cancelled', booked: false, decision_seconds: 0 },
    ]);
    const [decisions] = await rows(
      `SELECT sum(placed)::int AS placed, sum(approved)::int AS approved, sum(rejected)::int AS rejected, sum(cancelled)::int AS cancelled
         FROM analytics.order_decisions_daily`,
    );
    expect(decisions).toEqual({ placed: 9, approved: 7, rejected: 2, cancelled: 1 });
    const [held] = await rows(`SELECT approval_rate, average_held_decision_seconds FROM analytics.order_decisions_daily WHERE day = $1`, [
      day(-6),
    ]);
    expect(held).toEqual({ approval_rate: 1, average_held_decision_seconds: 7_200 });

    const [summer] = await rows(
      `SELECT orders::int, discount_minor::int, window_days, qty_uplift, revenue_uplift FROM analytics.promotion_performance WHERE promotion_id = 'P-SUMMER'`,
    );
    expect(summer.orders).toBe(2);
    expect(summer.discount_minor).toBe(2_300);
    expect(summer.window_days).toBe(7);
    expect(summer.qty_uplift).toBeCloseTo(25 / 7 / 0.5 - 1, 9);
    expect(summer.revenue_uplift).toBeCloseTo(20_700 / 7 / (13_000 / 28) - 1, 9);
  });

  it('answers stock, turnover, expiry and replenishment from the views', async () => {
    const history = await rows(
      `SELECT day, on_hand::int FROM analytics.stock_daily WHERE sku = 'A-COLA' AND warehouse_id = 'WH-E' AND day IN ($1, $2, $3, $4) ORDER BY day`,
      [day(-20), day(-19), day(-7), day(0)],
    );
    expect(history.map((row) => row.on_hand)).toEqual([60, 50, 30, 25]);

    const [turnover] = await rows(
      `SELECT shipped_qty::int, average_on_hand, turnover, days_of_cover FROM analytics.inventory_turnover WHERE sku = 'A-COLA' AND warehouse_id = 'WH-E'`,
    );
    expect(turnover.shipped_qty).toBe(30);
    expect(turnover.average_on_hand).toBeCloseTo(1_430 / 30, 9);
    expect(turnover.turnover).toBeCloseTo(30 / (1_430 / 30), 9);
    expect(turnover.days_of_cover).toBeCloseTo(25 / 1.5, 9);

    const expiry = await rows(
      `SELECT tier, sum(qty)::int AS qty, sum(value_minor)::int AS value FROM analytics.expiry_risk WHERE tier IS NOT NULL GROUP BY tier ORDER BY tier`,
    );
    expect(expiry).toEqual([
      { tier: 'blue', qty: 40, value: 80_000 },
      { tier: 'expired', qty: 10, value: 20_000 },
      { tier: 'yellow', qty: 35, value: 17_500 },
    ]);
    const [tea] = await rows(
      `SELECT on_hand::int, sellable::int, reserved::int, available::int, value_minor::int FROM analytics.stock_levels WHERE sku = 'C-TEA'`,
    );
    expect(tea).toEqual({ on_hand: 50, sellable: 40, reserved: 6, available: 34, value_minor: 100_000 });

    const [cola] = await rows(
      `SELECT forecast_daily_demand, demand_std_dev, safety_stock, reorder_point, cycle_demand, reorder_now, suggested_qty::int
         FROM analytics.replenishment WHERE sku = 'A-COLA' AND warehouse_id = 'WH-E'`,
    );
    expect(cola.forecast_daily_demand).toBeCloseTo(45 / 28 + 31 / 14 - 1, 9);
    expect(cola.demand_std_dev).toBeCloseTo(Math.sqrt(577 / 28 - (45 / 28) ** 2), 9);
    expect(cola.safety_stock).toBeCloseTo(18.475861, 5);
    expect(cola.reorder_point).toBeCloseTo(38.225861, 5);
    expect(cola.cycle_demand).toBeCloseTo(19.75, 9);
    expect(cola).toMatchObject({ reorder_now: true, suggested_qty: 33 });
    const [inTransit] = await rows(
      `SELECT on_order::int, suggested_qty::int FROM analytics.replenishment WHERE sku = 'A-COLA' AND warehouse_id = 'WH-N'`,
    );
    expect(inTransit).toEqual({ on_order: 5, suggested_qty: 0 });
  });

  it('reads the analytics views and nothing else, and writes nothing', async () => {
    const [role] = (await app.running.infrastructure.pool.query(`SELECT rolcanlogin FROM pg_roles WHERE rolname = 'dealerline_analyst'`))
      .rows;
    expect(role).toEqual({ rolcanlogin: false });

    const refused = async (statement: string) => {
      const error = await analyst.query(statement).then(
        () => undefined,
        (caught: unknown) => caught as { code?: string },
      );
      expect(error?.code, statement).toBe('42501');
    };
    await refused('SELECT * FROM analytics_facts.orders');
    await refused('SELECT * FROM orders.orders');
    await refused('SELECT * FROM catalog.products');
    await refused('SELECT * FROM es_events');
    await refused('SELECT * FROM projection_checkpoints');
    await refused(`INSERT INTO analytics.dealers (dealer_id, name, tier, registered_at) VALUES ('X', 'X', 'gold', now())`);
    await refused(`UPDATE analytics.products SET name = 'hacked'`);
    await refused(`DELETE FROM analytics.warehouses`);
    await refused('CREATE TABLE analytics.scratch (id int)');
    await refused('CREATE TABLE public.scratch (id int)');
    await refused('CREATE VIEW analytics.mine AS SELECT 1 AS one');
  });

  it('runs every example query of docs/analytics.md', async () => {
    const guide = await readFile(new URL('../../docs/analytics.md', import.meta.url), 'utf8');
    const section = guide.slice(guide.indexOf('\n## Example queries'));
    const examples = /```sql\n([\s\S]*?)```/.exec(section)![1]!;
    const statements = examples
      .split(/;\s*\n/)
      .map((statement) => statement.trim())
      .filter((statement) => statement !== '');
    expect(statements.length).toBeGreaterThanOrEqual(8);
    // Some examples look at this month, which may not have begun with sales: they must run, not find rows.
    for (const statement of statements) {
      await analyst.query(statement).catch((error: unknown) => {
        throw new Error(`docs/analytics.md example failed: ${statement}`, { cause: error });
      });
    }
  });

  it('documents every view and column, in types a client reads as numbers', async () => {
    const undocumented = await rows(`
      SELECT c.relname, a.attname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL
       WHERE n.nspname = 'analytics' AND c.relkind = 'v' AND (obj_description(c.oid, 'pg_class') IS NULL OR a.attname IS NOT NULL)`);
    expect(undocumented).toEqual([]);
    const views = await rows(
      `SELECT count(*)::int AS views FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'analytics' AND c.relkind = 'v'`,
    );
    expect(views[0].views).toBe(19);
    const numeric = await rows(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND data_type = 'numeric'`,
    );
    expect(numeric).toEqual([]);
  });

  it('keeps the views, their grants and comments, and their figures through a rebuild of the projection', async () => {
    const db = app.running.infrastructure.db;
    const catalogOf = async () =>
      (
        await sql<{ view: string; comment: string | null; columns: string; granted: boolean }>`
          SELECT c.relname AS view, obj_description(c.oid, 'pg_class') AS comment,
                 (SELECT string_agg(a.attname || ':' || coalesce(col_description(c.oid, a.attnum), '-'), ',' ORDER BY a.attnum)
                    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) AS columns,
                 has_table_privilege('dealerline_analyst', c.oid, 'SELECT') AS granted
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'analytics' AND c.relkind = 'v' ORDER BY c.relname`.execute(db)
      ).rows;
    const figures = async () => ({
      sales: await rows(`SELECT day, sku, dealer_id, qty, net_minor FROM analytics.sales_daily ORDER BY day, sku, dealer_id`),
      replenishment: await rows(`SELECT sku, warehouse_id, suggested_qty FROM analytics.replenishment ORDER BY sku, warehouse_id`),
      promotions: await rows(`SELECT promotion_id, orders, qty_uplift FROM analytics.promotion_performance ORDER BY promotion_id`),
    });
    const before = { catalog: await catalogOf(), figures: await figures() };
    expect(before.catalog.every((view) => view.granted)).toBe(true);

    const { store, locks, upcasting } = app.running.infrastructure;
    const rebuilt = await rebuildProjection(analyticsProjection, { db, store, locks, upcasting });
    expect(rebuilt.events).toBeGreaterThan(40);

    expect(await catalogOf()).toEqual(before.catalog);
    expect(await figures()).toEqual(before.figures);
    const fresh = await connectAsAnalyst();
    try {
      // Booked lines: O1 1, O2 2, O3 2 and a gift, O4 1, O8 1, O9 1.
      expect((await fresh.query(`SELECT count(*)::int AS n FROM analytics.sales_lines`)).rows[0].n).toBe(9);
    } finally {
      await fresh.end();
    }

    // The live projection carries on from the rebuilt tables.
    const position = await createProduct(app, { sku: 'D-WATER', category: 'beverages', brand: 'Spring' });
    await caughtUp(app, position);
    expect(await rows(`SELECT sku, brand FROM analytics.products WHERE sku = 'D-WATER'`)).toEqual([{ sku: 'D-WATER', brand: 'Spring' }]);
  });

  it('analyses sales by the current category: a re-categorised product takes its history along', async () => {
    const changed = await app.request('PATCH', '/v1/products/B-CHIPS', {
      token: app.token('ops'),
      body: { category: 'crisps', name: 'Crunchy chips' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await caughtUp(app, changed.body.position);
    expect(await rows(`SELECT category, sum(qty)::int AS qty FROM analytics.sales_daily GROUP BY category ORDER BY category`)).toEqual([
      { category: 'beverages', qty: 51 },
      { category: 'crisps', qty: 20 },
    ]);
    expect(await rows(`SELECT DISTINCT product_name FROM analytics.sales_lines WHERE sku = 'B-CHIPS'`)).toEqual([
      { product_name: 'Crunchy chips' },
    ]);
  });
});
