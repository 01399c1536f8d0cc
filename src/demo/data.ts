// Demo data for an empty store: a food & beverage catalog with tier prices, written as events.
import { DEMO_PRODUCTS as PRODUCTS, ean13 } from './catalog.ts';
import { productDecider, productStream } from '../domain/catalog/product.ts';
import { gtinDecider, gtinStream } from '../domain/catalog/gtin-registry.ts';
import type { DealerRegistration } from '../domain/dealers/dealer.ts';
import { createPromotionSchema } from '../domain/promotions/promotion.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { EventStore } from '../eventstore/port.ts';
import { seedDemoStock } from './stock.ts';
import { createPromotion } from '../processes/promotion-terms.ts';
import { registerDealer } from '../processes/registrations.ts';

const TIER_DISCOUNTS: Record<string, number> = { platinum: 0.85, gold: 0.9, silver: 0.95 };

/** A valid EAN-13 outside the demo catalog's: manufacturer prefix 69 (China) and an item number. */
export const demoGtin = (index: number): string => ean13(`6901234${String(10_000 + index).padStart(5, '0')}`);

export const demoContext = (): CommandContext => ({
  actor: 'system:demo-data',
  role: 'admin',
  correlationId: 'demo-data',
  causationId: null,
  now: new Date(),
});

async function seedCatalog(commands: CommandHandler): Promise<number> {
  for (const { gtin, ...product } of PRODUCTS) {
    await commands.handle(gtinDecider, gtinStream(gtin), { type: 'AssignGtin', data: { gtin, sku: product.sku } }, demoContext());
    await commands.handle(
      productDecider,
      productStream(product.sku),
      { type: 'RegisterProduct', data: { ...product, gtin, currency: 'CNY' } },
      demoContext(),
    );
    const tiers = Object.fromEntries(
      Object.entries(TIER_DISCOUNTS).map(([tier, factor]) => [tier, Math.round(product.basePriceMinor * factor)]),
    );
    await commands.handle(
      productDecider,
      productStream(product.sku),
      { type: 'SetProductPrices', data: { sku: product.sku, tiers, dealers: {} } },
      demoContext(),
    );
  }
  return PRODUCTS.length;
}

const DAY_MS = 86_400_000;

/** One promotion of each common kind on the demo catalog, running from yesterday for a year. */
function demoPromotions(now: Date) {
  const window = { startsAt: new Date(now.getTime() - DAY_MS).toISOString(), endsAt: new Date(now.getTime() + 365 * DAY_MS).toISOString() };
  return [
    {
      id: 'TEA-TY-10',
      title: '统一 绿茶、冰红茶 九折',
      kind: 'percent_off',
      rule: { percent: 10 },
      eligibility: { skus: ['TEA-TY-01', 'TEA-TY-02'] },
      ...window,
    },
    {
      id: 'SNACKS-1000-80',
      title: '休闲零食 满1000元减80元',
      kind: 'spend_threshold',
      rule: { minSpendMinor: 100_000, amountOffMinor: 8_000 },
      eligibility: { categories: ['休闲零食'] },
      stackable: true,
      ...window,
    },
    {
      id: 'WATER-10-PLUS-1',
      title: '农夫山泉 饮用天然水 550ml 买10箱送1箱',
      kind: 'buy_x_get_y',
      rule: { buyQty: 10, getQty: 1, maxGiftQty: 5 },
      eligibility: { skus: ['WTR-NFSQ-01'] },
      stackable: true,
      ...window,
    },
    {
      id: 'NOODLES-VOLUME',
      title: '方便食品 量大优惠（金牌、白金经销商）',
      kind: 'tiered_quantity',
      rule: {
        breaks: [
          { minQty: 20, unitOffMinor: 200 },
          { minQty: 50, unitOffMinor: 500 },
        ],
      },
      eligibility: { categories: ['方便食品'], tiers: ['gold', 'platinum'] },
      caps: { perDealer: 3 },
      ...window,
    },
  ].map((promotion) => createPromotionSchema.parse(promotion));
}

async function seedPromotions(commands: CommandHandler): Promise<number> {
  const context = demoContext();
  const promotions = demoPromotions(context.now);
  for (const promotion of promotions) {
    const id = promotion.id!;
    await createPromotion(commands, { ...promotion, id }, context);
  }
  return promotions.length;
}

/** D-1001 is the demo dealer token's dealer. */
const DEALERS: (DealerRegistration & { creditLimitMinor: number })[] = [
  {
    dealerId: 'D-1001',
    name: 'Huangpu Fresh Distribution',
    tier: 'gold',
    territories: ['CN-31', 'CN-32'],
    paymentTermsDays: 30,
    prepay: false,
    creditLimitMinor: 5_000_000,
  },
  {
    dealerId: 'D-1002',
    name: 'West Lake Wholesale',
    tier: 'silver',
    territories: ['CN-33'],
    paymentTermsDays: 30,
    prepay: false,
    creditLimitMinor: 2_000_000,
  },
  {
    dealerId: 'D-1003',
    name: 'Pearl River Retail Chain',
    tier: 'platinum',
    territories: ['CN-44', 'CN-45'],
    paymentTermsDays: 45,
    prepay: false,
    creditLimitMinor: 20_000_000,
  },
  {
    dealerId: 'D-1004',
    name: 'Jinling Corner Stores',
    tier: 'silver',
    territories: ['CN-32'],
    paymentTermsDays: 0,
    prepay: true,
    creditLimitMinor: 500_000,
  },
];

async function seedDealers(commands: CommandHandler): Promise<number> {
  for (const { creditLimitMinor, ...dealer } of DEALERS) {
    await registerDealer(commands, dealer, creditLimitMinor, demoContext());
  }
  return DEALERS.length;
}

/** Seeds the demo data when the store is empty; returns what it wrote, or undefined. */
export async function seedDemoData(deps: {
  store: EventStore;
  commands: CommandHandler;
}): Promise<{ products: number; warehouses: number; receipts: number; promotions: number; dealers: number } | undefined> {
  const { events } = await deps.store.readAll({ maxCount: 1 });
  if (events.length > 0) return undefined;
  return {
    products: await seedCatalog(deps.commands),
    ...(await seedDemoStock(deps.commands, PRODUCTS, demoContext)),
    dealers: await seedDealers(deps.commands),
    promotions: await seedPromotions(deps.commands),
  };
}
