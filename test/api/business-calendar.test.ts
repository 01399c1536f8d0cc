// Business days in Asia/Shanghai (the default): an order at 23:59 and one at 00:01 on the last day
// of a month, a lot expiring at the start of a business day and a statement across the month's
// end each land on the business day, not on the UTC one (eight hours behind).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';
import { restartTestApp, startTestApp, type TestApp } from '../support/app.ts';
import { paymentsAt, placeAt, placedPerDay, sellableAt, setUp, statement, tiersAt, type Fixture } from './business-calendar.ts';

let app: TestApp;
let fixture: Fixture;

beforeAll(async () => {
  app = await startTestApp();
  fixture = await setUp(app, 'SHA');
});
afterAll(async () => {
  await app.stop();
});

describe('business days in Asia/Shanghai', () => {
  it("counts an order at 23:59 on a month's last day in that day and month, and one at 00:01 in the next, though both are the same UTC day", async () => {
    // 2026-01-31 23:59 and 2026-02-01 00:01 in Shanghai are 15:59 and 16:01 UTC on 2026-01-31.
    const lastMinute = await placeAt(app, fixture, 'SHA-O1', 10, new Date('2026-01-31T15:59:00Z'));
    const firstMinute = await placeAt(app, fixture, 'SHA-O2', 10, new Date('2026-01-31T16:01:00Z'));
    // The buyer may order 15 000 a month: 10 000 in January, then 10 000 in February, both within it.
    expect([lastMinute.status, firstMinute.status]).not.toContain('awaiting_dealer_approval');
    // A second order in February takes that month over the limit: it waits for the owner.
    const later = await placeAt(app, fixture, 'SHA-O3', 10, new Date('2026-02-01T08:00:00Z'));
    expect(later.status).toBe('awaiting_dealer_approval');

    expect(await placedPerDay(app, later.position, '2026-01-30', '2026-02-03')).toEqual({
      timeZone: 'Asia/Shanghai',
      '2026-01-31': 1,
      '2026-02-01': 2,
    });
  });

  it('counts days left and expiry tiers from the business day, which starts at 16:00 UTC the day before; a lot leaves sale as its expiry day starts', async () => {
    // 30 days before 2099-07-01 is 2099-06-01, which starts at 2099-05-31T16:00Z in Shanghai: red from then on, yellow a moment before.
    expect(
      await tiersAt(app, fixture, 'EDGE', '2099-07-01', [new Date('2099-05-31T15:59:59.999Z'), new Date('2099-05-31T16:00:00Z')]),
    ).toEqual(['yellow 31 2099-05-31', 'red 30 2099-06-01']);
    // Its expiry day starts at 2099-06-30T16:00Z: the lot's 5 units are no longer sellable, while it is still 2099-06-30 in UTC.
    const before = await sellableAt(app, fixture, new Date('2099-06-30T15:59:59.999Z'));
    expect(before - (await sellableAt(app, fixture, new Date('2099-06-30T16:00:00Z')))).toBe(5);
  });

  it("reads a statement period given as dates as business days, across a month's end", async () => {
    const position = await paymentsAt(app, fixture.dealerId, [
      new Date('2026-01-31T15:59:00Z'), // PAY-1: 2026-01-31 23:59 in Shanghai
      new Date('2026-01-31T16:01:00Z'), // PAY-2: 2026-02-01 00:01
      new Date('2026-02-28T15:59:00Z'), // PAY-3: 2026-02-28 23:59
      new Date('2026-02-28T16:01:00Z'), // PAY-4: 2026-03-01 00:01
    ]);
    expect(await statement(app, fixture.dealerId, 'from=2026-02-01&to=2026-02-28', position)).toEqual({
      timeZone: 'Asia/Shanghai',
      payments: ['PAY-2', 'PAY-3'],
    });
    expect(await statement(app, fixture.dealerId, 'to=2026-01-31', position)).toEqual({ timeZone: 'Asia/Shanghai', payments: ['PAY-1'] });
    expect(await statement(app, fixture.dealerId, 'from=2026-03-01', position)).toEqual({ timeZone: 'Asia/Shanghai', payments: ['PAY-4'] });

    const exported = await app.request('GET', `/v1/exports/ledger?dealerId=${fixture.dealerId}&from=2026-02-01&to=2026-02-28`, {
      token: app.token('finance'),
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('business-time-zone')).toBe('Asia/Shanghai');
    const exportedPayments = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.kind === 'payment')
      .map((entry) => entry.paymentId);
    expect(exportedPayments).toEqual(['PAY-2', 'PAY-3']);
  });

  it('takes a rebate period given as dates as whole business days', async () => {
    const created = await app.request('POST', '/v1/rebate-programs', {
      token: app.token('ops'),
      body: { id: 'RB-SHA-FEB', title: 'February', startsAt: '2026-02-01', endsAt: '2026-03-01', tiers: [{ fromMinor: 0, percent: 1 }] },
    });
    expect(created.status, created.text).toBe(201);
    expect([created.body.startsAt, created.body.endsAt]).toEqual(['2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z']);
  });

  it("has the analysts' views count today as the business day, in the zone the facts are counted in, and say so", async () => {
    const { db } = app.running.infrastructure;
    const views = await sql<{
      name: string;
      definition: string;
    }>`SELECT viewname AS name, definition FROM pg_views WHERE schemaname = 'analytics'`.execute(db);
    expect(views.rows.filter((view) => view.definition.includes("'UTC'")).map((view) => view.name)).toEqual([]);
    const today = views.rows.filter((view) => view.definition.includes('analytics_calendar')).map((view) => view.name);
    expect(today.sort()).toEqual(['calendar', 'expiry_risk', 'inventory_turnover', 'replenishment', 'stock_daily', 'stock_levels']);
    const asOf = await sql<{
      as_of: string;
    }>`SELECT DISTINCT as_of::text FROM analytics.replenishment UNION SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text`.execute(db);
    expect(asOf.rows).toEqual([{ as_of: businessDayOf(new Date()) }]);
    // What analysts use for today, with no session time zone: a role that reads the views may read it.
    const calendar = await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL ROLE dealerline_analyst`.execute(trx);
      await sql`SET LOCAL timezone = 'America/Los_Angeles'`.execute(trx);
      return (await sql`SELECT time_zone, today::text FROM analytics.calendar`.execute(trx)).rows;
    });
    expect(calendar).toEqual([{ time_zone: 'Asia/Shanghai', today: businessDayOf(new Date()) }]);
    const comments = await sql<{
      comment: string;
    }>`SELECT obj_description('analytics'::regnamespace) AS comment UNION ALL SELECT col_description('analytics.sales_daily'::regclass, 1)`.execute(
      db,
    );
    expect(comments.rows.map((row) => row.comment)).toEqual([
      expect.stringContaining('Days are business days'),
      'The business day the orders were placed.',
    ]);
  });

  it('counts the analytics facts again when the business time zone changes, as on the upgrade from UTC days: the events carry instants', async () => {
    const { db } = app.running.infrastructure;
    expect((await sql<{ time_zone: string }>`SELECT time_zone FROM analytics_calendar`.execute(db)).rows).toEqual([
      { time_zone: 'Asia/Shanghai' },
    ]);
    app = await restartTestApp(app, { BUSINESS_TIME_ZONE: 'UTC' });
    const head = await app.running.infrastructure.store.headPosition();
    // In UTC both orders of the last minutes of January in Shanghai fall on 2026-01-31.
    expect(await placedPerDay(app, head, '2026-01-30', '2026-02-03')).toEqual({ timeZone: 'UTC', '2026-01-31': 2, '2026-02-01': 1 });
    app = await restartTestApp(app);
    expect(await placedPerDay(app, head, '2026-01-30', '2026-02-03')).toEqual({
      timeZone: 'Asia/Shanghai',
      '2026-01-31': 1,
      '2026-02-01': 2,
    });
  });
});
