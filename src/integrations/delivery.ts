// Delivering one event through an adapter: map, try each delivery with backoff, and dead-letter
// it when the partner refuses for good or the retry budget is spent.
import { abortableSleep } from '../shared/sleep.ts';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { RecordedEvent } from '../eventstore/port.ts';
import { backoffDelay, isRetryable, retryPolicyOf, type Adapter, type Delivery, type RetryPolicy } from './adapter.ts';
import { recordDeadLetter } from './dead-letters.ts';
import type { IntegrationMetrics } from './metrics.ts';

export type DeliveryOutcome = { status: 'delivered' } | { status: 'dead_lettered'; attempts: number; error: string };

export type DeliveryDeps = {
  db: Db;
  metrics: IntegrationMetrics;
  logger: Logger;
  signal: AbortSignal;
  /** Told about every failed attempt that will be retried (the runner records it for status). */
  onRetry?: (error: unknown) => void;
};

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function mapEvent(adapter: Adapter, event: RecordedEvent): readonly Delivery[] | Error {
  try {
    return adapter.map(event) ?? [];
  } catch (error) {
    return new Error(`mapping to the partner contract failed: ${describeError(error)}`, { cause: error });
  }
}

async function attemptDelivery(
  adapter: Adapter,
  event: RecordedEvent,
  delivery: Delivery,
  idempotencyKey: string,
  policy: RetryPolicy,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const { metrics, signal } = deps;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      await adapter.deliver(delivery, { idempotencyKey, event, attempt, signal });
      metrics.delivered.labels(adapter.name).inc();
      return { status: 'delivered' };
    } catch (error) {
      signal.throwIfAborted();
      metrics.failedAttempts.labels(adapter.name).inc();
      if (!isRetryable(error) || attempt >= policy.maxAttempts)
        return { status: 'dead_lettered', attempts: attempt, error: describeError(error) };
      deps.onRetry?.(error);
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      await abortableSleep(backoffDelay(policy, attempt, retryAfterMs), signal);
    }
  }
}

/**
 * Delivers every delivery of `event` in turn. Resolves with the outcome; rejects only when the
 * signal aborts (the event is then neither delivered nor dead-lettered).
 */
export async function deliverEvent(adapter: Adapter, event: RecordedEvent, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const deliveries = mapEvent(adapter, event);
  if (deliveries instanceof Error) return { status: 'dead_lettered', attempts: 0, error: deliveries.message };
  const policy = retryPolicyOf(adapter);
  for (const [index, delivery] of deliveries.entries()) {
    const idempotencyKey = delivery.idempotencyKey ?? (deliveries.length === 1 ? event.id : `${event.id}:${index}`);
    const outcome = await attemptDelivery(adapter, event, delivery, idempotencyKey, policy, deps);
    if (outcome.status === 'dead_lettered') return outcome;
  }
  return { status: 'delivered' };
}

/** Delivers `event`, writing its dead letter when it does not get through. */
export async function deliverOrDeadLetter(adapter: Adapter, event: RecordedEvent, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const outcome = await deliverEvent(adapter, event, deps);
  if (outcome.status === 'dead_lettered') {
    await recordDeadLetter(deps.db, adapter.name, event, outcome.attempts, outcome.error);
    deps.metrics.deadLettered.labels(adapter.name).inc();
    deps.logger.warn(
      {
        adapter: adapter.name,
        eventId: event.id,
        type: event.type,
        position: event.position,
        attempts: outcome.attempts,
        error: outcome.error,
      },
      'event dead-lettered',
    );
  }
  return outcome;
}
