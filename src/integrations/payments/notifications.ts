// The payment provider's webhooks (`POST /v1/webhooks/payments`), turned into the payment commands
// the API runs for finance:
//
//   payment.succeeded  data { orderId?, dealerId, amountMinor, currency?, reference }
//     with the orderId of a prepay order: records the order's payment, which releases the order
//       once it is paid in full (POST /v1/orders/{id}/payments);
//     with the orderId of an order on credit, or without one: a payment on the dealer's credit
//       ledger, settling the oldest charges first (POST /v1/dealers/{id}/payments).
//     The provider's `reference` is the payment id, as in those routes: the same payment told again
//     (even under another message id) is recorded once.
//   payment.failed     data { orderId?, dealerId, amountMinor?, currency?, reference?, reason? }
//     recorded as PaymentFailureReported on the message's stream; no money moves.
import { z } from 'zod';
import { LEDGER_CURRENCY, creditLedgerDecider, creditStream } from '../../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../../domain/dealers/dealer.ts';
import { orderPaymentSchema } from '../../domain/ordering/fulfillment.ts';
import { orderDecider, orderStream } from '../../domain/ordering/order.ts';
import { refuse, type Refusal } from '../../domain/shared/decider.ts';
import { currencySchema, dealerIdSchema, entityIdSchema } from '../../domain/shared/values.ts';
import { messageHandler, type MessageContext, type MessageHandler } from '../webhooks/messages.ts';

export const paymentSucceededSchema = orderPaymentSchema.extend({
  orderId: entityIdSchema.optional().describe("The order paid for; absent: a payment on the dealer's credit ledger."),
  dealerId: dealerIdSchema,
  currency: currencySchema,
});

export const paymentFailedSchema = z.object({
  orderId: entityIdSchema.optional(),
  dealerId: dealerIdSchema,
  amountMinor: orderPaymentSchema.shape.amountMinor.optional(),
  currency: currencySchema,
  reference: orderPaymentSchema.shape.reference.optional(),
  reason: z.string().trim().min(1).max(500).optional(),
});

type Payment = z.output<typeof paymentSucceededSchema>;

async function payOnLedger(payment: Payment, context: MessageContext): Promise<Refusal | undefined> {
  const { dealerId, amountMinor, reference, currency } = payment;
  if (currency !== LEDGER_CURRENCY)
    return refuse('currency_mismatch', `Credit ledgers are kept in ${LEDGER_CURRENCY}; the payment is in ${currency}`);
  const { state: dealer } = await context.commands.load(dealerDecider, dealerStream(dealerId));
  if (!dealer.exists) return refuse('dealer_not_found', `Dealer ${dealerId} does not exist`, 'not_found');
  const handled = await context.commands.handle(
    creditLedgerDecider,
    creditStream(dealerId),
    { type: 'RecordPayment', data: { dealerId, paymentId: reference, amountMinor, reference } },
    context.command,
  );
  return handled.ok ? undefined : handled.refusal;
}

const paymentSucceeded = messageHandler(paymentSucceededSchema, async (payment, _message, context) => {
  const { orderId, dealerId, amountMinor, reference, currency } = payment;
  if (orderId === undefined) return payOnLedger(payment, context);
  const { state } = await context.commands.load(orderDecider, orderStream(orderId));
  if (!state.exists) return refuse('order_not_found', `Order ${orderId} does not exist`, 'not_found');
  if (state.order.dealerId !== dealerId) return refuse('dealer_mismatch', `Order ${orderId} is not an order of dealer ${dealerId}`);
  // A credit order's invoice paid through the provider is money on the dealer's ledger.
  if (!state.order.prepay) return payOnLedger(payment, context);
  if (currency !== state.order.totals.currency)
    return refuse('currency_mismatch', `Order ${orderId} is in ${state.order.totals.currency}; the payment is in ${currency}`);
  const handled = await context.commands.handle(
    orderDecider,
    orderStream(orderId),
    { type: 'RecordOrderPayment', data: { paymentId: reference, amountMinor, reference, now: context.now.toISOString() } },
    context.command,
  );
  return handled.ok ? undefined : handled.refusal;
});

const paymentFailed = messageHandler(paymentFailedSchema, async (failure, message, context) => {
  await context.record('PaymentFailureReported', {
    messageId: message.id,
    orderId: failure.orderId ?? null,
    dealerId: failure.dealerId,
    amountMinor: failure.amountMinor ?? null,
    currency: failure.currency,
    reference: failure.reference ?? null,
    reason: failure.reason ?? null,
    occurredAt: message.occurredAt ?? null,
  });
  return undefined;
});

export const paymentMessages: Readonly<Record<string, MessageHandler>> = {
  'payment.succeeded': paymentSucceeded,
  'payment.failed': paymentFailed,
};
