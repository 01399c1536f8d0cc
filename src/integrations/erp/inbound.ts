// What the ERP sends us: product master data, price lists, stock receipts and payments. Over HTTP
// the ERP calls the API with the `integration` role; over Kafka (when KAFKA_BROKERS is set) it
// publishes the same facts to the topic `dealerline.erp.inbound`, one JSON message each:
//
//   { "id": "<unique message id>", "type": "<type>", "data": { ... } }
//
//   product.created   data = the body of POST /v1/products
//   product.updated   data = { sku, ...the body of PATCH /v1/products/{sku} }
//   prices.set        data = { sku, ...the body of PUT /v1/products/{sku}/prices }
//   stock.received    data = the body of POST /v1/stock/receipts
//   payment.received  data = { dealerId, ...the body of POST /v1/dealers/{id}/payments }
//
// Each message is applied through the very route the ERP would call (the same validation, roles
// and commands), with the message id as Idempotency-Key, so a redelivered message has no second
// effect. A message the API refuses (4xx) is logged and skipped; a server fault (5xx) is thrown,
// so Kafka delivers the message again.
import type { FastifyInstance } from 'fastify';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { describeError } from '../delivery.ts';
import { ownEntry } from '../../domain/shared/own-entry.ts';

export const ERP_INBOUND_TOPIC = 'dealerline.erp.inbound';

export type ErpInboundMessage = { id: string; type: string; data: Record<string, unknown> };

type Route = { method: 'POST' | 'PATCH' | 'PUT'; url: string; body: Record<string, unknown> };

const segment = (value: unknown) => encodeURIComponent(typeof value === 'string' || typeof value === 'number' ? String(value) : '');

function withoutKey(data: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = data;
  return rest;
}

const ROUTES: Readonly<Record<string, (data: Record<string, unknown>) => Route>> = {
  'product.created': (data) => ({ method: 'POST', url: '/v1/products', body: data }),
  'product.updated': (data) => ({ method: 'PATCH', url: `/v1/products/${segment(data.sku)}`, body: withoutKey(data, 'sku') }),
  'prices.set': (data) => ({ method: 'PUT', url: `/v1/products/${segment(data.sku)}/prices`, body: withoutKey(data, 'sku') }),
  'stock.received': (data) => ({ method: 'POST', url: '/v1/stock/receipts', body: data }),
  'payment.received': (data) => ({
    method: 'POST',
    url: `/v1/dealers/${segment(data.dealerId)}/payments`,
    body: withoutKey(data, 'dealerId'),
  }),
};

export const ERP_INBOUND_TYPES = Object.keys(ROUTES);

export type ErpInboundOutcome = { status: number; body: unknown };

/** Parses one message's value; undefined when it is not a message at all. */
export function parseErpInboundMessage(value: string): ErpInboundMessage | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<ErpInboundMessage>;
    if (typeof parsed.id !== 'string' || parsed.id.length === 0 || parsed.id.length > 200) return undefined;
    if (typeof parsed.type !== 'string' || typeof parsed.data !== 'object' || parsed.data === null || Array.isArray(parsed.data))
      return undefined;
    return { id: parsed.id, type: parsed.type, data: parsed.data };
  } catch {
    return undefined;
  }
}

/** Applies a message through its API route as the integration role; the route's answer is the outcome. */
export async function applyErpInboundMessage(app: FastifyInstance, token: string, message: ErpInboundMessage): Promise<ErpInboundOutcome> {
  const route = ownEntry(ROUTES, message.type)?.(message.data);
  if (!route)
    return {
      status: 422,
      body: { code: 'unsupported_message_type', detail: `ERP messages are of type ${ERP_INBOUND_TYPES.join(', ')}; not ${message.type}` },
    };
  const response = await app.inject({
    method: route.method,
    url: route.url,
    payload: route.body,
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': `erp-${message.id}`, 'content-type': 'application/json' },
  });
  return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as unknown) : undefined };
}

export type ErpInboundConsumerOptions = {
  brokers: readonly string[];
  app: FastifyInstance;
  /** A fresh integration-role token per message (tokens expire). */
  token: () => string;
  logger: Logger;
  groupId?: string;
};

/** Consumes the inbound topic in the background: connecting never holds up a start; stop() leaves the group. */
export function startErpInboundConsumer(options: ErpInboundConsumerOptions): { stop: () => Promise<void> } {
  const { logger } = options;
  const kafka = new Kafka({ clientId: 'dealerline-erp-inbound', brokers: [...options.brokers], logLevel: logLevel.NOTHING });
  let consumer: Consumer | undefined;
  let stopped = false;
  const run = async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        consumer = kafka.consumer({ groupId: options.groupId ?? 'dealerline-erp-inbound' });
        await consumer.connect();
        await consumer.subscribe({ topic: ERP_INBOUND_TOPIC, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message, partition, topic }) => {
            const where = { topic, partition, offset: message.offset };
            const parsed = parseErpInboundMessage(message.value?.toString('utf8') ?? '');
            if (!parsed) {
              logger.warn(where, 'ERP inbound message skipped: not { id, type, data } JSON');
              return;
            }
            const outcome = await applyErpInboundMessage(options.app, options.token(), parsed);
            // A server fault: thrown, so the message is delivered again.
            if (outcome.status >= 500) throw new Error(`ERP message ${parsed.id} (${parsed.type}): HTTP ${outcome.status}`);
            if (outcome.status >= 400)
              logger.warn({ ...where, messageId: parsed.id, type: parsed.type, outcome }, 'ERP inbound message refused');
          },
        });
        return;
      } catch (error) {
        logger.warn({ err: describeError(error), attempt }, 'ERP inbound consumer not connected; retrying');
        await consumer?.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)).unref());
      }
    }
  };
  void run();
  return {
    async stop() {
      stopped = true;
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}
