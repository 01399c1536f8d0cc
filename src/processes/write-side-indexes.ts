// Builds the write-side indexes (stocking per SKU, promotions in force, regions) from the events of
// a store written before they existed. Runs once per store and index version, at start: a marker
// stream records the version it built.
// Everything written since is indexed as it is written, so the build only fills in history.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { StockReceivedData, StockTransferredInData } from '../domain/inventory/stock.ts';
import { stockingDecider, stockingStream } from '../domain/inventory/stocking.ts';
import type { Warehouse } from '../domain/inventory/warehouse.ts';
import { promotionIndexDecider, promotionIndexStream } from '../domain/promotions/promotion-index.ts';
import type { PromotionCreatedData } from '../domain/promotions/promotion.ts';
import { regionIndexDecider, regionIndexStream } from '../domain/regions/region-index.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import { ConcurrencyError, START_POSITION, comparePositions, type EventStore } from '../eventstore/port.ts';

const MARKER_STREAM = 'index-built';
const INDEX_VERSION = 2;

const INDEXED_TYPES = [
  'WarehouseRegistered',
  'StockReceived',
  'StockTransferredIn',
  'PromotionCreated',
  'PromotionEnded',
  'DealerRegistered',
  'DealerTerritoriesChanged',
];

type Found = {
  /** Warehouse id → its region. */
  regions: Map<string, string>;
  /** Every region a warehouse or a dealer's territories named. */
  known: Set<string>;
  stocked: Map<string, Set<string>>;
  promotions: Map<string, { startsAt: string; endsAt: string; ended: boolean }>;
};

async function scan(store: EventStore): Promise<Found> {
  const found: Found = { regions: new Map(), known: new Set(), stocked: new Map(), promotions: new Map() };
  for (let after = START_POSITION; ;) {
    const page = await store.readAll({ after, maxCount: 1_000, filter: { eventTypes: INDEXED_TYPES } });
    for (const event of page.events) {
      if (event.type === 'WarehouseRegistered') {
        const { warehouseId, regionCode } = event.data as Warehouse;
        found.regions.set(warehouseId, regionCode);
        found.known.add(regionCode);
      } else if (event.type === 'DealerRegistered' || event.type === 'DealerTerritoriesChanged') {
        for (const regionCode of (event.data as { territories: string[] }).territories) found.known.add(regionCode);
      } else if (event.type === 'StockReceived' || event.type === 'StockTransferredIn') {
        const { sku, warehouseId } = event.data as StockReceivedData | StockTransferredInData;
        found.stocked.set(sku, (found.stocked.get(sku) ?? new Set()).add(warehouseId));
      } else if (event.type === 'PromotionCreated') {
        const { promotionId, startsAt, endsAt } = event.data as PromotionCreatedData;
        found.promotions.set(promotionId, { startsAt, endsAt, ended: false });
      } else {
        const promotion = found.promotions.get(String(event.data.promotionId));
        if (promotion) promotion.ended = true;
      }
    }
    if (comparePositions(page.checkpoint, after) <= 0) return found;
    after = page.checkpoint;
  }
}

/** Indexes what the store holds unindexed, unless this store's indexes were built already. */
export async function buildWriteSideIndexes(store: EventStore, commands: CommandHandler, logger: Logger): Promise<void> {
  const [marker] = await store.readStream(MARKER_STREAM, { direction: 'backwards', maxCount: 1 });
  if (marker && Number(marker.data.version) >= INDEX_VERSION) return;
  // An empty store has nothing to index, and everything written from now on is indexed as written.
  if ((await store.readAll({ maxCount: 1 })).events.length === 0) return;
  const context: CommandContext = {
    actor: 'system:index-builder',
    role: 'admin',
    correlationId: `index-build-v${INDEX_VERSION}`,
    causationId: null,
    now: new Date(),
  };
  const found = await scan(store);
  let added = 0;
  for (const [sku, warehouses] of found.stocked) {
    for (const warehouseId of warehouses) {
      const regionCode = found.regions.get(warehouseId);
      if (regionCode === undefined) continue;
      const handled = await commands.handle(
        stockingDecider,
        stockingStream(sku),
        { type: 'AddStockingWarehouse', data: { sku, warehouseId, regionCode } },
        context,
      );
      if (handled.ok) added += handled.events.length;
    }
  }
  for (const [promotionId, { startsAt, endsAt, ended }] of found.promotions) {
    if (ended) continue;
    const handled = await commands.handle(
      promotionIndexDecider,
      promotionIndexStream,
      { type: 'ListPromotion', data: { promotionId, startsAt, endsAt } },
      context,
    );
    if (handled.ok) added += handled.events.length;
  }
  if (found.known.size > 0) {
    const handled = await commands.handle(
      regionIndexDecider,
      regionIndexStream,
      { type: 'ListRegions', data: { regionCodes: [...found.known] } },
      context,
    );
    if (handled.ok) added += handled.events.length;
  }
  try {
    await store.appendToStream(
      MARKER_STREAM,
      [
        {
          id: randomUUID(),
          type: 'WriteSideIndexesBuilt',
          data: { version: INDEX_VERSION },
          metadata: {
            actor: context.actor,
            role: context.role,
            correlationId: context.correlationId,
            causationId: null,
            occurredAt: context.now.toISOString(),
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: marker ? marker.revision : 'no_stream' },
    );
  } catch (error) {
    // Another process built them at the same time: both built the same, idempotently.
    if (!(error instanceof ConcurrencyError)) throw error;
  }
  if (added > 0) logger.info({ added }, 'write-side indexes built from the events already stored');
}
