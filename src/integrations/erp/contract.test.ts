// The ERP v1 contract: contexts and topics by stream prefix, the envelope, the Kafka message.
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { ERP_CONTRACT_V1, contextOf, toErpEventV1, topicOf } from './contract.ts';
import { toKafkaDelivery } from './kafka.ts';

const event = (streamId: string, overrides: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: '7b1e1c8e-3f4a-4c36-9d4e-0c2b8f1a6d10',
  type: 'ProductRegistered',
  streamId,
  revision: 3,
  position: '42',
  data: { sku: 'SKU-1' },
  metadata: {
    actor: 'ops-1',
    role: 'ops',
    correlationId: 'corr-9',
    causationId: null,
    occurredAt: '2025-06-01T10:00:00.000Z',
    schemaVersion: 2,
  },
  createdAt: '2025-06-01T10:00:00.010Z',
  ...overrides,
});

describe('ERP contract v1', () => {
  it('maps stream prefixes to contexts and topics, and leaves other streams out', () => {
    expect(
      ['product-A', 'gtin-1', 'promotion-P', 'dealer-D-1', 'credit-D-1', 'warehouse-W', 'stock-A', 'order-O-1'].map((stream) =>
        contextOf(stream),
      ),
    ).toEqual(['catalog', 'catalog', 'promotions', 'credit', 'credit', 'inventory', 'inventory', 'ordering']);
    expect(contextOf('webhook-payments-1')).toBeUndefined();
    expect(contextOf('dealerline-x')).toBeUndefined();
    expect(toErpEventV1(event('tally-1'))).toBeUndefined();
    expect(topicOf('ordering')).toBe('dealerline.ordering');
  });

  it('wraps an event in the v1 envelope', () => {
    expect(toErpEventV1(event('product-SKU-1'))).toEqual({
      contract: ERP_CONTRACT_V1,
      eventId: '7b1e1c8e-3f4a-4c36-9d4e-0c2b8f1a6d10',
      eventType: 'ProductRegistered',
      schemaVersion: 2,
      context: 'catalog',
      stream: 'product-SKU-1',
      revision: 3,
      position: '42',
      occurredAt: '2025-06-01T10:00:00.000Z',
      actor: 'ops-1',
      correlationId: 'corr-9',
      causationId: null,
      data: { sku: 'SKU-1' },
    });
  });

  it('publishes to the context topic keyed by stream, with ids in the headers, the same every time', () => {
    const deliveries = toKafkaDelivery(event('order-O-1', { type: 'OrderPlaced' }))!;
    expect(deliveries).toHaveLength(1);
    const { topic, message } = deliveries[0]!.payload;
    expect(topic).toBe('dealerline.ordering');
    expect(message.key).toBe('order-O-1');
    expect(message.timestamp).toBe(String(Date.parse('2025-06-01T10:00:00.000Z')));
    expect(message.headers).toEqual({
      'event-id': '7b1e1c8e-3f4a-4c36-9d4e-0c2b8f1a6d10',
      'event-type': 'OrderPlaced',
      'schema-version': '2',
      'correlation-id': 'corr-9',
      contract: ERP_CONTRACT_V1,
    });
    expect(JSON.parse(String(message.value))).toMatchObject({ eventType: 'OrderPlaced', context: 'ordering' });
    expect(toKafkaDelivery(event('order-O-1', { type: 'OrderPlaced' }))).toEqual(deliveries);
    expect(toKafkaDelivery(event('internal-1'))).toBeNull();
  });
});
