// The product aggregate (`product-<sku>`): registration, changes and prices, all as events.
import { z } from 'zod';
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';
import { currencySchema, dealerIdSchema, gtinSchema, skuSchema, tierSchema, unitPriceMinorSchema } from '../shared/values.ts';

export const productStream = (sku: string) => `product-${sku}`;

const productDetails = {
  name: z.string().trim().min(1).max(200),
  brand: z.string().trim().min(1).max(100),
  category: z.string().trim().min(1).max(100),
  unit: z.string().trim().min(1).max(20),
  caseSize: z.number().int().positive().max(10_000),
  shelfLifeDays: z.number().int().positive().max(3_650),
  basePriceMinor: unitPriceMinorSchema,
  lowStockThreshold: z.number().int().min(0).max(1_000_000).describe('Below this many available (all warehouses) the SKU is low on stock.'),
  keywords: z
    .array(z.string().trim().min(1).max(50))
    .max(20)
    .describe('Other words a buyer may search the product by (synonyms, former names); searched like the name.'),
};

export const registerProductSchema = z.object({
  sku: skuSchema,
  name: productDetails.name,
  brand: productDetails.brand,
  category: productDetails.category,
  gtin: gtinSchema.optional(),
  unit: productDetails.unit,
  caseSize: productDetails.caseSize.optional(),
  shelfLifeDays: productDetails.shelfLifeDays.optional(),
  basePriceMinor: productDetails.basePriceMinor,
  currency: currencySchema,
  lowStockThreshold: productDetails.lowStockThreshold.nullable().optional(),
  keywords: productDetails.keywords.optional(),
});

export const updateProductSchema = z
  .object({
    name: productDetails.name,
    brand: productDetails.brand,
    category: productDetails.category,
    gtin: gtinSchema.nullable(),
    unit: productDetails.unit,
    caseSize: productDetails.caseSize.nullable(),
    shelfLifeDays: productDetails.shelfLifeDays.nullable(),
    basePriceMinor: productDetails.basePriceMinor,
    lowStockThreshold: productDetails.lowStockThreshold.nullable(),
    keywords: productDetails.keywords,
    active: z.boolean(),
  })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'must change at least one field');

export const setPricesSchema = z
  .object({
    tiers: z.record(tierSchema, unitPriceMinorSchema),
    dealers: z.record(dealerIdSchema, unitPriceMinorSchema).default({}),
  })
  .strict();

export type RegisterProduct = z.infer<typeof registerProductSchema>;
export type ProductChanges = z.infer<typeof updateProductSchema>;
export type PriceList = z.infer<typeof setPricesSchema>;

export type ProductCommand =
  | { type: 'RegisterProduct'; data: RegisterProduct }
  | { type: 'UpdateProduct'; data: { sku: string; changes: ProductChanges } }
  | { type: 'SetProductPrices'; data: { sku: string } & PriceList };

export type ProductDetails = {
  sku: string;
  name: string;
  brand: string;
  category: string;
  gtin: string | null;
  unit: string;
  caseSize: number | null;
  shelfLifeDays: number | null;
  basePriceMinor: number;
  currency: string;
  /** Only in events of products registered with a threshold; absent reads as null (no threshold). */
  lowStockThreshold?: number | null;
  /** Only in events of products registered with keywords; absent reads as none. */
  keywords?: string[];
};

export type ProductEvent =
  | DomainEvent<'ProductRegistered', ProductDetails>
  | DomainEvent<'ProductUpdated', { sku: string; changes: ProductChanges }>
  | DomainEvent<'ProductPricesSet', { sku: string } & PriceList>;

export type ProductState = { exists: false } | { exists: true; product: ProductDetails & { active: boolean }; prices: PriceList };

export const productEventTypes = ['ProductRegistered', 'ProductUpdated', 'ProductPricesSet'] as const;

const sameValue = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((item, index) => item === b[index]) : a === b;

function changedFields(current: ProductDetails & { active: boolean }, changes: ProductChanges): ProductChanges {
  return Object.fromEntries(Object.entries(changes).filter(([key, value]) => !sameValue(current[key as keyof typeof current], value)));
}

function samePrices(a: PriceList, b: PriceList): boolean {
  const same = (x: Record<string, number>, y: Record<string, number>) =>
    Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([key, value]) => y[key] === value);
  return same(a.tiers, b.tiers) && same(a.dealers, b.dealers);
}

export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  initialState: { exists: false },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterProduct': {
        if (state.exists) return refuse('product_exists', `Product ${command.data.sku} already exists`, 'conflict');
        const { gtin, caseSize, shelfLifeDays, ...rest } = command.data;
        return [
          {
            type: 'ProductRegistered',
            data: { ...rest, gtin: gtin ?? null, caseSize: caseSize ?? null, shelfLifeDays: shelfLifeDays ?? null },
          },
        ];
      }
      case 'UpdateProduct': {
        if (!state.exists) return refuse('product_not_found', `Product ${command.data.sku} does not exist`, 'not_found');
        const changes = changedFields(state.product, command.data.changes);
        if (Object.keys(changes).length === 0) return [];
        return [{ type: 'ProductUpdated', data: { sku: command.data.sku, changes } }];
      }
      case 'SetProductPrices': {
        if (!state.exists) return refuse('product_not_found', `Product ${command.data.sku} does not exist`, 'not_found');
        const { sku, tiers, dealers } = command.data;
        if (samePrices(state.prices, { tiers, dealers })) return [];
        return [{ type: 'ProductPricesSet', data: { sku, tiers, dealers } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ProductRegistered':
        return {
          exists: true,
          product: { lowStockThreshold: null, keywords: [], ...event.data, active: true },
          prices: { tiers: {}, dealers: {} },
        };
      case 'ProductUpdated':
        return state.exists ? { ...state, product: { ...state.product, ...event.data.changes } } : state;
      case 'ProductPricesSet':
        return state.exists ? { ...state, prices: { tiers: event.data.tiers, dealers: event.data.dealers } } : state;
    }
  },
};
