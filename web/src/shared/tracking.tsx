// In-transit tracking on an order: a shipment's latest location, ETA and the exceptions its carrier
// reported, and what the timeline's tracking entries say (where, when expected, why late).
import { Alert, Descriptions, Typography } from 'antd';
import type { Shipment, TimelineEntry } from '../api/types.ts';
import { dateTime } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';

export function ShipmentTracking({ shipment }: { shipment: Shipment }) {
  const t = useT();
  const { locale } = useLang();
  const exceptions = shipment.exceptions ?? [];
  if (!shipment.location && !shipment.eta && exceptions.length === 0) return null;
  return (
    <>
      {(shipment.location || shipment.eta) && (
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
          {shipment.location && <Descriptions.Item label={t.tracking.location}>{shipment.location}</Descriptions.Item>}
          {shipment.eta && <Descriptions.Item label={t.tracking.eta}>{dateTime(shipment.eta, locale)}</Descriptions.Item>}
        </Descriptions>
      )}
      {exceptions.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t.tracking.exceptions}
          description={
            <ul aria-label={`${t.tracking.exceptions} ${shipment.shipmentId}`} style={{ margin: 0, paddingInlineStart: 18 }}>
              {exceptions.map((exception) => (
                <li key={`${exception.reportedAt}:${exception.reason}`}>
                  {dateTime(exception.reportedAt, locale)} · {exception.reason}
                  {exception.eta && ` · ${t.tracking.eta} ${dateTime(exception.eta, locale)}`}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </>
  );
}

const TRACKING_EVENTS = ['ShipmentInTransit', 'ShipmentExceptionReported', 'ShipmentDelayed'];

/** What a tracking entry of the timeline says: shipment, where, the ETA (and the one before), why. */
export function TrackingDetail({ entry }: { entry: TimelineEntry }) {
  const t = useT();
  const { locale } = useLang();
  if (!TRACKING_EVENTS.includes(entry.event)) return null;
  const text = (key: string): string | null => {
    const value = entry.detail[key];
    return typeof value === 'string' ? value : null;
  };
  const parts = [
    text('shipmentId'),
    text('location') && `${t.tracking.location}: ${text('location')}`,
    text('cause') && (t.tracking.delayCauses[text('cause') ?? ''] ?? text('cause')),
    text('reason'),
    text('previousEta') && `${t.tracking.previousEta}: ${dateTime(text('previousEta'), locale)}`,
    text('eta') && `${t.tracking.eta}: ${dateTime(text('eta'), locale)}`,
  ].filter(Boolean);
  return (
    <>
      <br />
      <Typography.Text>{parts.join(' · ')}</Typography.Text>
    </>
  );
}
