// A persistent (immutable) set of handled ids, for idempotency on long streams: adding an id
// shares every earlier chunk, so folding a stream of n events stays O(n log n) instead of
// copying an ever-growing set on every event.

export type IdSet = {
  /** Frozen chunks, largest first; never mutated once built, so states can share them. */
  readonly chunks: readonly ReadonlySet<string>[];
  readonly tail: readonly string[];
};

const TAIL_SIZE = 32;

export const emptyIdSet: IdSet = { chunks: [], tail: [] };

export function hasId(ids: IdSet, id: string): boolean {
  return ids.tail.includes(id) || ids.chunks.some((chunk) => chunk.has(id));
}

export function withId(ids: IdSet, id: string): IdSet {
  if (hasId(ids, id)) return ids;
  const tail = [...ids.tail, id];
  if (tail.length < TAIL_SIZE) return { chunks: ids.chunks, tail };
  // Like a binary counter: a new chunk swallows smaller-or-equal chunks before it, so there are
  // O(log n) chunks and each id is copied O(log n) times over the life of the stream.
  const chunks = [...ids.chunks];
  let chunk = new Set(tail);
  while (chunks.length > 0 && chunks[chunks.length - 1]!.size <= chunk.size) chunk = new Set([...chunks.pop()!, ...chunk]);
  chunks.push(chunk);
  return { chunks, tail: [] };
}

export function idCount(ids: IdSet): number {
  return ids.tail.length + ids.chunks.reduce((total, chunk) => total + chunk.size, 0);
}
