// How events are stored in KurrentDB records and read back, whichever kind of append wrote them.
import type { EventMetadata, JsonObject, RecordedEvent } from './port.ts';

/**
 * Multi-stream appends store metadata as record properties, which take string values only; our
 * metadata (numbers, null, nested objects) travels as JSON in this one property instead.
 */
export const METADATA_PROPERTY = 'dealerline.metadata';

/** A recorded event as the client returns it. */
export type StoredEvent = {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
};

/** The metadata of an event appended to several streams at once, as record properties. */
export function metadataProperties(metadata: EventMetadata): Record<string, string> {
  return { [METADATA_PROPERTY]: JSON.stringify(metadata) };
}

function parsedOrSelf(text: string, self: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return self;
  }
}

/**
 * JSON data may come back as bytes when the server did not flag the record as JSON; anything else
 * that is not a JSON object was stored by a foreign writer, and hiding it would hide their events.
 */
function jsonObjectOf(event: StoredEvent, value: unknown, part: 'data' | 'metadata'): JsonObject {
  const decoded = value instanceof Uint8Array ? parsedOrSelf(Buffer.from(value).toString('utf8'), value) : value;
  if (typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) && !(decoded instanceof Uint8Array)) {
    return decoded as JsonObject;
  }
  throw new TypeError(`Event ${event.id} in stream ${event.streamId} has no JSON object ${part}`);
}

/**
 * A single-stream append stores the metadata as it is; a multi-stream append as JSON in one
 * property, read back beside the properties the server adds (`$schema.format`, `$schema.name`).
 */
function metadataOf(event: StoredEvent): EventMetadata {
  const stored = jsonObjectOf(event, event.metadata, 'metadata');
  const encoded = stored[METADATA_PROPERTY];
  return (typeof encoded === 'string' ? jsonObjectOf(event, parsedOrSelf(encoded, encoded), 'metadata') : stored) as EventMetadata;
}

export function toRecorded(event: StoredEvent, position: string): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
    data: jsonObjectOf(event, event.data, 'data'),
    metadata: metadataOf(event),
    createdAt: event.created.toISOString(),
  };
}
