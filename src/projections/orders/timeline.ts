// What an order's status timeline says of each of its events; shared by the read model and by the
// order as it was at an instant (folded from its stream), so that both tell the same story.
import type { OrderEvent } from '../../domain/ordering/order.ts';

export function timelineDetail(event: OrderEvent): Record<string, unknown> {
  switch (event.type) {
    case 'OrderPlaced':
      return { channel: event.data.channel, totalMinor: event.data.totals.totalMinor };
    case 'OrderReviewed':
      return { reasons: event.data.reasons, riskScore: event.data.risk.score };
    case 'HeldOrderApproved':
      return { note: event.data.note };
    case 'HeldOrderRejected':
    case 'OrderCancelled':
    case 'OrderRejectedByDealer':
      return { reason: event.data.reason };
    case 'OrderAwaitingDealerApproval':
      return { reasons: event.data.reasons };
    case 'OrderApprovedByDealer':
      return { note: event.data.note };
    case 'ShipmentPlanned':
      return { shipmentId: event.data.shipmentId, amountMinor: event.data.amountMinor };
    case 'ShipmentDispatched': {
      const { shipmentId, amountMinor, carrier, trackingNumber } = event.data;
      return { shipmentId, amountMinor, carrier, trackingNumber };
    }
    case 'ShipmentDelivered': {
      const { shipmentId, deliveredAt, receivedBy } = event.data;
      return { shipmentId, deliveredAt, receivedBy };
    }
    case 'ShipmentInTransit': {
      const { shipmentId, location, eta } = event.data;
      return { shipmentId, location, eta };
    }
    case 'ShipmentExceptionReported': {
      const { shipmentId, reason, eta } = event.data;
      return { shipmentId, reason, eta };
    }
    case 'ShipmentDelayed': {
      const { shipmentId, cause, previousEta, eta, reason } = event.data;
      return { shipmentId, cause, previousEta, eta, reason };
    }
    case 'OrderPaymentRecorded':
      return { paymentId: event.data.paymentId, amountMinor: event.data.amountMinor };
    case 'OrderCompleted':
    case 'OrderReleased':
      return {};
    case 'ReturnRequested':
    case 'ReturnApproved':
    case 'ReturnReceived':
      return { returnId: event.data.returnId };
    case 'ReturnRejected':
      return { returnId: event.data.returnId, reason: event.data.reason };
    case 'ReturnRefunded': {
      const { returnId, amountMinor, method } = event.data;
      return { returnId, amountMinor, method };
    }
  }
}
