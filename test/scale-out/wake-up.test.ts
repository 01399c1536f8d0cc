// An order placed through one API replica wakes, in other processes: the feed long-poll waiting on
// a second replica, the worker's projections (so a `minPosition` read on the second replica
// answers) and the worker's webhook deliveries. The processes share nothing but PostgreSQL: the
// append's NOTIFY es_appended wakes the listeners; without it they would each wait for their 1 s
// poll. Each bound is a p99 over 200 orders, measured from the order's answer (its append is
// committed then) to what it woke: 200 ms for the feed, which only has to wake; 500 ms (and a median
// of 150 ms) for what the worker does first (apply the order to every projection, or deliver it), on
// a shared two-core machine with the rest of the suite running. Waiting for the 1 s poll instead,
// the medians come near 700-1 000 ms and the p99s near 1 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { startCluster, type Cluster } from '../support/cluster.ts';
import { createDealer, createProduct, createWarehouse, receiveStock } from '../support/fixtures.ts';
import { metricValue } from '../support/metrics.ts';
import { eventually, quantile } from '../support/wait.ts';
import { startReceiver, type Receiver } from '../notifications/receiver.ts';

const TRIALS = 200;
const P99_BOUND_MS = 200;
const WORKER_P99_BOUND_MS = 500;
const WORKER_P50_BOUND_MS = 150;

describe('waking other processes on an append', () => {
  let cluster: Cluster;
  let pool: ReturnType<typeof createPool>;
  let store: PostgresEventStore;
  let receiver: Receiver;
  /** When each order's order.approved reached the receiver. */
  const delivered = new Map<string, number>();

  beforeAll(async () => {
    cluster = await startCluster({ replicas: 2 });
    pool = createPool(cluster.database.url, { max: 2 });
    store = new PostgresEventStore(pool);
    const writer = cluster.replicas[0]!;
    await createWarehouse(writer, 'WH-W', 'CN-31');
    await createProduct(writer, { sku: 'W-TEA' });
    await receiveStock(writer, { sku: 'W-TEA', warehouseId: 'WH-W', qty: 100_000 });
    await createDealer(writer, { id: 'D-W', creditLimitMinor: 100_000_000 });
    receiver = await startReceiver('wake-up-receiver-secret-0123456789');
    receiver.answer((delivery) => {
      if (delivery.type === 'order.approved') delivered.set(String(delivery.data.orderId), performance.now());
      return 200;
    });
    const subscribed = await writer.request('POST', '/v1/subscriptions', {
      token: cluster.token('ops'),
      body: { url: receiver.url, events: ['order.approved'], secret: receiver.secret },
    });
    expect(subscribed.status, subscribed.text).toBe(201);
    // The worker takes the subscription up: a first order reaches the receiver.
    const first = await place();
    await eventually(() => (delivered.has(first.id) ? true : undefined), 30_000, 'the first delivery');
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await pool?.end();
    await cluster?.stop();
  });

  async function place(): Promise<{ id: string; position: string }> {
    const placed = await cluster.replicas[0]!.request('POST', '/v1/orders', {
      token: cluster.token('dealer', 'D-W'),
      body: { lines: [{ sku: 'W-TEA', qty: 1 }], regionCode: 'CN-31' },
    });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body.status).toBe('approved');
    return placed.body;
  }

  it(
    `wakes a feed long-poll on another replica within ${P99_BOUND_MS} ms p99, and the worker for a minPosition read there and a webhook delivery within ${WORKER_P99_BOUND_MS} ms p99`,
    { timeout: 240_000 },
    async () => {
      const reader = cluster.replicas[1]!;
      const integration = cluster.token('integration', undefined, 'wake-up-feed');
      const ops = cluster.token('ops');
      const feed: number[] = [];
      const read: number[] = [];
      const delivery: number[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const head = await store.headPosition();
        let feedAnsweredAt = 0;
        const polled = reader
          .request('GET', `/v1/feed?after=${head}&types=OrderPlaced&waitSeconds=10`, { token: integration })
          .then((response) => {
            feedAnsweredAt = performance.now();
            return response;
          });
        await eventually(async () => ((await metricValue(reader.url, 'dealerline_feed_waiting')) === 1 ? true : undefined), {
          timeoutMs: 10_000,
          intervalMs: 2,
          what: 'the long-poll to wait',
        });

        const placed = await place();
        const placedAt = performance.now();
        const shown = await reader.request('GET', `/v1/orders/${placed.id}?minPosition=${placed.position}`, { token: ops });
        read.push(performance.now() - placedAt);
        expect(shown.status, shown.text).toBe(200);
        expect(shown.body.status).toBe('approved');

        const page = await polled;
        expect(page.status).toBe(200);
        expect(page.body.items.map((item: any) => item.data.orderId)).toEqual([placed.id]);
        // The long-poll may answer before the order's own answer arrives: no later than it, then.
        feed.push(Math.max(0, feedAnsweredAt - placedAt));
        const arrived = await eventually(() => delivered.get(placed.id), 10_000, `the delivery of ${placed.id}`);
        delivery.push(Math.max(0, arrived - placedAt));
        // Over 1 % of the feed's answers late already: its p99 cannot hold; no need to wait out the rest.
        if (feed.filter((ms) => ms > P99_BOUND_MS).length > TRIALS / 100) break;
      }
      const summary = (name: string, measured: number[]) =>
        `${name}: p50 ${quantile(measured, 0.5).toFixed(0)} ms, p99 ${quantile(measured, 0.99).toFixed(0)} ms, max ${quantile(measured, 1).toFixed(0)} ms`;
      const report = [summary('feed', feed), summary('minPosition read', read), summary('webhook', delivery)].join('; ');
      console.info(`[wake-up] ${feed.length} orders, from each order's answer: ${report}`);
      expect(quantile(feed, 0.99), report).toBeLessThanOrEqual(P99_BOUND_MS);
      for (const measured of [read, delivery]) {
        expect(quantile(measured, 0.5), report).toBeLessThanOrEqual(WORKER_P50_BOUND_MS);
        expect(quantile(measured, 0.99), report).toBeLessThanOrEqual(WORKER_P99_BOUND_MS);
      }
    },
  );
});
