// Segments of a batch handler: events of different segments are never folded together, live or
// in a rebuild (a fold spanning pages ends where the segment changes; a page mixing segments is
// folded run by run); combined handlers keep the segments given and their own.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/port.ts';
import { combineBatches } from '../../src/projections/batch.ts';
import type { BatchHandler, Projection } from '../../src/projections/projection.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { applyPageInTransaction, ensureCheckpoint } from '../../src/projections/runner.ts';
import { batchHarness, type Planned } from '../support/batch-harness.ts';

const SCHEMA = 'segment_test';

/**
 * Folds A and B events (their segment: the type), handles X on its own; records what each
 * write held ('A1 A2', one line per fold) and each event handled ('X3').
 */
function recordingProjection(log: string[]): Projection {
  const name = (event: RecordedEvent) => `${event.type}${String(event.data.n)}`;
  return {
    name: 'segment-test',
    schema: SCHEMA,
    filter: { eventTypes: ['A', 'B', 'X'] },
    async handle(_db, event) {
      log.push(name(event));
    },
    batch: {
      folds: (event) => event.type !== 'X',
      segment: (event) => event.type,
      fold: () => {
        const events: RecordedEvent[] = [];
        return {
          async add(_db, more) {
            events.push(...more);
          },
          get size() {
            return events.length;
          },
          async write() {
            log.push(events.map(name).join(' '));
          },
        };
      },
      reads: () => false,
    },
  };
}

describe('segments of a batch handler', () => {
  const harness = batchHarness();

  it('end a fold where the segment changes, and fold a page of several segments run by run', async () => {
    const types = ['A', 'A', 'A', 'A', 'A', 'A', 'B', 'B', 'B', 'A', 'B', 'A', 'A', 'A', 'A', 'X', 'A', 'A'];
    await harness.open(types.map((type, index): Planned => ({ stream: `s-${index}`, type, data: { n: index + 1 } })));
    await sql`CREATE SCHEMA ${sql.id(SCHEMA)}`.execute(harness.db);
    const log: string[] = [];
    const projection = recordingProjection(log);

    // Pages of 3: a fold over two pages of A; a page of B; a page of A, B, A; a page of A; X among A.
    await rebuildProjection(projection, {
      db: harness.db,
      store: harness.store,
      locks: harness.locks,
      upcasting: harness.upcasting,
      batchSize: 3,
    });
    expect(log).toEqual(['A1 A2 A3 A4 A5 A6', 'B7 B8 B9', 'A10', 'B11', 'A12', 'A13 A14 A15', 'X16', 'A17 A18']);

    // Live, the whole store in one page (from the start again: the rebuild moved the checkpoint on).
    log.length = 0;
    await ensureCheckpoint(harness.db, projection.name);
    await harness.db.updateTable('projection_checkpoints').set({ position: '0' }).where('name', '=', projection.name).execute();
    const page = await harness.store.readAll({ after: '0', maxCount: 100, filter: projection.filter });
    await applyPageInTransaction(harness.db, projection, projection.name, '0', page, harness.upcasting);
    expect(log).toEqual(['A1 A2 A3 A4 A5 A6', 'B7 B8 B9', 'A10', 'B11', 'A12 A13 A14 A15', 'X16', 'A17 A18']);
  });

  it('combine handlers under the segments given, each divided by a handler’s own', () => {
    const handler = (type: string, segment?: BatchHandler['segment']): BatchHandler => ({
      folds: (event) => event.type === type,
      fold: () => expect.fail(),
      segment,
    });
    const event = (type: string, n: number) => ({ type, data: { n } }) as unknown as RecordedEvent;
    const combined = combineBatches([handler('A'), handler('B', (e) => (Number(e.data.n) % 2 === 0 ? 'even' : 'odd')), handler('C')], {
      segment: (e) => (e.type === 'C' ? 'c' : 'ab'),
    });
    const segments = [event('A', 1), event('A', 2), event('B', 1), event('B', 3), event('B', 2), event('C', 1)].map((e) =>
      combined.segment!(e),
    );
    expect(new Set(segments).size).toBe(4);
    expect(segments[0]).toBe(segments[1]);
    expect(segments[2]).toBe(segments[3]);
    expect(segments[2]).not.toBe(segments[4]);
    expect(segments[0]).not.toBe(segments[2]);
    expect(combineBatches([handler('A'), handler('B')]).segment!(event('B', 1))).toBe(
      combineBatches([handler('A'), handler('B')]).segment!(event('A', 1)),
    );
  });
});
