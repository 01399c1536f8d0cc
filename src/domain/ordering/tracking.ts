// A dispatched shipment on its way: where the carrier last saw it, when it expects to deliver, and
// the exceptions it reports. A shipment is delayed (`ShipmentDelayed`, decided here, once per
// report) when its ETA moves later or the carrier reports an exception: the alert dealers get
// before they have to ask.
import { refuse, type DomainEvent, type EventsOrRefusal } from '../shared/decider.ts';
import type { PlacedOrder, Shipment, ShipmentTracking } from './order-state.ts';

export const NO_TRACKING: ShipmentTracking = { location: null, eta: null, exceptions: [] };

export type ShipmentInTransitData = {
  orderId: string;
  dealerId: string;
  shipmentId: string;
  location: string | null;
  eta: string | null;
  reportedAt: string;
};

export type ShipmentExceptionReportedData = {
  orderId: string;
  dealerId: string;
  shipmentId: string;
  reason: string;
  eta: string | null;
  reportedAt: string;
};

/** `eta_later`: the ETA moved from `previousEta` to `eta`; `exception`: the carrier reported `reason`. */
export type ShipmentDelayedData = {
  orderId: string;
  dealerId: string;
  shipmentId: string;
  cause: 'eta_later' | 'exception';
  previousEta: string | null;
  eta: string | null;
  reason: string | null;
  reportedAt: string;
};

export type TrackingEvent =
  | DomainEvent<'ShipmentInTransit', ShipmentInTransitData>
  | DomainEvent<'ShipmentExceptionReported', ShipmentExceptionReportedData>
  | DomainEvent<'ShipmentDelayed', ShipmentDelayedData>;

export const trackingEventTypes = ['ShipmentInTransit', 'ShipmentExceptionReported', 'ShipmentDelayed'] as const;

/** ETAs are ISO 8601 instants in UTC (the caller normalises them), so they compare as strings. */
export type RecordShipmentInTransit = { shipmentId: string; location: string | null; eta: string | null; now: string };
export type ReportShipmentException = { shipmentId: string; reason: string; eta: string | null; now: string };

export type TrackingCommand =
  { type: 'RecordShipmentInTransit'; data: RecordShipmentInTransit } | { type: 'ReportShipmentException'; data: ReportShipmentException };

type Decided = EventsOrRefusal<TrackingEvent>;

/** The shipment a report is about, if it can be on its way: dispatched; a delivered one takes no more news. */
function travelling(state: PlacedOrder, shipmentId: string): Shipment | Decided {
  const shipment = state.shipments.find((candidate) => candidate.shipmentId === shipmentId);
  if (!shipment) return refuse('shipment_not_found', `Order ${state.order.orderId} has no shipment ${shipmentId}`, 'not_found');
  if (shipment.status === 'planned') return refuse('illegal_transition', `Shipment ${shipmentId} has not been dispatched yet`, 'conflict');
  if (shipment.status === 'delivered') return [];
  return shipment;
}

const isLater = (eta: string | null, previous: string | null): eta is string => eta !== null && previous !== null && eta > previous;

export function decideShipmentInTransit(state: PlacedOrder, command: RecordShipmentInTransit): Decided {
  const shipment = travelling(state, command.shipmentId);
  if (!('shipmentId' in shipment)) return shipment;
  const { orderId, dealerId } = state.order;
  // What the report leaves out stays as last told.
  const location = command.location ?? shipment.location;
  const eta = command.eta ?? shipment.eta;
  if (location === shipment.location && eta === shipment.eta) return [];
  const events: TrackingEvent[] = [
    { type: 'ShipmentInTransit', data: { orderId, dealerId, shipmentId: shipment.shipmentId, location, eta, reportedAt: command.now } },
  ];
  if (isLater(eta, shipment.eta)) {
    events.push({
      type: 'ShipmentDelayed',
      data: {
        orderId,
        dealerId,
        shipmentId: shipment.shipmentId,
        cause: 'eta_later',
        previousEta: shipment.eta,
        eta,
        reason: null,
        reportedAt: command.now,
      },
    });
  }
  return events;
}

export function decideShipmentException(state: PlacedOrder, command: ReportShipmentException): Decided {
  const shipment = travelling(state, command.shipmentId);
  if (!('shipmentId' in shipment)) return shipment;
  const { orderId, dealerId } = state.order;
  const eta = command.eta ?? shipment.eta;
  // The same exception told again (under another message id) is the same fact.
  const last = shipment.exceptions.at(-1);
  if (last && last.reason === command.reason && last.eta === eta) return [];
  const { shipmentId } = shipment;
  return [
    { type: 'ShipmentExceptionReported', data: { orderId, dealerId, shipmentId, reason: command.reason, eta, reportedAt: command.now } },
    {
      type: 'ShipmentDelayed',
      data: {
        orderId,
        dealerId,
        shipmentId,
        cause: 'exception',
        previousEta: shipment.eta,
        eta,
        reason: command.reason,
        reportedAt: command.now,
      },
    },
  ];
}

export function evolveTracking(state: PlacedOrder, event: TrackingEvent): PlacedOrder {
  const { shipmentId } = event.data;
  const change = (update: (shipment: Shipment) => Shipment): PlacedOrder => ({
    ...state,
    shipments: state.shipments.map((shipment) => (shipment.shipmentId === shipmentId ? update(shipment) : shipment)),
  });
  switch (event.type) {
    case 'ShipmentInTransit':
      return change((shipment) => ({ ...shipment, location: event.data.location, eta: event.data.eta }));
    case 'ShipmentExceptionReported': {
      const { reason, eta, reportedAt } = event.data;
      return change((shipment) => ({ ...shipment, eta, exceptions: [...shipment.exceptions, { reason, eta, reportedAt }] }));
    }
    case 'ShipmentDelayed':
      return state;
  }
}
