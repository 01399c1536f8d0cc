// The logistics provider's tracking webhooks (`POST /v1/webhooks/logistics`), turned into the
// shipment and delivery processes the API runs for ops:
//
//   shipment.dispatched  data { orderId, shipmentId, carrier?, trackingNumber?, lines?: [{ sku, qty }] }
//                        ships the lines given, or everything of the order not yet shipped when
//                        `lines` is absent (POST /v1/orders/{id}/shipments)
//   shipment.delivered   data { orderId, shipmentId, deliveredAt?, receivedBy? }
//                        confirms the delivery, at `deliveredAt`, else the message's `occurredAt`,
//                        else now (POST /v1/orders/{id}/deliveries)
//   shipment.in_transit  data { orderId, shipmentId, location?, eta? }
//                        the shipment's latest location and ETA; an ETA later than the last one
//                        delays the shipment (ShipmentDelayed)
//   shipment.exception   data { orderId, shipmentId, reason, eta? }
//                        a problem on the way; it delays the shipment
//
// All are keyed by the provider's `shipmentId`, so even the same fact told twice under two message
// ids takes effect once.
import { z } from 'zod';
import { deliveryRequestSchema, shipmentRequestSchema, unshippedLines } from '../../domain/ordering/fulfillment.ts';
import { orderDecider, orderStream, type Shipment } from '../../domain/ordering/order.ts';
import { refuse } from '../../domain/shared/decider.ts';
import { entityIdSchema, isoDateTimeSchema } from '../../domain/shared/values.ts';
import { dispatchShipment } from '../../processes/shipments.ts';
import { messageHandler, type MessageHandler } from '../webhooks/messages.ts';

export const shipmentDispatchedSchema = shipmentRequestSchema.pick({ carrier: true, trackingNumber: true }).extend({
  orderId: entityIdSchema,
  shipmentId: entityIdSchema.describe("The provider's shipment id: it keys the shipment, so a repeat ships nothing twice."),
  lines: shipmentRequestSchema.shape.lines.optional().describe('Absent: everything of the order not yet shipped.'),
});

export const shipmentDeliveredSchema = deliveryRequestSchema.extend({ orderId: entityIdSchema });

const shipmentOf = { orderId: entityIdSchema, shipmentId: entityIdSchema };
const etaSchema = isoDateTimeSchema.describe("The carrier's estimate of the delivery.");

export const shipmentInTransitSchema = z.object({
  ...shipmentOf,
  location: z.string().trim().min(1).max(200).optional().describe("Where the shipment is, in the carrier's words."),
  eta: etaSchema.optional(),
});

export const shipmentExceptionSchema = z.object({ ...shipmentOf, reason: z.string().trim().min(1).max(500), eta: etaSchema.optional() });

/** ETAs are compared as instants: any offset the carrier sends becomes UTC. */
const utc = (instant: string | undefined) => (instant === undefined ? null : new Date(instant).toISOString());

type Lines = { sku: string; qty: number }[];

const linesOf = (shipment: Shipment): Lines => shipment.lines.map(({ sku, qty }) => ({ sku, qty }));

const shipmentDispatched = messageHandler(shipmentDispatchedSchema, async (data, _message, context) => {
  const { commands, store } = context;
  const { orderId, shipmentId } = data;
  const { state } = await commands.load(orderDecider, orderStream(orderId));
  if (!state.exists) return refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
  // Told again after a crash, "the rest" is what the first telling planned, not what is left now.
  const earlier = state.shipments.find((shipment) => shipment.shipmentId === shipmentId);
  const lines = data.lines ?? (earlier ? linesOf(earlier) : unshippedLines(state));
  if (lines.length === 0) return refuse('nothing_to_ship', `Everything of order ${orderId} has shipped or is being shipped`, 'conflict');
  const outcome = await dispatchShipment(
    { commands, store },
    { orderId, shipmentId, lines, carrier: data.carrier ?? null, trackingNumber: data.trackingNumber ?? null },
    context.command,
  );
  return outcome.ok ? undefined : outcome.refusal;
});

const shipmentDelivered = messageHandler(shipmentDeliveredSchema, async (data, message, context) => {
  const { orderId, shipmentId } = data;
  const now = context.now.toISOString();
  const deliveredAt = data.deliveredAt ?? message.occurredAt ?? now;
  const handled = await context.commands.handle(
    orderDecider,
    orderStream(orderId),
    { type: 'ConfirmDelivery', data: { shipmentId, deliveredAt, receivedBy: data.receivedBy ?? null, now } },
    context.command,
  );
  return handled.ok ? undefined : handled.refusal;
});

const shipmentInTransit = messageHandler(shipmentInTransitSchema, async (data, _message, context) => {
  const { orderId, shipmentId } = data;
  const handled = await context.commands.handle(
    orderDecider,
    orderStream(orderId),
    {
      type: 'RecordShipmentInTransit',
      data: { shipmentId, location: data.location ?? null, eta: utc(data.eta), now: context.now.toISOString() },
    },
    context.command,
  );
  return handled.ok ? undefined : handled.refusal;
});

const shipmentException = messageHandler(shipmentExceptionSchema, async (data, _message, context) => {
  const { orderId, shipmentId, reason } = data;
  const handled = await context.commands.handle(
    orderDecider,
    orderStream(orderId),
    { type: 'ReportShipmentException', data: { shipmentId, reason, eta: utc(data.eta), now: context.now.toISOString() } },
    context.command,
  );
  return handled.ok ? undefined : handled.refusal;
});

export const trackingMessages: Readonly<Record<string, MessageHandler>> = {
  'shipment.dispatched': shipmentDispatched,
  'shipment.delivered': shipmentDelivered,
  'shipment.in_transit': shipmentInTransit,
  'shipment.exception': shipmentException,
};
