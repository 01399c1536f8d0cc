// Runs each adapter as a checkpointed subscriber: one active instance per adapter (advisory lock),
// many events in flight in order per stream, retries and dead letters, and operators' retries.
import type { Logger } from 'pino';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import type { Db } from '../db/database.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import { positionLag, type EventStore, type RecordedEvent } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import { CheckpointMoved, lockName } from '../db/checkpoints.ts';
import type { Adapter } from './adapter.ts';
import { CheckpointWriter, ensureAdapterCheckpoint, recordAdapterError } from './checkpoints.ts';
import { claimRetries, markDelivered, reopenDeadLetter, requeueRetries, type ClaimedRetry } from './dead-letters.ts';
import { abortableSleep } from '../shared/sleep.ts';
import { deliverOrDeadLetter, describeError, type DeliveryDeps } from './delivery.ts';
import type { IntegrationMetrics } from './metrics.ts';
import { StreamOrderedPipeline } from './pipeline.ts';

export type DeliveryRunnerOptions = {
  db: Db;
  store: EventStore;
  locks: AdvisoryLocks;
  upcasting: Upcasting;
  adapters: readonly Adapter[];
  metrics: IntegrationMetrics;
  logger: Logger;
  /** Events read from the store per page. */
  batchSize?: number;
  /** How often a standby instance tries for the lock. */
  idleRetryMs?: number;
  /** How often the active instance looks for retries operators asked for. */
  retryPollMs?: number;
};

const RETRIES_PER_CLAIM = 20;
const ERROR_RECORD_INTERVAL_MS = 1_000;

type Loop = { stop: AbortController; done: Promise<void> };

export class DeliveryRunner {
  readonly #options: DeliveryRunnerOptions;
  readonly #controller = new AbortController();
  readonly #loops = new Map<string, Loop>();
  readonly #lastErrorRecorded = new Map<string, number>();

  constructor(options: DeliveryRunnerOptions) {
    this.#options = options;
  }

  start(): void {
    for (const adapter of this.#options.adapters) this.add(adapter);
  }

  /** Runs one more adapter beside the others (a webhook subscription made while running). */
  add(adapter: Adapter): void {
    if (this.#loops.has(adapter.name)) throw new Error(`Adapter ${adapter.name} is running already`);
    const stop = new AbortController();
    const done = this.#run(adapter, AbortSignal.any([this.#controller.signal, stop.signal]));
    this.#loops.set(adapter.name, { stop, done });
  }

  /** Stops one adapter as `stop` stops them all; its checkpoint and dead letters stay. */
  async remove(name: string): Promise<void> {
    const loop = this.#loops.get(name);
    if (!loop) return;
    loop.stop.abort();
    await loop.done;
    this.#loops.delete(name);
  }

  /** The names of the adapters running. */
  running(): string[] {
    return [...this.#loops.keys()];
  }

  /** Stops every adapter: in-flight deliveries are aborted, finished ones checkpointed. */
  async stop(): Promise<void> {
    this.#controller.abort();
    await Promise.all([...this.#loops.values()].map((loop) => loop.done));
  }

  async #run(adapter: Adapter, stopping: AbortSignal): Promise<void> {
    const { db, store, locks } = this.#options;
    const log = this.#options.logger.child({ adapter: adapter.name });
    const lock = lockName('integration', adapter.name);
    let backoff = 100;
    while (!stopping.aborted) {
      try {
        if (!(await locks.tryLock(lock))) {
          await abortableSleep(this.#options.idleRetryMs ?? 1_000, stopping);
          continue;
        }
        const from = await ensureAdapterCheckpoint(db, store, adapter);
        await this.#session(adapter, from, log, stopping);
        backoff = 100;
      } catch (error) {
        if (stopping.aborted) break;
        if (error instanceof CheckpointMoved) log.warn({ err: error }, 'checkpoint moved by another instance; reloading');
        else if (isTransientDatabaseError(error)) log.warn({ err: error }, 'adapter waiting for the database');
        else log.error({ err: error }, 'adapter loop error');
        await abortableSleep(backoff, stopping);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    await locks.unlock(lock);
  }

  /** While the lock is held: follow the store, and carry out requested retries beside it. */
  async #session(adapter: Adapter, from: string, log: Logger, stopping: AbortSignal): Promise<void> {
    const session = new AbortController();
    const signal = AbortSignal.any([stopping, session.signal]);
    let failure: { error: unknown } | undefined;
    // Whatever fails after the session ended (aborted deliveries, mostly) is a consequence.
    const fail = (error: unknown) => {
      if (!signal.aborted) failure ??= { error };
      session.abort();
    };
    const deps: DeliveryDeps = {
      db: this.#options.db,
      metrics: this.#options.metrics,
      logger: log,
      signal,
      onRetry: (error) => this.#noteError(adapter, error, log),
    };
    await Promise.allSettled([
      this.#follow(adapter, from, deps, fail)
        .catch(fail)
        .finally(() => session.abort()),
      this.#carryOutRetries(adapter, deps)
        .catch(fail)
        .finally(() => session.abort()),
    ]);
    if (failure && !stopping.aborted) throw failure.error;
  }

  async #follow(adapter: Adapter, from: string, deps: DeliveryDeps, fail: (error: unknown) => void): Promise<void> {
    const { db, store, locks, upcasting, metrics } = this.#options;
    const writer = new CheckpointWriter(db, adapter.name, from, {
      onWritten: (position) => {
        store.headPosition().then(
          (head) => metrics.lag.labels(adapter.name).set(Number(positionLag(position, head))),
          (error: unknown) => deps.logger.warn({ err: error }, 'could not read the head for the lag metric'),
        );
      },
      onError: fail,
    });
    const pipeline = new StreamOrderedPipeline({
      maxInFlight: adapter.maxInFlight ?? 64,
      handle: async (event) => {
        await deliverOrDeadLetter(adapter, upcasting.upcast(event), deps);
      },
      onDone: (position) => writer.advance(position),
      onFailure: fail,
    });
    try {
      const pages = store.subscribeToAll({
        after: from,
        filter: adapter.filter,
        maxCount: this.#options.batchSize ?? 500,
        signal: deps.signal,
      });
      for await (const page of pages) {
        if (!locks.isHeld(lockName('integration', adapter.name))) break;
        await pipeline.push(page);
      }
    } finally {
      await pipeline.settle();
      await writer.flush();
    }
  }

  async #carryOutRetries(adapter: Adapter, deps: DeliveryDeps): Promise<void> {
    const { db } = this.#options;
    // Retries a previous holder took but did not finish.
    await requeueRetries(db, adapter.name);
    while (!deps.signal.aborted) {
      const claimed = await claimRetries(db, adapter.name, RETRIES_PER_CLAIM);
      if (claimed.length === 0) {
        await abortableSleep(this.#options.retryPollMs ?? 1_000, deps.signal);
        continue;
      }
      for (const [index, retry] of claimed.entries()) {
        try {
          await this.#retry(adapter, retry, deps);
        } catch (error) {
          await requeueRetries(
            db,
            adapter.name,
            claimed.slice(index).map((claim) => claim.id),
          );
          throw error;
        }
      }
    }
  }

  async #retry(adapter: Adapter, retry: ClaimedRetry, deps: DeliveryDeps): Promise<void> {
    const { db, store, upcasting } = this.#options;
    const [event]: (RecordedEvent | undefined)[] = await store.readStream(retry.streamId, { fromRevision: retry.revision, maxCount: 1 });
    if (!event || event.id !== retry.eventId) {
      await reopenDeadLetter(db, retry.id, `event ${retry.eventId} is not at ${retry.streamId}@${retry.revision} in the store`);
      return;
    }
    const outcome = await deliverOrDeadLetter(adapter, upcasting.upcast(event), deps);
    if (outcome.status === 'delivered') {
      await markDelivered(db, adapter.name, [event.id]);
      deps.logger.info({ eventId: event.id, deadLetter: retry.id }, 'dead letter delivered on retry');
    }
  }

  /** Keeps the adapter's last error for its status, at most once a second. */
  #noteError(adapter: Adapter, error: unknown, log: Logger): void {
    const now = Date.now();
    if (now - (this.#lastErrorRecorded.get(adapter.name) ?? 0) < ERROR_RECORD_INTERVAL_MS) return;
    this.#lastErrorRecorded.set(adapter.name, now);
    const message = describeError(error);
    log.warn({ error: message }, 'delivery failed; retrying');
    recordAdapterError(this.#options.db, adapter.name, message).catch((recordError: unknown) =>
      log.warn({ err: recordError }, 'could not record the adapter error'),
    );
  }
}
