// The webhook inbox: each partner message (source, id) takes effect once, however often it is
// delivered, and is kept for audit.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CommandHandler } from '../../eventstore/command-handler.ts';
import type { EventStore, JsonObject } from '../../eventstore/port.ts';

export const WEBHOOK_SOURCES = ['payments', 'logistics'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

/** The envelope partners post: their message id (the dedupe key), a type, and its data. */
export type WebhookMessage = { id: string; type: string; occurredAt?: string | undefined; data: JsonObject };

export type WebhookContext = {
  source: WebhookSource;
  db: Db;
  store: EventStore;
  commands: CommandHandler;
  now: Date;
  /**
   * The same uuid for the same message and index, every time: use it as the id of each event
   * the message leads to, so a retry after a crash appends nothing twice.
   */
  eventId: (index: number) => string;
};

/** How a message was taken: applied, or refused for good by the business (and recorded as such). */
export type WebhookOutcome = { status: 'accepted' } | { status: 'rejected'; reason: { code: string; detail: string } };

/** What a verified, first-seen message does. A throw leaves the message to the partner's next delivery. */
export type WebhookEffect = (message: WebhookMessage, context: WebhookContext) => Promise<WebhookOutcome>;

const EVENT_ID_NAMESPACE = Buffer.from('6f1c7a52e0b94d1f9a3c2b8e4d5f6a70', 'hex');

/** A name-based (version 5) uuid of a partner message's n-th event. */
export function webhookEventId(source: WebhookSource, messageId: string, index: number): string {
  const hash = createHash('sha1').update(EVENT_ID_NAMESPACE).update(`${source}\n${messageId}\n${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const LEASE_SECONDS = 30;
const WAIT_FOR_FIRST_MS = 10_000;

/** A repeat arrived while the first delivery of the message is still being worked on. */
export class WebhookInProgressError extends Error {
  override name = 'WebhookInProgressError';
}

/** True when this request now works on the message: new, or left by a request that died. */
async function claim(db: Db, source: WebhookSource, message: WebhookMessage): Promise<boolean> {
  const inserted = await db
    .insertInto('integration.webhook_inbox')
    .values({
      source,
      message_id: message.id,
      type: message.type,
      payload: JSON.stringify(message),
      locked_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`,
      processed_at: null,
    })
    .onConflict((oc) => oc.columns(['source', 'message_id']).doNothing())
    .returning('message_id')
    .executeTakeFirst();
  if (inserted) return true;
  const takenOver = await db
    .updateTable('integration.webhook_inbox')
    .set({ locked_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})` })
    .where('source', '=', source)
    .where('message_id', '=', message.id)
    .where('status', '=', 'received')
    .where('locked_until', '<', sql<Date>`now()`)
    .returning('message_id')
    .executeTakeFirst();
  return takenOver !== undefined;
}

async function isProcessed(db: Db, source: WebhookSource, messageId: string): Promise<boolean> {
  const row = await db
    .selectFrom('integration.webhook_inbox')
    .select('status')
    .where('source', '=', source)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row?.status === 'processed';
}

/**
 * Runs `effect` unless this message was processed before. The first request holds a lease on the
 * message meanwhile (no transaction stays open while the effect runs); a concurrent repeat waits
 * for it and is then a duplicate. An effect that failed (the partner gets an error and retries)
 * runs again, and its deterministic event ids keep it from doubling.
 */
export async function receiveWebhook(
  db: Db,
  message: WebhookMessage,
  effect: WebhookEffect,
  context: Omit<WebhookContext, 'eventId' | 'db'>,
): Promise<WebhookOutcome | { status: 'duplicate' }> {
  const { source } = context;
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  while (!(await claim(db, source, message))) {
    if (await isProcessed(db, source, message.id)) return { status: 'duplicate' };
    if (Date.now() > deadline) throw new WebhookInProgressError(`Message ${message.id} is still being processed; retry later`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const inbox = db.updateTable('integration.webhook_inbox').where('source', '=', source).where('message_id', '=', message.id);
  let outcome: WebhookOutcome;
  try {
    outcome = await effect(message, { ...context, db, eventId: (index) => webhookEventId(source, message.id, index) });
  } catch (error) {
    // Let the partner's retry take over at once.
    await inbox.set({ locked_until: sql<Date>`now()` }).execute();
    throw error;
  }
  await inbox.set({ status: 'processed', processed_at: sql<Date>`now()` }).execute();
  return outcome;
}
