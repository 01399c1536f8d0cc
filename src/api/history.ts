// A stream's full history as an API page: every event with its metadata (actor, role, time).
import { z } from 'zod';
import type { EventStore } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';

export const historyQuery = z.object({ ...pageQuery });

export const historyEntrySchema = z
  .object({
    position: z.string(),
    revision: z.number().int(),
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    occurredAt: z.iso.datetime(),
    actor: z
      .string()
      .nullable()
      .describe('Who made the change: `metadata.actor`, the `sub` of the caller (or the partner) whose command wrote it.'),
  })
  .meta({ id: 'HistoryEntry' });

export const historyPageSchema = pageOf(historyEntrySchema);

export type HistoryPage = z.infer<typeof historyPageSchema>;
export type HistoryEntry = HistoryPage['items'][number];

/** Who a dealer is shown behind an event: its own users by id; staff and partners by their role only. */
export function actorSeenByDealer(metadata: { actor?: unknown; role?: unknown }): string | null {
  return metadata.role === 'dealer' && typeof metadata.actor === 'string' ? metadata.actor : null;
}

/**
 * A page as a dealer may see it, no more than the main views show: staff user ids left out, and
 * each event's data as `redact` leaves it (other dealers' prices, the risk model).
 */
export function historySeenByDealer(
  page: HistoryPage,
  redact: (entry: HistoryEntry) => HistoryEntry['data'] = (entry) => entry.data,
): HistoryPage {
  return {
    ...page,
    items: page.items.map((entry) => {
      const actor = actorSeenByDealer(entry.metadata);
      const { actor: _hidden, ...metadata } = entry.metadata;
      return { ...entry, data: redact(entry), actor, metadata: actor === null ? metadata : entry.metadata };
    }),
  };
}

/** A page of a stream's events, oldest first; undefined when the stream does not exist. */
export async function streamHistory(
  store: EventStore,
  upcasting: Upcasting,
  streamId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<HistoryPage | undefined> {
  const after = decodeCursor(query.cursor, z.number().int().min(-1)) ?? -1;
  const events = await store.readStream(streamId, { fromRevision: after + 1, maxCount: query.limit + 1 });
  if (events.length === 0 && after === -1) return undefined;
  return paginate(
    events.map((event) => upcasting.upcast(event)),
    query.limit,
    (event) => ({
      position: event.position,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      occurredAt: event.metadata.occurredAt ?? event.createdAt,
      actor: typeof event.metadata.actor === 'string' ? event.metadata.actor : null,
    }),
    (event) => event.revision,
  );
}
