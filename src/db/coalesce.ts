// Requests for the database made in the same turn of the event loop, served by one statement:
// what group commit does for appends, for reads and small writes of concurrent requests.

/**
 * `run` answers every item asked for since the last turn, in their order (one answer each);
 * one item alone goes to `single` instead when it is given (a simpler statement).
 */
export function coalesced<Item, Answer>(
  run: (items: Item[]) => Promise<Answer[]>,
  single?: (item: Item) => Promise<Answer>,
): (item: Item) => Promise<Answer> {
  let waiting: { item: Item; resolve: (answer: Answer) => void; reject: (error: unknown) => void }[] = [];
  async function flush(): Promise<void> {
    const batch = waiting;
    waiting = [];
    try {
      const answers = batch.length === 1 && single ? [await single(batch[0]!.item)] : await run(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve(answers[index]!));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
  return (item) =>
    new Promise((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (waiting.length === 1) setImmediate(() => void flush());
    });
}

/** `coalesced` for each handle (a database, a transaction) apart: items are only served together with their own handle's. */
export function coalescedFor<Handle extends object, Item, Answer>(
  run: (handle: Handle, items: Item[]) => Promise<Answer[]>,
): (handle: Handle, item: Item) => Promise<Answer> {
  const byHandle = new WeakMap<Handle, (item: Item) => Promise<Answer>>();
  return (handle, item) => {
    let serve = byHandle.get(handle);
    if (!serve) byHandle.set(handle, (serve = coalesced((items: Item[]) => run(handle, items))));
    return serve(item);
  };
}
