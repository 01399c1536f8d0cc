// Projects orders, shipments, refunds, stock, promotions and the master data they need into the
// analysts' fact tables (schema `analytics_facts`), read through the `analytics` views. It keeps
// its own copy of products, dealers, warehouses and promotions so it rebuilds on its own.
import type { ProductChanges, ProductDetails } from '../../domain/catalog/product.ts';
import type { DealerRegistration } from '../../domain/dealers/dealer.ts';
import type { Warehouse } from '../../domain/inventory/warehouse.ts';
import type { PromotionCreatedData } from '../../domain/promotions/promotion.ts';
import { combineBatches } from '../batch.ts';
import type { Projection } from '../projection.ts';
import type { FactHandler } from './fact-handler.ts';
import { analyticsOrderBatch } from './order-batch.ts';
import { orderFactHandlers } from './order-facts.ts';
import { analyticsProductBatch } from './product-batch.ts';
import { rebateFactHandlers } from './rebate-facts.ts';
import { analyticsStockBatch } from './stock-batch.ts';
import { stockFactHandlers } from './stock-facts.ts';

const masterDataHandlers: Record<string, FactHandler> = {
  async ProductRegistered(db, event) {
    const p = event.data as ProductDetails;
    await db
      .insertInto('analytics_facts.products')
      .values({
        sku: p.sku,
        name: p.name,
        brand: p.brand,
        category: p.category,
        unit: p.unit,
        case_size: p.caseSize,
        base_price_minor: p.basePriceMinor,
        currency: p.currency,
        active: true,
        registered_at: new Date(event.metadata.occurredAt),
      })
      .execute();
  },
  async ProductUpdated(db, event) {
    const { sku, changes } = event.data as { sku: string; changes: ProductChanges };
    const described = {
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.brand !== undefined && { brand: changes.brand }),
      ...(changes.category !== undefined && { category: changes.category }),
    };
    const product = {
      ...described,
      ...(changes.unit !== undefined && { unit: changes.unit }),
      ...(changes.caseSize !== undefined && { case_size: changes.caseSize }),
      ...(changes.basePriceMinor !== undefined && { base_price_minor: changes.basePriceMinor }),
      ...(changes.active !== undefined && { active: changes.active }),
    };
    if (Object.keys(product).length > 0) await db.updateTable('analytics_facts.products').set(product).where('sku', '=', sku).execute();
    // Sales are analysed by the current name, brand and category: history moves along.
    if (Object.keys(described).length > 0) {
      const { name, ...rest } = described;
      await db
        .updateTable('analytics_facts.order_lines')
        .set({ ...rest, ...(name !== undefined && { product_name: name }) })
        .where('sku', '=', sku)
        .execute();
    }
  },
  async DealerRegistered(db, event) {
    const dealer = event.data as DealerRegistration;
    await db
      .insertInto('analytics_facts.dealers')
      .values({ dealer_id: dealer.dealerId, name: dealer.name, tier: dealer.tier, registered_at: new Date(event.metadata.occurredAt) })
      .execute();
  },
  async DealerTierChanged(db, event) {
    const { dealerId, tier } = event.data as { dealerId: string; tier: string };
    await db.updateTable('analytics_facts.dealers').set({ tier }).where('dealer_id', '=', dealerId).execute();
  },
  async WarehouseRegistered(db, event) {
    const warehouse = event.data as Warehouse;
    await db
      .insertInto('analytics_facts.warehouses')
      .values({ warehouse_id: warehouse.warehouseId, name: warehouse.name, region_code: warehouse.regionCode })
      .execute();
  },
  async PromotionCreated(db, event) {
    const p = event.data as PromotionCreatedData;
    await db
      .insertInto('analytics_facts.promotions')
      .values({
        promotion_id: p.promotionId,
        title: p.title,
        kind: p.kind,
        starts_at: new Date(p.startsAt),
        ends_at: new Date(p.endsAt),
        stackable: p.stackable,
      })
      .execute();
  },
  async PromotionEnded(db, event) {
    const { promotionId, endedAt } = event.data as { promotionId: string; endedAt: string };
    await db
      .updateTable('analytics_facts.promotions')
      .set({ ended_at: new Date(endedAt) })
      .where('promotion_id', '=', promotionId)
      .execute();
  },
};

const handlers: Record<string, FactHandler> = { ...masterDataHandlers, ...orderFactHandlers, ...stockFactHandlers, ...rebateFactHandlers };

export const analyticsProjection: Projection = {
  name: 'analytics',
  schema: 'analytics_facts',
  filter: { eventTypes: Object.keys(handlers) },
  async handle(db, event) {
    await handlers[event.type]?.(db, event);
  },
  // Products (products, order_lines renamed), reservations (stock_positions) and placed orders
  // (orders, order_lines, promotion_usage, order_allocations). Placing reads the products and
  // adds order lines, so the product events are a segment of their own: never in one fold with
  // orders. Reservations and orders share one: disjoint tables, neither reads the other's.
  batch: combineBatches([analyticsProductBatch, analyticsStockBatch, analyticsOrderBatch], {
    segment: (event) => (analyticsProductBatch.folds(event) ? 'catalog' : 'activity'),
  }),
  // Indexes for analysts' queries by day or promotion; the handlers find rows by key, and
  // order lines by SKU (order_lines_sku_idx stays).
  rebuildDeferredIndexes: ['orders_placed_idx', 'order_lines_day_idx', 'promotion_usage_promotion_idx', 'shipment_lines_day_idx'],
};
