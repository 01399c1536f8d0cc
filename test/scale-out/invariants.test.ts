// The ordering invariants raced across processes, as production runs: three API replicas
// (`serve`) and a worker on one database, requests spread over the replicas. In one process the
// per-stream command queue and the merging of Idempotency-Key claims serialise most of a race in
// memory; here the replicas can only meet in the database, through expected-revision conflicts and
// the idempotency table's unique key. Each test asserts that such conflicts happened (counted on
// each replica's /metrics), so it cannot pass because the race never reached the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import { creditLedgerDecider, creditStream } from '../../src/domain/credit/credit-ledger.ts';
import { stockDecider, stockLevel, stockStream } from '../../src/domain/inventory/stock.ts';
import { allUpcasters } from '../../src/eventstore/upcasters.ts';
import { createCommandHandler, type CommandHandler } from '../../src/eventstore/command-handler.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createUpcasting } from '../../src/eventstore/upcasting.ts';
import type { ApiResponse } from '../support/app.ts';
import { createUser, signIn, type SignedIn } from '../support/accounts.ts';
import { startCluster, type Cluster, type Replica } from '../support/cluster.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';
import { eventually } from '../support/wait.ts';

const CONFLICTS = 'dealerline_append_conflicts_total';
const CLAIMS = 'dealerline_idempotency_claims_total';

describe('ordering invariants across three API replicas and a worker', () => {
  let cluster: Cluster;
  let pool: ReturnType<typeof createPool>;
  let store: PostgresEventStore;
  let commands: CommandHandler;
  let racer: SignedIn;
  const today = () => new Date().toISOString().slice(0, 10);
  /** The replica the i-th request of a race goes to: round robin. */
  const on = (i: number): Replica => cluster.replicas[i % cluster.replicas.length]!;
  const placeOn = (replica: Replica, token: string, lines: Array<{ sku: string; qty: number }>, headers: Record<string, string> = {}) =>
    replica.request('POST', '/v1/orders', { token, headers, body: { lines, regionCode: 'CN-31' } });

  /** Runs `race`, and answers it with how many expected-revision conflicts the replicas met meanwhile. */
  async function raced<T>(race: () => Promise<T>): Promise<{ result: T; conflicts: number }> {
    const before = await cluster.counter(CONFLICTS);
    const result = await race();
    const conflicts = (await cluster.counter(CONFLICTS)) - before;
    console.info(`[scale-out] ${expect.getState().currentTestName}: ${conflicts} expected-revision conflicts across the replicas`);
    return { result, conflicts };
  }

  beforeAll(async () => {
    cluster = await startCluster({ replicas: 3 });
    // The test's own reads of the streams, as the replicas see them.
    pool = createPool(cluster.database.url, { max: 4 });
    store = new PostgresEventStore(pool);
    commands = createCommandHandler(store, { upcasting: createUpcasting(allUpcasters) });
    const admin = cluster.replicas[0]!;
    await createWarehouse(admin, 'WH-X1', 'CN-31');
    await createWarehouse(admin, 'WH-X2', 'CN-11');
    await createProduct(admin, { sku: 'X-HOT', basePriceMinor: 1_000 });
    await createProduct(admin, { sku: 'X-PLENTY', basePriceMinor: 1_000 });
    await createProduct(admin, { sku: 'X-TEA', basePriceMinor: 1_000 });
    await receiveStock(admin, { sku: 'X-HOT', warehouseId: 'WH-X1', qty: 23 });
    await receiveStock(admin, { sku: 'X-HOT', warehouseId: 'WH-X2', qty: 7 });
    await receiveStock(admin, { sku: 'X-PLENTY', warehouseId: 'WH-X1', qty: 1_000_000 });
    await receiveStock(admin, { sku: 'X-TEA', warehouseId: 'WH-X1', qty: 100_000 });
    for (let i = 0; i < 48; i++) await createDealer(admin, { id: `D-X${i}`, creditLimitMinor: 100_000_000 });
    await createDealer(admin, { id: 'D-XCREDIT', creditLimitMinor: 50_000 });
    await createDealer(admin, { id: 'D-XBUY', creditLimitMinor: 100_000_000 });
    await createUser(admin, { username: 'x.owner', role: 'dealer', dealerId: 'D-XBUY', dealerRole: 'owner' });
    const owner = await signIn(admin, 'x.owner');
    await createUser(
      admin,
      { username: 'x.racer', role: 'dealer', dealerRole: 'buyer', spendingLimits: { perMonthMinor: 10_000 } },
      owner.accessToken,
    );
    racer = await signIn(cluster.replicas[1]!, 'x.racer');
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await cluster?.stop();
  });

  it('never oversells a scarce SKU, and sells all of it', async () => {
    // 48 orders of 1-3 (about 96 units) for 30 on hand, spread over the replicas at once.
    const { result: responses, conflicts } = await raced(() =>
      Promise.all(
        Array.from({ length: 48 }, (_, i) => placeOn(on(i), cluster.token('dealer', `D-X${i}`), [{ sku: 'X-HOT', qty: 1 + (i % 3) }])),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(48).fill(201));
    const approved = responses.filter((response) => response.body.status === 'approved');
    const held = responses.filter((response) => response.body.status === 'on_hold');
    expect(approved.length + held.length).toBe(48);
    expect(held.length).toBeGreaterThan(0);
    for (const response of held) expect(response.body.review.reasons.map((reason: any) => reason.code)).toEqual(['insufficient_stock']);
    const sold = approved.reduce((sum, response) => sum + response.body.lines[0].qty, 0);
    let reserved = 0;
    let available = 0;
    for (const warehouse of ['WH-X1', 'WH-X2']) {
      const level = stockLevel((await commands.load(stockDecider, stockStream('X-HOT', warehouse))).state, today());
      reserved += level.reserved;
      available += level.available;
    }
    expect(reserved).toBe(sold);
    expect(reserved).toBeLessThanOrEqual(30);
    expect(available).toBeLessThan(Math.min(...held.map((response) => response.body.lines[0].qty)));
    expect(conflicts, 'the replicas met on the stock streams in the database').toBeGreaterThan(0);
  });

  it("never overruns a dealer's credit, and uses it", async () => {
    const token = cluster.token('dealer', 'D-XCREDIT');
    const { result: responses, conflicts } = await raced(() =>
      Promise.all(Array.from({ length: 36 }, (_, i) => placeOn(on(i), token, [{ sku: 'X-PLENTY', qty: 2 + (i % 5) }]))),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(36).fill(201));
    const approved = responses.filter((response) => response.body.status === 'approved');
    const held = responses.filter((response) => response.body.status === 'on_hold');
    expect(held.length).toBeGreaterThan(0);
    for (const response of held) expect(response.body.review.reasons.map((reason: any) => reason.code)).toContain('credit_limit_exceeded');
    const committed = approved.reduce((sum, response) => sum + response.body.totals.totalMinor, 0);
    const { state } = await commands.load(creditLedgerDecider, creditStream('D-XCREDIT'));
    expect(state.reservedMinor).toBe(committed);
    expect(state.reservedMinor + Math.max(0, state.balanceMinor)).toBeLessThanOrEqual(state.limitMinor);
    expect(state.limitMinor - state.reservedMinor).toBeLessThan(Math.min(...held.map((response) => response.body.totals.totalMinor)));
    expect(conflicts, "the replicas met on the dealer's credit stream in the database").toBeGreaterThan(0);
  });

  it("never grants more discount in a region than the promotion's budget", async () => {
    const now = Date.now();
    const created = await cluster.replicas[0]!.request('POST', '/v1/promotions', {
      token: cluster.token('ops'),
      body: {
        id: 'X-TEA10',
        title: 'Tea 10% off',
        kind: 'percent_off',
        rule: { percent: 10 },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 86_400_000).toISOString(),
        eligibility: { skus: ['X-TEA'] },
        budgets: { 'CN-31': { maxDiscountMinor: 1_500 } },
      },
    });
    expect(created.status, created.text).toBe(201);
    // Each order of 3 takes 300 of discount: five fit in 1 500.
    const { result: responses, conflicts } = await raced(() =>
      Promise.all(Array.from({ length: 30 }, (_, i) => placeOn(on(i), cluster.token('dealer', `D-X${i}`), [{ sku: 'X-TEA', qty: 3 }]))),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(30).fill(201));
    const discounted = responses.filter((response) => response.body.totals.discountMinor === 300);
    expect(discounted).toHaveLength(5);
    for (const response of responses.filter((candidate) => candidate.body.totals.discountMinor === 0)) {
      expect(response.body.promotionsNotApplied.map((promotion: any) => promotion.reason)).toEqual(['promotion_budget_exhausted']);
    }
    expect(conflicts, 'the replicas met on the budget in the database').toBeGreaterThan(0);
  });

  it("never lets a buyer's racing orders take the month over the spending limit", async () => {
    // 10 000 a month; 18 orders of 3 000 at once over three replicas: three fit.
    const { result: responses, conflicts } = await raced(() =>
      Promise.all(Array.from({ length: 18 }, (_, i) => placeOn(on(i), racer.accessToken, [{ sku: 'X-PLENTY', qty: 3 }]))),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(18).fill(201));
    const statuses = responses.map((response) => response.body.status);
    expect(statuses.filter((status) => status === 'approved')).toHaveLength(3);
    expect(statuses.filter((status) => status === 'awaiting_dealer_approval')).toHaveLength(15);
    expect(conflicts, "the replicas met on the buyer's month in the database").toBeGreaterThan(0);
  });

  it('makes one order of one Idempotency-Key sent to every replica at once', async () => {
    const token = cluster.token('dealer', 'D-X7');
    const keys = Array.from({ length: 8 }, (_, k) => `scale-out-key-${k}`);
    const before = await cluster.counter(CLAIMS, { outcome: 'in_progress' });
    // Each key twice to each replica, all at once.
    const sent = keys.flatMap((key) => cluster.replicas.flatMap((replica) => [0, 1].map(() => ({ key, replica }))));
    const responses = await Promise.all(
      sent.map(({ key, replica }) => placeOn(replica, token, [{ sku: 'X-PLENTY', qty: 4 }], { 'idempotency-key': key })),
    );
    const inProgress = (await cluster.counter(CLAIMS, { outcome: 'in_progress' })) - before;
    console.info(
      `[scale-out] ${sent.length} requests for ${keys.length} keys: ${inProgress} found their key claimed by a request still running`,
    );
    expect(responses.map((response) => response.status)).toEqual(Array(sent.length).fill(201));
    const byKey = new Map<string, Set<string>>();
    sent.forEach(({ key }, index) => byKey.set(key, (byKey.get(key) ?? new Set()).add(responses[index]!.body.id)));
    for (const key of keys) expect(byKey.get(key)!.size, key).toBe(1);
    // The placement ran once per key; every other request was answered with its stored response.
    const ran = sent.filter((_, index) => responses[index]!.headers.get('idempotent-replayed') !== 'true').map(({ key }) => key);
    expect(ran.sort()).toEqual([...keys].sort());
    const ids = new Set([...byKey.values()].map((set) => [...set][0]!));
    expect(ids.size).toBe(keys.length);
    // One reservation per key on the stock stream, of that order's quantity.
    const { state } = await commands.load(stockDecider, stockStream('X-PLENTY', 'WH-X1'));
    for (const id of ids) expect(state.reservations.get(id), id).toBe(4);
    // One OrderPlaced per key in the store.
    const placed = await ordersPlacedBy('D-X7');
    expect(placed.filter((id) => ids.has(id)).sort()).toEqual([...ids].sort());
    expect(inProgress, 'a replica found the key claimed by a request still running elsewhere').toBeGreaterThan(0);
  });

  /** The ids of the OrderPlaced events of a dealer in the store. */
  async function ordersPlacedBy(dealerId: string): Promise<string[]> {
    const ids: string[] = [];
    for (let after = '0'; ;) {
      const page = await store.readAll({ after, maxCount: 1_000, filter: { eventTypes: ['OrderPlaced'] } });
      for (const event of page.events) if (event.data.dealerId === dealerId) ids.push(String(event.data.orderId));
      if (page.checkpoint === after) return ids;
      after = page.checkpoint;
    }
  }

  it('skips no event: a feed read on one replica while others append gets every event, in order, and the read models hold every order', async () => {
    const integration = cluster.token('integration', undefined, 'scale-out-feed');
    const reader = cluster.replicas[2]!;
    const start = await store.headPosition();
    const seen: string[] = [];
    let done = false;
    // A consumer long-polling through the race, as the ERP does.
    const consuming = (async () => {
      let after = start;
      while (!done) {
        const page: ApiResponse = await reader.request('GET', `/v1/feed?after=${after}&limit=500&waitSeconds=1`, { token: integration });
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: any) => item.position));
        after = page.body.nextAfter;
      }
      return after;
    })();
    const { result: responses } = await raced(() =>
      Promise.all(
        Array.from({ length: 48 }, (_, i) => placeOn(on(i % 2), cluster.token('dealer', `D-X${i}`), [{ sku: 'X-PLENTY', qty: 1 }])),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(48).fill(201));
    const head = await store.headPosition();
    // Until the consumer has read up to the head.
    await eventually(
      () => (seen.length > 0 && BigInt(seen.at(-1)!) >= BigInt(head) ? true : undefined),
      30_000,
      'the feed consumer to reach the head',
    );
    done = true;
    await consuming;
    // Every event the store holds after `start`, once, in strictly increasing order.
    const all: string[] = [];
    for (let after = start; ;) {
      const page = await store.readAll({ after, maxCount: 1_000 });
      all.push(...page.events.map((event) => event.position).filter((position) => BigInt(position) <= BigInt(head)));
      if (page.checkpoint === after || BigInt(page.checkpoint) >= BigInt(head)) break;
      after = page.checkpoint;
    }
    expect(seen.filter((position) => BigInt(position) <= BigInt(head))).toEqual(all);
    // The worker's orders read model holds every order acknowledged on any replica.
    const listed = new Set<string>();
    for (const response of responses) {
      const detail = await cluster.replicas[0]!.request('GET', `/v1/orders/${response.body.id}?minPosition=${head}`, {
        token: cluster.token('ops'),
      });
      expect(detail.status, detail.text).toBe(200);
      listed.add(detail.body.id);
    }
    expect(listed.size).toBe(48);
  });
});
