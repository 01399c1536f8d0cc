// Catalog routes: ops register and change products and prices; everyone browses and scans.
import type { FastifyRequest } from 'fastify';
import { serializerCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { gtinDecider, gtinStream } from '../domain/catalog/gtin-registry.ts';
import { resolvePrice } from '../domain/catalog/pricing.ts';
import {
  productDecider,
  productStream,
  registerProductSchema,
  setPricesSchema,
  updateProductSchema,
  type ProductState,
} from '../domain/catalog/product.ts';
import { dealerIdSchema, gtinSchema, skuSchema } from '../domain/shared/values.ts';
import type { CommandContext } from '../eventstore/command-handler.ts';
import { findProduct, type ProductRow } from '../projections/catalog/queries.ts';
import { dealerProfile } from '../projections/dealers/queries.ts';
import { promotionsForProducts, type PromotionViewer } from '../projections/promotions/queries.ts';
import { searchCatalog } from '../projections/catalog/search/catalog-page.ts';
import { CatalogVocabulary } from '../projections/catalog/search/vocabulary.ts';
import { actingDealerId, principalOf, type Role } from './auth.ts';
import { accepted, commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { HttpProblem, notFound, refusalProblem } from './problem.ts';
import { problemResponses } from './openapi.ts';
import { streamHistory, historyQuery, historyPageSchema, historySeenByDealer } from './history.ts';
import { ownEntry } from '../domain/shared/own-entry.ts';

const EVERYONE: Role[] = ['dealer', 'ops', 'finance', 'analyst', 'integration'];
/** Ops, and the ERP sending product master data and price lists (the integration role). */
const CATALOG_WRITERS: Role[] = ['ops', 'integration'];

const priceListSchema = z.object({ tiers: z.record(z.string(), z.number().int()), dealers: z.record(z.string(), z.number().int()) });

const productDetailsSchema = z.object({
  sku: z.string(),
  name: z.string(),
  brand: z.string(),
  category: z.string(),
  gtin: z.string().nullable(),
  unit: z.string(),
  caseSize: z.number().int().nullable(),
  shelfLifeDays: z.number().int().nullable(),
  basePriceMinor: z.number().int(),
  currency: z.string(),
  lowStockThreshold: z.number().int().nullable().describe('Below this many available (all warehouses) the SKU is listed as low on stock.'),
  keywords: z.array(z.string()).describe('Other words the product is found by (synonyms, former names); searched like the name.'),
  active: z.boolean(),
  version: z.number().int().describe('The product stream revision; send it as If-Match to update safely.'),
});

const productSchema = productDetailsSchema
  .extend({
    priceMinor: z.number().int().describe("The caller's price: contract > tier > base."),
    priceBasis: z.enum(['contract', 'tier', 'base']),
    available: z.number().int().describe('Available quantity summed over warehouses.'),
    promotions: z.array(z.object({ id: z.string(), title: z.string() })).describe('Active promotions the caller may have on this product.'),
    prices: priceListSchema.optional().describe('All tier and contract prices; staff only.'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Product' });

const productWrittenSchema = productDetailsSchema
  .extend({ prices: priceListSchema, position: z.string().describe('Global position of the last event of this command.') })
  .meta({ id: 'ProductWritten' });

const buyerQuery = {
  dealerId: dealerIdSchema.optional().describe('Staff: show prices as this dealer sees them.'),
};

type Buyer = { dealerId: string | undefined; tier: string | undefined; territories: string[] | undefined; staff: boolean };

/** Staff load every contract price; a dealer's query loads its own only. */
const pricesFor = (buyer: Buyer) => (buyer.staff ? undefined : buyer.dealerId);

/** The caller as a buyer: its dealer (a dealer's own, or the one staff name), with tier and territories. */
async function buyerOf(db: Db, request: FastifyRequest, requestedDealer: string | undefined): Promise<Buyer> {
  const principal = principalOf(request);
  const dealerId = actingDealerId(request, requestedDealer);
  const profile = dealerId === undefined ? undefined : await dealerProfile(db, dealerId);
  return { dealerId, tier: profile?.tier, territories: profile?.territories, staff: principal.role !== 'dealer' };
}

/** Staff without a dealer see every active promotion of a product; a dealer those it may have. */
const promotionViewer = (buyer: Buyer): PromotionViewer => ({ dealerId: buyer.dealerId, tier: buyer.tier, territories: buyer.territories });

/**
 * The catalog page is the hottest response: its 200 is written as it is (the handler's return
 * type is checked against the schema when compiling) instead of parsed by zod first; every
 * other status goes through the zod serializer as everywhere.
 */
function catalogPageSerializer(route: { schema: unknown; method: string; url: string; httpStatus?: string }): (data: unknown) => string {
  return route.httpStatus === '200'
    ? (data) => JSON.stringify(data)
    : serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);
}

/** Where a catalog page ends: the last item's relevance and SKU. */
const searchCursorSchema = z.object({ score: z.number(), sku: z.string() });

type PromotionsBySku = ReadonlyMap<string, { id: string; title: string }[]>;

/** A product row; times as Dates (from kysely) or already as ISO strings (from the catalog search). */
type ProductSource = Omit<ProductRow, 'createdAt' | 'updatedAt'> & { createdAt: Date | string; updatedAt: Date | string };

const isoTime = (time: Date | string) => (typeof time === 'string' ? time : time.toISOString());

function toProduct(row: ProductSource, buyer: Buyer, promotions: PromotionsBySku) {
  const price = resolvePrice({ basePriceMinor: row.basePriceMinor, tierPrices: row.tierPrices, dealerPrices: row.dealerPrices }, buyer);
  return {
    sku: row.sku,
    name: row.name,
    brand: row.brand,
    category: row.category,
    gtin: row.gtin,
    unit: row.unit,
    caseSize: row.caseSize,
    shelfLifeDays: row.shelfLifeDays,
    basePriceMinor: row.basePriceMinor,
    currency: row.currency,
    lowStockThreshold: row.lowStockThreshold,
    keywords: row.keywords,
    active: row.active,
    version: row.version,
    priceMinor: price.priceMinor,
    priceBasis: price.basis,
    available: row.available,
    promotions: promotions.get(row.sku) ?? [],
    ...(buyer.staff && { prices: { tiers: row.tierPrices, dealers: row.dealerPrices } }),
    createdAt: isoTime(row.createdAt),
    updatedAt: isoTime(row.updatedAt),
  };
}

function written(state: ProductState, revision: number, position: string) {
  if (!state.exists) throw new Error('written() needs an existing product');
  return {
    ...state.product,
    lowStockThreshold: state.product.lowStockThreshold ?? null,
    keywords: state.product.keywords ?? [],
    version: revision,
    prices: state.prices,
    position,
  };
}

/** `If-Match: "3"` (or W/"3", or 3) → 3. */
function ifMatchRevision(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) {
    throw new HttpProblem(400, 'validation_failed', 'If-Match must be a product version', {
      errors: [{ path: 'headers.if-match', message: 'must be a version number such as "3"' }],
    });
  }
  return Number(match[1]);
}

export function productRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db, pool } = deps;
  const vocabulary = CatalogVocabulary.of(db);

  /** Claims the GTIN for the SKU first, so that two products can never scan the same. */
  async function assignGtin(gtin: string, sku: string, context: CommandContext) {
    return accepted(await commands.handle(gtinDecider, gtinStream(gtin), { type: 'AssignGtin', data: { gtin, sku } }, context));
  }

  async function releaseGtin(gtin: string, sku: string, context: CommandContext) {
    return commands.handle(gtinDecider, gtinStream(gtin), { type: 'ReleaseGtin', data: { gtin, sku } }, context);
  }

  return async (app) => {
    app.post(
      '/v1/products',
      {
        config: { access: CATALOG_WRITERS },
        schema: {
          tags: ['catalog'],
          summary: 'Register a product',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: registerProductSchema,
          response: { 201: productWrittenSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const context = commandContext(request);
            const { sku, gtin } = request.body;
            // A duplicate SKU is refused before the GTIN is claimed, so that it writes nothing.
            const existing = await commands.load(productDecider, productStream(sku));
            if (existing.state.exists) throw new HttpProblem(409, 'product_exists', `Product ${sku} already exists`);
            const claimed = gtin ? await assignGtin(gtin, sku, context) : undefined;
            const handled = await commands.handle(
              productDecider,
              productStream(sku),
              { type: 'RegisterProduct', data: request.body },
              context,
            );
            if (!handled.ok) {
              if (gtin && claimed?.events.length) await releaseGtin(gtin, sku, context);
              throw refusalProblem(handled.refusal);
            }
            return { status: 201, body: written(handled.state, handled.revision, await positionOf(store, handled.position)) };
          }),
        ),
    );

    app.patch(
      '/v1/products/:sku',
      {
        config: { access: CATALOG_WRITERS },
        schema: {
          tags: ['catalog'],
          summary: 'Change a product',
          description: 'Partial update. Send `If-Match: <version>` to refuse the change (409) if someone else changed the product first.',
          params: z.object({ sku: skuSchema }),
          headers: z.object({ 'if-match': z.string().max(20).optional() }),
          body: updateProductSchema,
          response: { 200: productWrittenSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const { sku } = request.params;
        const context = commandContext(request);
        const expectedRevision = ifMatchRevision(request.headers['if-match']);
        const before = await commands.load(productDecider, productStream(sku));
        if (!before.state.exists) throw notFound(`Product ${sku}`);
        const oldGtin = before.state.product.gtin;
        const newGtin = request.body.gtin;
        const gtinChanges = newGtin !== undefined && newGtin !== oldGtin;
        const claimed = gtinChanges && newGtin ? await assignGtin(newGtin, sku, context) : undefined;
        const handled = await commands
          .handle(productDecider, productStream(sku), { type: 'UpdateProduct', data: { sku, changes: request.body } }, context, {
            ...(expectedRevision !== undefined && { expectedRevision }),
          })
          .catch(async (error: unknown) => {
            if (newGtin && claimed?.events.length) await releaseGtin(newGtin, sku, context);
            throw error;
          });
        const done = accepted(handled);
        const released = gtinChanges && oldGtin ? await releaseGtin(oldGtin, sku, context) : undefined;
        const position = await positionOf(store, done.position, released?.ok ? released.position : undefined);
        reply.header('etag', `"${done.revision}"`);
        return written(done.state, done.revision, position);
      },
    );

    app.put(
      '/v1/products/:sku/prices',
      {
        config: { access: CATALOG_WRITERS },
        schema: {
          tags: ['catalog'],
          summary: 'Set tier and contract prices',
          description: 'Replaces the tier prices and the per-dealer contract prices of a product.',
          params: z.object({ sku: skuSchema }),
          body: setPricesSchema,
          response: { 200: productWrittenSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { sku } = request.params;
        const handled = accepted(
          await commands.handle(
            productDecider,
            productStream(sku),
            { type: 'SetProductPrices', data: { sku, ...request.body } },
            commandContext(request),
          ),
        );
        return written(handled.state, handled.revision, await positionOf(store, handled.position));
      },
    );

    app.get(
      '/v1/products',
      {
        config: { access: EVERYONE },
        schema: {
          tags: ['catalog'],
          summary: 'Browse and search the catalog',
          description:
            'Search over name, keywords, brand, category, SKU and GTIN, best match first: an exact SKU or GTIN, then SKUs starting with `q`, ' +
            'then products holding every word of `q`. Chinese is cut into words, and a word also matches inside a longer one; pinyin ' +
            '(`lvcha`, `kangshifu`) and initials (`lc`, `ht jiangyou`) match the Chinese words they spell; a Latin word the catalog does ' +
            'not know also matches as the start of a word, as a known word one or two letters off (typos) and as known words written ' +
            'together. A match in the name ranks above one in the brand, and that above the category; a whole word above a part of one; ' +
            'shorter names first. Only when nothing matches so: products with any word of `q`, or names merely similar to it. ' +
            "Without `q`: by SKU. Prices are the caller's own.",
          querystring: z.object({
            q: z.string().trim().max(200).optional(),
            category: z.string().max(100).optional(),
            brand: z.string().max(100).optional(),
            inStock: z.enum(['true', 'false']).optional().describe('true: only products with stock available.'),
            ...buyerQuery,
            ...pageQuery,
          }),
          response: { 200: pageOf(productSchema), ...problemResponses(400, 401, 403) },
        },
        serializerCompiler: catalogPageSerializer,
      },
      async (request) => {
        const { q, category, brand, inStock, limit, cursor, dealerId } = request.query;
        const staff = principalOf(request).role !== 'dealer';
        const buyerDealerId = actingDealerId(request, dealerId);
        const after = decodeCursor(cursor, searchCursorSchema);
        // One statement: the page, its prices and stock, and the buyer's tier and territories.
        const rows = await searchCatalog(db, pool, vocabulary, {
          q,
          category,
          brand,
          inStock: inStock === 'true',
          includeInactive: staff,
          buyerDealerId,
          allTierPrices: staff,
          contractPricesOf: staff ? undefined : buyerDealerId,
          limit,
          after,
        });
        const buyer: Buyer = {
          dealerId: buyerDealerId,
          tier: rows[0]?.buyerTier ?? undefined,
          territories: rows[0]?.buyerTerritories ?? undefined,
          staff,
        };
        const page = rows.slice(0, limit);
        const promotions: PromotionsBySku =
          page.length === 0 ? new Map() : await promotionsForProducts(db, page, promotionViewer(buyer), new Date());
        return paginate(
          rows,
          limit,
          (row) => toProduct(row, buyer, promotions),
          (row) => ({ score: row.score, sku: row.sku }),
        );
      },
    );

    app.get(
      '/v1/products/by-gtin/:gtin',
      {
        config: { access: EVERYONE },
        schema: {
          tags: ['catalog'],
          summary: 'Look a product up by its barcode (GTIN)',
          params: z.object({ gtin: gtinSchema }),
          querystring: z.object(buyerQuery),
          response: { 200: productSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const buyer = await buyerOf(db, request, request.query.dealerId);
        const row = await findProduct(db, { gtin: request.params.gtin }, pricesFor(buyer));
        if (!row || (!row.active && !buyer.staff)) throw notFound(`Product with GTIN ${request.params.gtin}`);
        return toProduct(row, buyer, await promotionsForProducts(db, [row], promotionViewer(buyer), new Date()));
      },
    );

    app.get(
      '/v1/products/:sku',
      {
        config: { access: EVERYONE },
        schema: {
          tags: ['catalog'],
          summary: 'Get a product',
          params: z.object({ sku: skuSchema }),
          querystring: z.object(buyerQuery),
          response: { 200: productSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const buyer = await buyerOf(db, request, request.query.dealerId);
        const row = await findProduct(db, { sku: request.params.sku }, pricesFor(buyer));
        if (!row || (!row.active && !buyer.staff)) throw notFound(`Product ${request.params.sku}`);
        reply.header('etag', `"${row.version}"`);
        return toProduct(row, buyer, await promotionsForProducts(db, [row], promotionViewer(buyer), new Date()));
      },
    );

    app.get(
      '/v1/products/:sku/history',
      {
        config: { access: EVERYONE },
        schema: {
          tags: ['catalog'],
          summary: 'Every change of a product, with actor and time',
          description:
            "Read from the event stream itself. Dealers see only their own tier's and contract price in price changes, and staff by role, not by user id.",
          params: z.object({ sku: skuSchema }),
          querystring: historyQuery,
          response: { 200: historyPageSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const page = await streamHistory(store, deps.upcasting, productStream(request.params.sku), request.query);
        if (!page) throw notFound(`Product ${request.params.sku}`);
        if (principal.role !== 'dealer') return page;
        const { tier } = await buyerOf(db, request, undefined);
        return historySeenByDealer(page, (item) =>
          item.type === 'ProductPricesSet'
            ? { ...item.data, tiers: onlyKey(item.data.tiers, tier), dealers: onlyKey(item.data.dealers, principal.dealerId) }
            : item.data,
        );
      },
    );
  };
}

/** Of a price list (by tier or by dealer), the caller's own entry only. */
function onlyKey(prices: unknown, key: string | undefined): Record<string, number> {
  const own = ownEntry(prices as Record<string, number> | undefined, key);
  return key !== undefined && own !== undefined ? { [key]: own } : {};
}
