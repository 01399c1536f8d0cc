// What partner webhooks do once verified and first seen. Each message is recorded as received
// (`<Source>WebhookReceived` on `webhook-<source>-<message id>`: the audit trail of what the partner
// said), then applied by its partner's module — logistics/tracking.ts, payments/notifications.ts —
// through the processes the API runs. A message the business refuses (an unknown order, an illegal
// transition, an unknown type) is recorded as `<Source>WebhookRejected` with the refusal: visible in
// the feed and the stream, answered 2xx, final (a repeat is a duplicate).
import type { JsonObject } from '../../eventstore/port.ts';
import { trackingMessages } from '../logistics/tracking.ts';
import { paymentMessages } from '../payments/notifications.ts';
import type { WebhookEffect, WebhookMessage, WebhookSource } from './inbox.ts';
import type { MessageFieldError, MessageHandler } from './messages.ts';
import { ownEntry } from '../../domain/shared/own-entry.ts';

type PartnerWebhooks = { eventPrefix: string; messages: Readonly<Record<string, MessageHandler>> };

const PARTNERS: Record<WebhookSource, PartnerWebhooks> = {
  payments: { eventPrefix: 'Payment', messages: paymentMessages },
  logistics: { eventPrefix: 'Logistics', messages: trackingMessages },
};

const handlerOf = (source: WebhookSource, type: string) => {
  const { messages } = PARTNERS[source];
  return ownEntry(messages, type);
};

/** Field errors in the data of a message of a type the partner sends; checked before anything is written. */
export function webhookMessageErrors(source: WebhookSource, message: WebhookMessage): MessageFieldError[] {
  return handlerOf(source, message.type)?.check(message.data) ?? [];
}

/** The message types each partner may send. */
export const webhookMessageTypes = (source: WebhookSource): string[] => Object.keys(PARTNERS[source].messages);

function partnerEffect(source: WebhookSource): WebhookEffect {
  const { eventPrefix } = PARTNERS[source];
  return async (message, context) => {
    const receiptId = context.eventId(0);
    let index = 0;
    const record = async (type: string, data: JsonObject) => {
      const id = context.eventId(index++);
      await context.store.appendToStream(`webhook-${source}-${message.id}`, [
        {
          id,
          type,
          data,
          metadata: {
            actor: `partner:${source}`,
            role: 'integration',
            correlationId: message.id,
            causationId: id === receiptId ? null : receiptId,
            occurredAt: context.now.toISOString(),
            schemaVersion: 1,
          },
        },
      ]);
    };
    const about = { messageId: message.id, messageType: message.type };
    await record(`${eventPrefix}WebhookReceived`, { ...about, occurredAt: message.occurredAt ?? null, data: message.data });
    const handler = handlerOf(source, message.type);
    const command = {
      actor: `partner:${source}`,
      role: 'integration',
      correlationId: message.id,
      causationId: receiptId,
      now: context.now,
    };
    const refusal = handler
      ? await handler.apply(message, { ...context, command, record })
      : {
          code: 'unsupported_message_type',
          detail: `${source} messages are of type ${webhookMessageTypes(source).join(', ')}; not ${message.type}`,
        };
    if (!refusal) return { status: 'accepted' };
    const reason = { code: refusal.code, detail: refusal.detail };
    await record(`${eventPrefix}WebhookRejected`, { ...about, ...reason });
    return { status: 'rejected', reason };
  };
}

/** The hook each webhook route calls. */
export const webhookEffects: Record<WebhookSource, WebhookEffect> = {
  payments: partnerEffect('payments'),
  logistics: partnerEffect('logistics'),
};
