// The ERP's HTTP event feed: a page of `$all` after a position, long-polling on the store's live
// subscription when nothing is new.
import type { EventStore, RecordedEvent } from '../../eventstore/port.ts';
import type { Upcasting } from '../../eventstore/upcasting.ts';

export type FeedQuery = {
  after: string;
  limit: number;
  types: readonly string[] | undefined;
  /** 0: answer at once. */
  waitSeconds: number;
};

/** `nextAfter` is how far the read got, past filtered-out events too: the next `after`. */
export type FeedPage = { items: RecordedEvent[]; nextAfter: string };

/** `waiting`: told true when the read found nothing and waits for an append, false when it stops waiting. */
export async function readFeed(
  store: EventStore,
  upcasting: Upcasting,
  query: FeedQuery,
  signal?: AbortSignal,
  waiting?: (now: boolean) => void,
): Promise<FeedPage> {
  const filter = query.types ? { eventTypes: query.types } : undefined;
  const page = await store.readAll({ after: query.after, maxCount: query.limit, filter });
  if (page.events.length > 0 || query.waitSeconds <= 0)
    return { items: page.events.map((event) => upcasting.upcast(event)), nextAfter: page.checkpoint };
  const timeout = AbortSignal.timeout(query.waitSeconds * 1_000);
  const until = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let nextAfter = page.checkpoint;
  waiting?.(true);
  try {
    for await (const next of store.subscribeToAll({ after: nextAfter, maxCount: query.limit, filter, signal: until })) {
      nextAfter = next.checkpoint;
      if (next.events.length > 0) return { items: next.events.map((event) => upcasting.upcast(event)), nextAfter };
      if (until.aborted) break;
    }
    return { items: [], nextAfter };
  } finally {
    waiting?.(false);
  }
}
