// Many events in flight, in order per stream: each stream's events go one after another, different
// streams side by side; it reports the position up to which every event is done.
import type { AllPage, RecordedEvent } from '../eventstore/port.ts';

export type PipelineOptions = {
  maxInFlight: number;
  /** Delivers one event; a rejection stops the pipeline (later events of its stream are not handled). */
  handle: (event: RecordedEvent) => Promise<void>;
  /** Every event up to `position` is done. */
  onDone: (position: string) => void;
  onFailure: (error: unknown) => void;
};

type PageProgress = { checkpoint: string; remaining: number };

export class StreamOrderedPipeline {
  readonly #options: PipelineOptions;
  readonly #tails = new Map<string, Promise<void>>();
  readonly #pages: PageProgress[] = [];
  readonly #running = new Set<Promise<void>>();
  #wakeAdmission: (() => void) | undefined;
  #failure: { error: unknown } | undefined;

  constructor(options: PipelineOptions) {
    this.#options = options;
  }

  /** Admits a page's events, waiting while `maxInFlight` are running; throws once the pipeline failed. */
  async push(page: AllPage): Promise<void> {
    this.#throwIfFailed();
    const progress: PageProgress = { checkpoint: page.checkpoint, remaining: page.events.length };
    this.#pages.push(progress);
    for (const event of page.events) {
      while (this.#running.size >= this.#options.maxInFlight) {
        await new Promise<void>((resolve) => (this.#wakeAdmission = resolve));
        this.#throwIfFailed();
      }
      this.#start(event, progress);
    }
    this.#advance();
  }

  /** Waits until nothing is running any more. */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #start(event: RecordedEvent, progress: PageProgress): void {
    const stream = event.streamId;
    // A failed predecessor rejects this chain too, so a stream never skips ahead of an event.
    const run = (this.#tails.get(stream) ?? Promise.resolve()).then(() => this.#options.handle(event));
    this.#tails.set(stream, run);
    const tracked: Promise<void> = run
      .then(
        () => {
          progress.remaining -= 1;
          this.#advance();
        },
        (error: unknown) => this.#fail(error),
      )
      .finally(() => {
        this.#running.delete(tracked);
        if (this.#tails.get(stream) === run) this.#tails.delete(stream);
        this.#wake();
      });
    this.#running.add(tracked);
  }

  #advance(): void {
    let done: string | undefined;
    while (this.#pages.length > 0 && this.#pages[0]!.remaining === 0) done = this.#pages.shift()!.checkpoint;
    if (done !== undefined) this.#options.onDone(done);
  }

  #fail(error: unknown): void {
    if (this.#failure) return;
    this.#failure = { error };
    this.#options.onFailure(error);
    this.#wake();
  }

  #wake(): void {
    const wake = this.#wakeAdmission;
    this.#wakeAdmission = undefined;
    wake?.();
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
