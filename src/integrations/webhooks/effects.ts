// What partner webhooks do once verified and first seen. The payments and logistics slices replace
// these defaults with their domain commands (record a dealer's payment, confirm a delivery); until
// then each message is recorded as an event, so nothing a partner told us is lost.
import type { WebhookEffect, WebhookSource } from './inbox.ts';

/** Appends `<Source>WebhookReceived` to `webhook-<source>-<message id>`, under a deterministic event id. */
function recordWebhookReceived(source: WebhookSource, type: string): WebhookEffect {
  return async (message, context) => {
    await context.store.appendToStream(`webhook-${source}-${message.id}`, [
      {
        id: context.eventId(0),
        type,
        data: { messageId: message.id, messageType: message.type, occurredAt: message.occurredAt ?? null, data: message.data },
        metadata: {
          actor: `partner:${source}`,
          role: 'integration',
          correlationId: message.id,
          causationId: null,
          occurredAt: context.now.toISOString(),
          schemaVersion: 1,
        },
      },
    ]);
  };
}

/** The hook each webhook route calls: `payments` and `logistics` map partner messages to domain commands here. */
export const webhookEffects: Record<WebhookSource, WebhookEffect> = {
  payments: recordWebhookReceived('payments', 'PaymentWebhookReceived'),
  logistics: recordWebhookReceived('logistics', 'LogisticsWebhookReceived'),
};
