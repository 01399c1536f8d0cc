// Replay: re-delivers an adapter's events from a position up to the head, beside the live runner
// and without moving its checkpoint; partners deduplicate by event id.
import type { Logger } from 'pino';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import type { Db } from '../db/database.ts';
import { comparePositions, positionBefore, type EventStore } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { Adapter } from './adapter.ts';
import { markDelivered } from './dead-letters.ts';
import { deliverOrDeadLetter } from './delivery.ts';
import type { IntegrationMetrics } from './metrics.ts';
import { StreamOrderedPipeline } from './pipeline.ts';

export type ReplayProgress = { position: string; head: string; events: number };
export type ReplayResult = ReplayProgress & { delivered: number; deadLettered: number };

export type ReplayOptions = {
  /** Inclusive: the event at this position is delivered again too. */
  from: string;
  db: Db;
  store: EventStore;
  locks: AdvisoryLocks;
  upcasting: Upcasting;
  metrics: IntegrationMetrics;
  logger: Logger;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ReplayProgress) => void;
};

export class ReplayInProgressError extends Error {
  override name = 'ReplayInProgressError';
}

const replayLockName = (adapter: string) => `integration-replay:${adapter}`;
const MARK_DELIVERED_EVERY = 500;

/** Delivers every event of `adapter` from `from` to the head as it was when the replay started. */
export async function replayAdapter(adapter: Adapter, options: ReplayOptions): Promise<ReplayResult> {
  const { db, store, locks, upcasting } = options;
  if (!(await locks.tryLock(replayLockName(adapter.name)))) {
    throw new ReplayInProgressError(`A replay of ${adapter.name} is already running`);
  }
  try {
    const head = await store.headPosition();
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let failure: { error: unknown } | undefined;
    const counts = { events: 0, delivered: 0, deadLettered: 0 };
    let done = positionBefore(options.from);
    let deliveredIds: string[] = [];
    const flushDelivered = async () => {
      const ids = deliveredIds;
      deliveredIds = [];
      await markDelivered(db, adapter.name, ids);
    };
    const deps = { db, metrics: options.metrics, logger: options.logger.child({ adapter: adapter.name, replay: true }), signal };
    const pipeline = new StreamOrderedPipeline({
      maxInFlight: adapter.maxInFlight ?? 64,
      handle: async (event) => {
        const outcome = await deliverOrDeadLetter(adapter, upcasting.upcast(event), deps);
        counts.events += 1;
        if (outcome.status === 'delivered') {
          counts.delivered += 1;
          deliveredIds.push(event.id);
        } else counts.deadLettered += 1;
      },
      onDone: (position) => {
        done = position;
        options.onProgress?.({ position, head, events: counts.events });
      },
      onFailure: (error) => {
        failure ??= { error };
        stop.abort();
      },
    });
    try {
      let after = done;
      while (comparePositions(after, head) < 0 && !signal.aborted) {
        const page = await store.readAll({ after, maxCount: options.batchSize ?? 500, filter: adapter.filter });
        if (comparePositions(page.checkpoint, after) <= 0) break;
        const beyondHead = comparePositions(page.checkpoint, head) > 0;
        await pipeline.push({
          events: page.events.filter((event) => comparePositions(event.position, head) <= 0),
          checkpoint: beyondHead ? head : page.checkpoint,
        });
        after = page.checkpoint;
        if (deliveredIds.length >= MARK_DELIVERED_EVERY) await flushDelivered();
      }
    } catch (error) {
      failure ??= { error };
      stop.abort();
    } finally {
      await pipeline.settle();
      await flushDelivered();
    }
    if (failure) throw failure.error;
    options.signal?.throwIfAborted();
    return { position: done, head, ...counts };
  } finally {
    await locks.unlock(replayLockName(adapter.name));
  }
}
