// The ERP Kafka adapter. Without a reachable broker the application still starts at once and says
// so in readiness. Against a real broker (KAFKA_BROKERS or testcontainers; otherwise skipped, saying
// why): topics per context, key = stream, ids in headers, order per stream, replay, and the ERP's
// inbound topic consumed by a worker process without the API.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAdapter } from '../../src/integrations/replay.ts';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';
import { describeExternal, findKafka } from '../support/external.ts';
import { newEvent } from '../eventstore/contract.ts';

const product = (sku: string) => ({ sku, name: `Product ${sku}`, brand: 'B', category: 'drinks', unit: 'case', basePriceMinor: 500 });

describe('ERP Kafka adapter without a reachable broker', () => {
  it('starts at once, reports the adapter not ready, keeps serving, and stops without hanging', async () => {
    const started = Date.now();
    const app = await startTestApp({ KAFKA_BROKERS: '127.0.0.1:1' });
    try {
      expect(Date.now() - started).toBeLessThan(15_000);
      const ready = await app.request('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toEqual({ database: true, eventStore: true, 'erp-kafka': false });
      expect((await app.request('POST', '/v1/products', { token: app.token('ops'), body: product('NO-KAFKA-1') })).status).toBe(201);
      const status = await eventually(async () => {
        const response = await app.request('GET', '/v1/integrations', { token: app.token('admin') });
        return response.body[0]?.active ? response.body : undefined;
      });
      expect(status).toEqual([
        expect.objectContaining({ name: 'erp-kafka', position: '0', openDeadLetters: 0 }),
        expect.objectContaining({ name: 'stock-alerts' }),
      ]);
      expect(Number(status[0].lag)).toBeGreaterThan(0);
    } finally {
      const stopping = Date.now();
      await app.stop();
      expect(Date.now() - stopping).toBeLessThan(10_000);
    }
  });

  it('starts a worker (no API) that would consume the inbound topic just as fast, and stops it without hanging', async () => {
    const started = Date.now();
    const worker = await startTestApp({ KAFKA_BROKERS: '127.0.0.1:1' }, { api: false });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(worker.running.app).toBeUndefined();
    const stopping = Date.now();
    await worker.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});

const kafka = await findKafka();

type Received = { topic: string; key: string; headers: Record<string, string>; value: any };

const brokers = kafka.available ? kafka.url : '';

describeExternal('ERP Kafka adapter against a real broker', kafka.available ? undefined : kafka.reason, (it) => {
  {
    let app: TestApp;
    let consumer: Consumer;
    const received: Received[] = [];

    beforeAll(async () => {
      app = await startTestApp({ KAFKA_BROKERS: brokers });
      await eventually(
        async () => ((await app.request('GET', '/health/ready')).status === 200 ? true : undefined),
        60_000,
        'Kafka readiness',
      );
      const client = new Kafka({ clientId: 'erp-contract-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
      consumer = client.consumer({ groupId: `erp-contract-test-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topics: ['dealerline.ordering', 'dealerline.catalog'], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
          received.push({ topic, key: String(message.key), headers, value: JSON.parse(String(message.value)) });
        },
      });
    });
    let appStopped = false;
    afterAll(async () => {
      await consumer?.disconnect();
      if (!appStopped) await app?.stop();
      if (kafka.available) await kafka.stop();
    });

    const receivedIds = () => new Set(received.map((message) => message.headers['event-id']));

    it('publishes each business event to its context topic, keyed by stream, in order per stream', async () => {
      const store = app.running.infrastructure.store;
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: 5 }, async (_, s) => {
          const stream = `order-KAFKA-${s}-${randomUUID()}`;
          for (let n = 0; n < 6; n++) {
            const event = newEvent('OrderNoted', { s, n });
            ids.push(event.id);
            await store.appendToStream(stream, [event]);
          }
        }),
      );
      expect((await app.request('POST', '/v1/products', { token: app.token('ops'), body: product('KAFKA-1') })).status).toBe(201);
      const [registered] = await store.readStream('product-KAFKA-1');
      ids.push(registered!.id);
      const internal = newEvent('Internal');
      await store.appendToStream(`internal-${randomUUID()}`, [internal]);

      await eventually(() => (ids.every((id) => receivedIds().has(id)) ? true : undefined), 60_000, 'every event on Kafka');
      const byId = new Map<string, Received>();
      for (const message of received) {
        const first = byId.get(message.headers['event-id']!);
        if (first) expect(message.value, 'a duplicate carries the same content').toEqual(first.value);
        else byId.set(message.headers['event-id']!, message);
      }
      expect(byId.has(internal.id)).toBe(false);

      const catalog = byId.get(registered!.id)!;
      expect(catalog).toMatchObject({
        topic: 'dealerline.catalog',
        key: 'product-KAFKA-1',
        headers: {
          'event-id': registered!.id,
          'event-type': 'ProductRegistered',
          'schema-version': '1',
          'correlation-id': registered!.metadata.correlationId,
          contract: 'dealerline.erp.v1',
        },
        value: { contract: 'dealerline.erp.v1', eventId: registered!.id, context: 'catalog', stream: 'product-KAFKA-1', revision: 0 },
      });

      const revisions = new Map<string, number>();
      for (const message of received.filter((candidate) => candidate.topic === 'dealerline.ordering')) {
        expect(message.key).toBe(message.value.stream);
        const previous = revisions.get(message.key) ?? -1;
        if (message.value.revision <= previous) continue; // a redelivery of one already seen
        expect(message.value.revision, `order of ${message.key}`).toBe(previous + 1);
        revisions.set(message.key, message.value.revision);
      }
      expect([...revisions.values()].filter((last) => last === 5)).toHaveLength(5);
    });

    it('re-publishes from a position on replay, with the same content', async () => {
      const { infrastructure } = app.running;
      const adapter = infrastructure.adapters.find((candidate) => candidate.name === 'erp-kafka')!;
      const [registered] = await infrastructure.store.readStream('product-KAFKA-1');
      const before = received.filter((message) => message.headers['event-id'] === registered!.id).length;
      const result = await replayAdapter(adapter, {
        from: registered!.position,
        db: infrastructure.db,
        store: infrastructure.store,
        locks: infrastructure.locks,
        upcasting: infrastructure.upcasting,
        metrics: infrastructure.metrics.integrations,
        logger: infrastructure.logger,
      });
      expect(result.deadLettered).toBe(0);
      expect(result.events).toBeGreaterThanOrEqual(1);
      const copies = await eventually(() => {
        const found = received.filter((message) => message.headers['event-id'] === registered!.id);
        return found.length > before ? found : undefined;
      }, 30_000);
      expect(copies.at(-1)!.value).toEqual(copies[0]!.value);
      expect(copies.at(-1)!.key).toBe('product-KAFKA-1');
    });

    it('consumes the ERP inbound topic in a worker without the API, through the API routes (last: the start process leaves the group first)', async () => {
      // One consumer group, one partition: the start process would take the messages; it stops first.
      await app.stop();
      appStopped = true;
      const worker = await startTestApp({ KAFKA_BROKERS: brokers }, { api: false });
      const producer = new Kafka({ clientId: 'erp-inbound-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer();
      try {
        await producer.connect();
        await producer.send({
          topic: 'dealerline.erp.inbound',
          messages: [{ value: JSON.stringify({ id: randomUUID(), type: 'product.created', data: product('KAFKA-W1') }) }],
        });
        const events = await eventually(
          async () => {
            const found = await worker.running.infrastructure.store.readStream('product-KAFKA-W1').catch(() => []);
            return found.length > 0 ? found : undefined;
          },
          60_000,
          'the product of the inbound message, registered by the worker',
        );
        expect(events[0]).toMatchObject({ type: 'ProductRegistered', metadata: expect.objectContaining({ role: 'integration' }) });
      } finally {
        await producer.disconnect();
        await worker.stop();
      }
    });
  }
});
