// The inbox, recommendations and webhook subscriptions as the API answers them (API.md, "Added
// 2026-12"), and a reader of the inbox's server-sent events. EventSource cannot send the bearer
// token (the API takes it only in Authorization), so the stream is read with fetch: the same
// events, with Authorization, Accept-Language and Last-Event-ID sent by us.
import type { NotificationType as NotificationEvent } from '../../../src/domain/notifications/types.ts';
import { ApiProblem, apiResponse } from './client.ts';

export {
  DEALER_NOTIFICATION_TYPES as DEALER_EVENTS,
  NOTIFICATION_TYPES as NOTIFICATION_EVENTS,
  type NotificationType as NotificationEvent,
} from '../../../src/domain/notifications/types.ts';

export type Notification = {
  id: string;
  position: string;
  type: NotificationEvent;
  title: string;
  body: string;
  /** The API resource it is about (`/v1/orders/O-1`, `/v1/stock?sku=..`). */
  link: string;
  occurredAt: string;
  read: boolean;
};

export type NotificationPage = { items: Notification[]; nextAfter: string };

export type RecommendationReason = 'due_to_reorder' | 'bought_together' | 'popular_in_region' | 'promoted_for_you';

export type Recommendation = {
  sku: string;
  name: string;
  priceMinor: number;
  available: number;
  reason: RecommendationReason;
  detail: string;
};

export type Subscription = {
  id: string;
  url: string;
  events: NotificationEvent[];
  secretHint: string;
  createdBy: string;
  createdAt: string;
};

export type SubscriptionCreated = Subscription & { secret: string; position: string };

export type StreamHandlers = {
  /** The items of each piece of the stream read, oldest first, from the start of the inbox (or after `after`). */
  onItems: (items: Notification[]) => void;
  /** Everything up to now was sent: what follows is live. */
  onLive: () => void;
};

/** One server-sent event: its fields as the text/event-stream format gives them. */
type ServerEvent = { id?: string; event: string; data: string; comment?: string };

function parseEvent(block: string): ServerEvent | null {
  const event: ServerEvent = { event: 'message', data: '' };
  const data: string[] = [];
  let any = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      event.comment = line.slice(1).trim();
      any = true;
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
    else continue;
    any = true;
  }
  event.data = data.join('\n');
  return any ? event : null;
}

/**
 * Reads the inbox stream once, after `after` (sent as Last-Event-ID), until it ends or `signal`
 * aborts. Throws ApiProblem when the API refuses, or a TypeError when the connection drops.
 */
export async function readInboxStream(after: string, language: string, handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream', 'accept-language': language };
  if (after !== '0') headers['last-event-id'] = after;
  const response = await apiResponse('GET', '/v1/notifications/stream', { headers, signal });
  if (!response.body) throw new ApiProblem(0, {});
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      const items: Notification[] = [];
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (!event) continue;
        if (event.event === 'notification' && event.data) items.push(JSON.parse(event.data) as Notification);
        if (event.comment === 'live') {
          handlers.onItems(items.splice(0));
          handlers.onLive();
        }
      }
      // One update per piece read: the backlog of a large inbox arrives in few pieces.
      if (items.length > 0) handlers.onItems(items);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** Where in the app a notification's API link is shown: the area's order page, or the stock page. */
export function appLinkOf(link: string, area: 'portal' | 'console'): string | null {
  const order = /^\/v1\/orders\/([^/?#]+)/.exec(link);
  if (order) return `/${area}/orders/${order[1]}`;
  if (area === 'console' && link.startsWith('/v1/stock'))
    return `/console/stock${link.slice(link.indexOf('?') >= 0 ? link.indexOf('?') : link.length)}`;
  return null;
}
