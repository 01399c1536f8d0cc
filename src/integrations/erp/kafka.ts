// The ERP's Kafka adapter: every business event to its context's topic (see contract.ts) through an
// idempotent kafkajs producer; connects in the background and never holds up a start.
import { Kafka, logLevel, type LogEntry, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { DeliveryError, type Adapter, type Delivery } from '../adapter.ts';
import { abortableSleep } from '../../shared/sleep.ts';
import { describeError } from '../delivery.ts';
import { ERP_CONTEXTS, ERP_CONTRACT_V1, ERP_STREAM_PREFIXES, toErpEventV1, topicOf } from './contract.ts';

export type KafkaDelivery = { topic: string; message: Message };

export type ErpKafkaOptions = {
  brokers: readonly string[];
  logger: Logger;
  clientId?: string;
};

/** Message-level refusals: this event will never be accepted, so it is dead-lettered. */
const PERMANENT_KAFKA_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TIMESTAMP']);
const MAX_BATCH = 500;
const SEND_TIMEOUT_MS = 30_000;

/** A broker's refusal of the message itself (anywhere in the cause chain); anything else is an outage. */
function permanentRefusal(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && PERMANENT_KAFKA_ERRORS.has(type)) return true;
  }
  return false;
}

function toDeliveryError(error: unknown): DeliveryError {
  return new DeliveryError(`Kafka: ${describeError(error)}`, { retryable: !permanentRefusal(error), cause: error });
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      logger[LEVELS[level] ?? 'info']({ kafka: namespace, ...extra }, message);
    };
}

/** The v1 contract as a Kafka message: key = stream id (per-aggregate order), ids in headers. */
export function toKafkaDelivery(event: RecordedEvent): Delivery<KafkaDelivery>[] | null {
  const erpEvent = toErpEventV1(event);
  if (!erpEvent) return null;
  const occurredAt = Date.parse(erpEvent.occurredAt);
  const message: Message = {
    key: erpEvent.stream,
    value: JSON.stringify(erpEvent),
    ...(Number.isFinite(occurredAt) && { timestamp: String(occurredAt) }),
    headers: {
      'event-id': erpEvent.eventId,
      'event-type': erpEvent.eventType,
      'schema-version': String(erpEvent.schemaVersion),
      'correlation-id': erpEvent.correlationId,
      contract: ERP_CONTRACT_V1,
    },
  };
  return [{ contract: ERP_CONTRACT_V1, payload: { topic: topicOf(erpEvent.context), message } }];
}

type Pending = { delivery: KafkaDelivery; resolve: () => void; reject: (error: DeliveryError) => void };

/**
 * kafkajs' idempotent producer mis-sequences concurrent sends to one partition, so sends go out
 * one at a time; whatever the runner hands over meanwhile rides in the next batch.
 */
export function createErpKafkaAdapter(options: ErpKafkaOptions): Adapter<KafkaDelivery> {
  const logger = options.logger.child({ adapter: 'erp-kafka' });
  const kafka = new Kafka({
    clientId: options.clientId ?? 'dealerline',
    brokers: [...options.brokers],
    connectionTimeout: 3_000,
    retry: { retries: 5 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  // Bounded retries inside kafkajs; the delivery runner retries beyond them, visibly.
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 5 } });
  const closing = new AbortController();
  let connected = false;
  let healthy = false;
  let connecting: Promise<void> | undefined;
  let queue: Pending[] = [];
  let sending = false;

  async function ensureTopics(): Promise<void> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.createTopics({ topics: ERP_CONTEXTS.map((context) => ({ topic: topicOf(context) })), waitForLeaders: true });
    } catch (error) {
      // The topics may be managed elsewhere (or auto-created); publishing will tell.
      logger.warn({ err: error }, 'could not create the ERP topics');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async function connectLoop(): Promise<void> {
    for (let attempt = 1; !closing.signal.aborted; attempt++) {
      try {
        await producer.connect();
        // Closed while connecting: let go of the connection it just made.
        if (closing.signal.aborted) {
          await producer.disconnect();
          return;
        }
        await ensureTopics();
        connected = true;
        healthy = true;
        logger.info({ brokers: options.brokers }, 'connected to Kafka');
        return;
      } catch (error) {
        logger.warn({ err: error, attempt }, 'Kafka not reachable; retrying in the background');
        await abortableSleep(Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6)), closing.signal);
      }
    }
  }

  async function whenConnected(signal: AbortSignal): Promise<void> {
    connecting ??= connectLoop();
    while (!connected) {
      signal.throwIfAborted();
      if (closing.signal.aborted) throw new DeliveryError('Kafka adapter closed', { retryable: true });
      await Promise.race([connecting, abortableSleep(1_000, signal)]);
    }
  }

  async function send(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { delivery } of batch) byTopic.set(delivery.topic, [...(byTopic.get(delivery.topic) ?? []), delivery.message]);
    await producer.sendBatch({
      acks: -1,
      timeout: SEND_TIMEOUT_MS,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async function flush(): Promise<void> {
    sending = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(batch.length);
        try {
          await send(batch);
          healthy = true;
          for (const pending of batch) pending.resolve();
        } catch (error) {
          if (batch.length > 1 && permanentRefusal(error)) {
            // One message spoils the batch: send each alone so only that one is refused.
            for (const pending of batch)
              await send([pending]).then(pending.resolve, (single: unknown) => pending.reject(toDeliveryError(single)));
          } else {
            healthy = permanentRefusal(error);
            for (const pending of batch) pending.reject(toDeliveryError(error));
          }
        }
      }
    } finally {
      sending = false;
    }
  }

  return {
    name: 'erp-kafka',
    filter: { streamPrefixes: ERP_STREAM_PREFIXES },
    // A broker outage is not the event's fault: wait it out (lag and status show it) rather than
    // dead-letter every event; only a refusal of the message itself dead-letters it.
    retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 30_000 },
    maxInFlight: 1_000,
    map: toKafkaDelivery,
    async deliver(delivery, { signal }) {
      await whenConnected(signal);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('Delivery aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        const detach = () => signal.removeEventListener('abort', onAbort);
        queue.push({
          delivery: delivery.payload,
          resolve: () => {
            detach();
            resolve();
          },
          reject: (error) => {
            detach();
            reject(error);
          },
        });
        // Whatever else arrives in this turn of the event loop rides in the same batch.
        if (!sending) setImmediate(() => void (sending ? undefined : flush()));
      });
    },
    open() {
      connecting ??= connectLoop();
    },
    async ready() {
      return connected && healthy;
    },
    async close() {
      closing.abort();
      await producer.disconnect().catch((error: unknown) => logger.warn({ err: error }, 'Kafka disconnect failed'));
    },
  };
}
