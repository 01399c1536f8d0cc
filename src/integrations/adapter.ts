// What an integration adapter is: the events it takes, their mapping to the partner's contract,
// and one delivery call; the delivery runner does the rest (checkpoint, order, retries, dead letters).
import type { EventFilter, RecordedEvent } from '../eventstore/port.ts';

/** One call to the partner, in a named, versioned contract (e.g. `dealerline.erp.v1`). */
export type Delivery<Payload = unknown> = {
  contract: string;
  payload: Payload;
  /**
   * What the partner deduplicates on. Defaults to the event id; when one event makes several
   * deliveries, `<event id>:<index>` unless given.
   */
  idempotencyKey?: string;
};

export type DeliveryContext = {
  idempotencyKey: string;
  event: RecordedEvent;
  /** 1 for the first try of this delivery in this run. */
  attempt: number;
  /** Aborts when the runner stops; pass it to the partner call. */
  signal: AbortSignal;
};

/**
 * Exponential backoff with jitter: attempt n waits between half and all of
 * min(maxDelayMs, baseDelayMs * 2^(n-1)). After `maxAttempts` failed tries the event is
 * dead-lettered (Infinity: never, for partners whose outage is not the event's fault).
 */
export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 30_000 };

export type Adapter<Payload = unknown> = {
  /** Stable name: the key of its checkpoint, lock, metrics and dead letters. */
  name: string;
  filter: EventFilter;
  /**
   * Where the adapter starts the first time it runs: the whole history (`beginning`, e.g. the
   * ERP feed), only events after that moment (`now`, e.g. a partner that must not be asked to
   * act on years-old orders), or events after a given position (`{ after }`, e.g. a webhook
   * subscription from the event that created it). Default `beginning`.
   */
  startFrom?: 'beginning' | 'now' | { after: string };
  retry?: Partial<RetryPolicy>;
  /** Events in flight at once, all on different streams. Default 64. */
  maxInFlight?: number;
  /**
   * Maps an (upcast) event to the partner's contract; null or [] when the partner does not
   * want it. Must be a pure function of the event: a replay or a retry then re-sends exactly the
   * same content under the same idempotency key. A throw dead-letters the event at once.
   */
  map(event: RecordedEvent): readonly Delivery<Payload>[] | null;
  /**
   * Delivers one call; resolves once the partner has accepted it. Throw a DeliveryError to say
   * whether a retry could help; any other error counts as retryable.
   */
  deliver(delivery: Delivery<Payload>, context: DeliveryContext): Promise<void>;
  /** Starts connecting in the background; must not block or throw. */
  open?(): void;
  /** Whether the partner is reachable now (readiness). */
  ready?(): Promise<boolean>;
  close?(): Promise<void>;
};

/** A failed delivery, saying whether trying again could succeed. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  readonly retryable: boolean;
  /** The partner's own hint (Retry-After), used as the least wait before the next try. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number | undefined; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function retryPolicyOf(adapter: Adapter): RetryPolicy {
  return { ...DEFAULT_RETRY, ...adapter.retry };
}

/** How long to wait after failed attempt `attempt` (1-based). */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = cap / 2 + random() * (cap / 2);
  return Math.round(Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxDelayMs)));
}

export function isRetryable(error: unknown): boolean {
  return error instanceof DeliveryError ? error.retryable : true;
}
