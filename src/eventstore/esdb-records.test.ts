import { describe, expect, it } from 'vitest';
import { METADATA_PROPERTY, metadataProperties, toRecorded, type StoredEvent } from './esdb-records.ts';
import type { EventMetadata } from './port.ts';

const metadata: EventMetadata = {
  actor: 'u-1',
  role: 'dealer',
  correlationId: 'c-1',
  causationId: null,
  occurredAt: '2026-12-01T10:00:00.000Z',
  schemaVersion: 2,
  nested: { list: [1, 'two', null, { deep: true }], empty: {} },
  quote: 'say "hi", \\ 茶 🍵 \u2028',
};

function stored(fields: Partial<StoredEvent>): StoredEvent {
  return {
    id: 'e-1',
    type: 'Placed',
    streamId: 'order-1',
    revision: 3n,
    created: new Date('2026-12-01T10:00:01.000Z'),
    data: { qty: 2 },
    metadata: {},
    ...fields,
  };
}

describe('KurrentDB records', () => {
  it('carries metadata of any shape through a multi-stream append as string properties', () => {
    const properties = metadataProperties(metadata);
    expect(Object.values(properties).every((value) => typeof value === 'string')).toBe(true);
    // The server adds its own properties beside ours when the record is read back.
    const read = toRecorded(stored({ metadata: { ...properties, '$schema.format': 'Json', '$schema.name': 'Placed' } }), '42');
    expect(read.metadata).toEqual(metadata);
  });

  it('reads metadata stored as it is by a single-stream append', () => {
    expect(toRecorded(stored({ metadata }), '42').metadata).toEqual(metadata);
  });

  it('reads JSON data that comes back as bytes', () => {
    const read = toRecorded(stored({ data: new TextEncoder().encode(JSON.stringify({ qty: 2, note: '茶' })) }), '42');
    expect(read).toEqual({
      id: 'e-1',
      type: 'Placed',
      streamId: 'order-1',
      revision: 3,
      position: '42',
      data: { qty: 2, note: '茶' },
      metadata: {},
      createdAt: '2026-12-01T10:00:01.000Z',
    });
  });

  it('refuses content that is not a JSON object instead of hiding the event', () => {
    expect(() => toRecorded(stored({ data: new Uint8Array([0xff, 0x00]) }), '1')).toThrow(/no JSON object data/);
    expect(() => toRecorded(stored({ data: [1, 2] }), '1')).toThrow(/no JSON object data/);
    expect(() => toRecorded(stored({ metadata: { [METADATA_PROPERTY]: 'not json' } }), '1')).toThrow(/no JSON object metadata/);
  });
});
