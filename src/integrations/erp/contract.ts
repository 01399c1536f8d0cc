// The ERP contract, version 1: what the ERP receives for every business event, on Kafka and over
// HTTP, and which bounded context (and so which topic) each stream belongs to.
//
// Stream prefix → context → Kafka topic:
//   product-, gtin-      catalog     dealerline.catalog
//   promotion-           promotions  dealerline.promotions
//   dealer-, credit-     credit      dealerline.credit
//   warehouse-, stock-   inventory   dealerline.inventory
//   order-               ordering    dealerline.ordering
// Streams of any other prefix are internal and not published. Message key: the stream id (so one
// aggregate's events stay in one partition, in order). Headers: event-id, event-type,
// schema-version, correlation-id, contract. Value: the JSON envelope below.
//
// Compatibility: v1 only ever gains optional fields. `data` is the event's data at the
// `schemaVersion` it names (upcast to the latest version we know); a breaking change of the
// envelope is a v2 on new topics, published beside v1 until the ERP has moved.
import type { JsonObject, RecordedEvent } from '../../eventstore/port.ts';

export const ERP_CONTRACT_V1 = 'dealerline.erp.v1';

export const ERP_CONTEXTS = ['catalog', 'promotions', 'credit', 'inventory', 'ordering'] as const;
export type ErpContext = (typeof ERP_CONTEXTS)[number];

const CONTEXT_BY_PREFIX: Readonly<Record<string, ErpContext>> = {
  'product-': 'catalog',
  'gtin-': 'catalog',
  'promotion-': 'promotions',
  'dealer-': 'credit',
  'credit-': 'credit',
  'warehouse-': 'inventory',
  'stock-': 'inventory',
  'order-': 'ordering',
};

/** The stream prefixes the ERP adapters subscribe to. */
export const ERP_STREAM_PREFIXES: readonly string[] = Object.keys(CONTEXT_BY_PREFIX);

export function contextOf(streamId: string): ErpContext | undefined {
  const prefix = ERP_STREAM_PREFIXES.find((candidate) => streamId.startsWith(candidate));
  return prefix === undefined ? undefined : CONTEXT_BY_PREFIX[prefix];
}

export const topicOf = (context: ErpContext) => `dealerline.${context}`;

export type ErpEventV1 = {
  contract: typeof ERP_CONTRACT_V1;
  eventId: string;
  eventType: string;
  schemaVersion: number;
  context: ErpContext;
  stream: string;
  /** The event's revision in its stream, from 0: the ERP can order and detect gaps per aggregate. */
  revision: number;
  /** The global position (a decimal string); replays start from one. */
  position: string;
  occurredAt: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
  data: JsonObject;
};

/** The v1 envelope of a business event; undefined for streams the ERP does not get. */
export function toErpEventV1(event: RecordedEvent): ErpEventV1 | undefined {
  const context = contextOf(event.streamId);
  if (!context) return undefined;
  const metadata = event.metadata;
  return {
    contract: ERP_CONTRACT_V1,
    eventId: event.id,
    eventType: event.type,
    schemaVersion: metadata.schemaVersion ?? 1,
    context,
    stream: event.streamId,
    revision: event.revision,
    position: event.position,
    occurredAt: metadata.occurredAt ?? event.createdAt,
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId ?? null,
    data: event.data,
  };
}
