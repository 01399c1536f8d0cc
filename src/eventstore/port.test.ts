import { describe, expect, it } from 'vitest';
import { matchesFilter, pageFor, unionOfFilters, type EventFilter, type RecordedEvent } from './port.ts';

const event = (position: number, streamId: string, type: string): RecordedEvent => ({
  id: `e${position}`,
  type,
  streamId,
  revision: 0,
  position: String(position),
  data: {},
  metadata: { actor: 't', role: 'admin', correlationId: 'c', causationId: null, occurredAt: '2026-12-06T00:00:00Z', schemaVersion: 1 },
  createdAt: '2026-12-06T00:00:00Z',
});

describe('one read for several subscribers', () => {
  const filters: (EventFilter | undefined)[] = [
    { eventTypes: ['A'] },
    { eventTypes: ['B'], streamPrefixes: ['order-'] },
    { streamPrefixes: ['stock-'] },
  ];
  const events = [
    event(11, 'order-1', 'A'),
    event(12, 'order-1', 'B'),
    event(13, 'stock-1', 'C'),
    event(14, 'dealer-1', 'B'),
    event(15, 'stock-2', 'A'),
    event(16, 'order-2', 'B'),
  ];

  it('reads with a filter every subscriber’s events pass', () => {
    for (const filter of filters) {
      for (const recorded of events) {
        if (matchesFilter(filter, recorded.streamId, recorded.type)) {
          expect(matchesFilter(unionOfFilters(filters), recorded.streamId, recorded.type)).toBe(true);
        }
      }
    }
    expect(unionOfFilters([{ eventTypes: ['A'] }, { eventTypes: ['B', 'A'] }])).toEqual({ eventTypes: ['A', 'B'] });
    expect(unionOfFilters([{ eventTypes: ['A'] }, undefined])).toBeUndefined();
  });

  it('cuts each page to its own events and size, scanned as far as its last event when it is full', () => {
    const shared = { events, checkpoint: '20' };
    expect(pageFor(shared, '10', { filter: filters[1] })).toEqual({ events: [events[1], events[5]], checkpoint: '20' });
    expect(pageFor(shared, '10', { filter: filters[0], maxCount: 1 })).toEqual({ events: [events[0]], checkpoint: '11' });
    expect(pageFor(shared, '10', { filter: filters[0], maxCount: 2 })).toEqual({ events: [events[0], events[4]], checkpoint: '20' });
    expect(pageFor({ events: [], checkpoint: '10' }, '10', { filter: filters[2] })).toEqual({ events: [], checkpoint: '10' });
  });
});
