// Exports for finance and auditors: every event, or every credit ledger entry, of a period as NDJSON
// or CSV. The response is streamed: the store (or the ledger table) is read a chunk at a time, and
// the next chunk only when the client has taken the last one, so a period of any size costs one
// chunk of memory. Each export is a snapshot: it stops at the store head (or last ledger entry)
// seen when it started.
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dealerIdSchema } from '../domain/shared/values.ts';
import { comparePositions, START_POSITION, type RecordedEvent } from '../eventstore/port.ts';
import { lastLedgerId, ledgerExportPage, type LedgerRow } from '../projections/credit/queries.ts';
import { boundary, ledgerEntry, periodBound } from './credit.ts';
import { sayBusinessTimeZone } from './business-time-zone.ts';
import { csvRow } from './csv.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { HttpProblem } from './problem.ts';

/** Rows read (and written) per chunk. */
export const EXPORT_CHUNK_SIZE = 500;

const FORMATS = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;
type Format = keyof typeof FORMATS;

const EVENT_TYPES = /^[A-Za-z][\w.:-]{0,99}(,[A-Za-z][\w.:-]{0,99}){0,49}$/;

const periodQuery = {
  from: periodBound
    .optional()
    .describe(
      'From this instant, or the start of this business day (the `Business-Time-Zone` header names its zone); inclusive. Default: the beginning.',
    ),
  to: periodBound.optional().describe('Until this instant, or the end of this business day; exclusive. Default: now.'),
  format: z
    .enum(['ndjson', 'csv'])
    .default('ndjson')
    .describe('`ndjson`: one JSON object per line; `csv`: a header row, then one row per item.'),
};

const eventsQuery = z.object({
  ...periodQuery,
  types: z
    .string()
    .regex(EVENT_TYPES, 'must be a comma-separated list of up to 50 event types')
    .optional()
    .describe('Only these event types.'),
});

const ledgerQuery = z.object({ ...periodQuery, dealerId: dealerIdSchema.optional().describe("Only this dealer's ledger.") });

/** The period's bounds; a period that ends before it starts is a 400. */
function periodOf(query: { from?: string | undefined; to?: string | undefined }): { from: Date | undefined; to: Date | undefined } {
  const from = boundary(query.from, 'from');
  const to = boundary(query.to, 'to');
  if (from && to && from >= to)
    throw new HttpProblem(400, 'validation_failed', '1 invalid field(s): query.to', {
      errors: [{ path: 'query.to', message: 'must be after from' }],
    });
  return { from, to };
}

const EVENT_COLUMNS = [
  'position',
  'stream',
  'revision',
  'eventId',
  'type',
  'occurredAt',
  'actor',
  'role',
  'correlationId',
  'causationId',
  'schemaVersion',
  'data',
  'metadata',
];

/** When an event occurred: its metadata says; the store's commit time for any that do not. */
const occurredAtOf = (event: RecordedEvent): string => event.metadata.occurredAt ?? event.createdAt;

const LEDGER_COLUMNS = [
  'entryId',
  'dealerId',
  'position',
  'at',
  'kind',
  'amountMinor',
  'balanceAfterMinor',
  'reservedAfterMinor',
  'limitAfterMinor',
  'orderId',
  'shipmentId',
  'dueDate',
  'paymentId',
  'reference',
  'creditNoteId',
  'reason',
];

/** NDJSON: the event as stored (upcast), with its metadata whole. */
function eventRecord(event: RecordedEvent) {
  return {
    position: event.position,
    stream: event.streamId,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    occurredAt: occurredAtOf(event),
    data: event.data,
    metadata: event.metadata,
  };
}

/** CSV: the same, with the metadata an auditor filters by in columns of their own. */
function eventRow(event: RecordedEvent) {
  const { actor, role, correlationId, causationId, schemaVersion } = event.metadata;
  return { ...eventRecord(event), actor, role, correlationId, causationId, schemaVersion };
}

function ledgerRecord(row: LedgerRow) {
  return { entryId: row.id, dealerId: row.dealer_id, ...ledgerEntry(row) };
}

/** One record as a line of the format; CSV fields in the order of `columns`. */
function line(format: Format, columns: readonly string[], record: Record<string, unknown>): string {
  return format === 'ndjson' ? `${JSON.stringify(record)}\n` : csvRow(columns.map((column) => record[column]));
}

/** Streams the chunks as the body; the generator runs only as far as the client reads. */
function sendStream(reply: FastifyReply, format: Format, name: string, chunks: AsyncGenerator<string>): FastifyReply {
  const stream = Readable.from(chunks, { objectMode: false, highWaterMark: 1 });
  return sayBusinessTimeZone(reply)
    .code(200)
    .header('content-type', FORMATS[format])
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .header('cache-control', 'no-store')
    .send(stream);
}

const exportDescription =
  'Streamed (chunked transfer encoding), a chunk of rows at a time with backpressure; a snapshot up to the moment the export started. ' +
  "Dates given for `from`/`to` are business days, in the time zone the `Business-Time-Zone` header names. CSV: RFC 4180 quoting; text starting with =, +, -, @ is prefixed with ' so spreadsheets do not run it as a formula (NDJSON is exact).";

const exportResponse = {
  200: {
    description: 'NDJSON (`application/x-ndjson`) or CSV (`text/csv`), by `format`.',
    content: {
      'application/x-ndjson': { schema: z.string().describe('One JSON object per line.') },
      'text/csv': { schema: z.string().describe('A header row, then one row per item (RFC 4180).') },
    },
  },
  ...problemResponses(400, 401, 403),
};

export function exportRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, store, upcasting } = deps;

  async function* eventChunks(
    query: z.infer<typeof eventsQuery>,
    period: { from: Date | undefined; to: Date | undefined },
  ): AsyncGenerator<string> {
    const from = period.from?.getTime() ?? -Infinity;
    const to = period.to?.getTime() ?? Infinity;
    const filter = query.types ? { eventTypes: query.types.split(',') } : undefined;
    if (query.format === 'csv') yield csvRow(EVENT_COLUMNS);
    const head = await store.headPosition();
    let after = START_POSITION;
    while (comparePositions(after, head) < 0) {
      const page = await store.readAll({ after, maxCount: EXPORT_CHUNK_SIZE, ...(filter && { filter }) });
      let chunk = '';
      for (const recorded of page.events) {
        if (comparePositions(recorded.position, head) > 0) break;
        const event = upcasting.upcast(recorded);
        const at = Date.parse(occurredAtOf(event));
        if (at >= from && at < to)
          chunk += line(query.format, EVENT_COLUMNS, query.format === 'csv' ? eventRow(event) : eventRecord(event));
      }
      if (chunk) yield chunk;
      if (comparePositions(page.checkpoint, after) <= 0) return;
      after = page.checkpoint;
    }
  }

  async function* ledgerChunks(
    query: z.infer<typeof ledgerQuery>,
    period: { from: Date | undefined; to: Date | undefined },
  ): AsyncGenerator<string> {
    if (query.format === 'csv') yield csvRow(LEDGER_COLUMNS);
    const untilId = await lastLedgerId(db);
    let afterId = 0;
    for (;;) {
      const rows = await ledgerExportPage(db, { ...period, dealerId: query.dealerId, afterId, untilId, limit: EXPORT_CHUNK_SIZE });
      if (rows.length === 0) return;
      yield rows.map((row) => line(query.format, LEDGER_COLUMNS, ledgerRecord(row))).join('');
      if (rows.length < EXPORT_CHUNK_SIZE) return;
      afterId = rows[rows.length - 1]!.id;
    }
  }

  return async (app) => {
    app.get(
      '/v1/exports/events',
      {
        config: { access: ['finance'] },
        schema: {
          tags: ['finance'],
          summary: 'Every event of a period (by when it occurred), in global order, as NDJSON or CSV',
          description:
            `${exportDescription} Each event: position, stream, revision, eventId, type, occurredAt, data and metadata ` +
            '(CSV: also actor, role, correlationId, causationId and schemaVersion in columns of their own; data and metadata as JSON).',
          querystring: eventsQuery,
          response: exportResponse,
        },
      },
      async (request, reply) => sendStream(reply, request.query.format, 'events', eventChunks(request.query, periodOf(request.query))),
    );

    app.get(
      '/v1/exports/ledger',
      {
        config: { access: ['finance'] },
        schema: {
          tags: ['finance'],
          summary: "Every dealer's credit ledger entries of a period (or one dealer's), as NDJSON or CSV",
          description: `${exportDescription} Each entry as in the dealer statement (\`GET /v1/dealers/{id}/ledger\`), with its dealer and entry id.`,
          querystring: ledgerQuery,
          response: exportResponse,
        },
      },
      async (request, reply) => sendStream(reply, request.query.format, 'ledger', ledgerChunks(request.query, periodOf(request.query))),
    );
  };
}
