// Demo data for an empty store: a food & beverage catalog with tier prices, written as events.
import { productDecider, productStream } from './domain/catalog/product.ts';
import { gtinDecider, gtinStream } from './domain/catalog/gtin-registry.ts';
import { creditLedgerDecider, creditStream } from './domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream, type DealerRegistration } from './domain/dealers/dealer.ts';
import { createPromotionSchema } from './domain/promotions/promotion.ts';
import type { CommandContext, CommandHandler } from './eventstore/command-handler.ts';
import type { EventStore } from './eventstore/port.ts';
import { seedDemoStock } from './demo-stock.ts';
import { createPromotion } from './processes/promotion-terms.ts';

type DemoProduct = { sku: string; name: string; brand: string; category: string; unit: string; caseSize: number; shelfLifeDays: number; basePriceMinor: number };

const PRODUCTS: DemoProduct[] = [
  { sku: 'BEV-WTR-550', name: 'Jade Spring Mineral Water 550ml', brand: 'Jade Spring', category: 'beverages', unit: 'case', caseSize: 24, shelfLifeDays: 540, basePriceMinor: 3600 },
  { sku: 'BEV-WTR-1500', name: 'Jade Spring Mineral Water 1.5L', brand: 'Jade Spring', category: 'beverages', unit: 'case', caseSize: 12, shelfLifeDays: 540, basePriceMinor: 4200 },
  { sku: 'BEV-TEA-GRN-500', name: 'Jade Spring Green Tea 500ml', brand: 'Jade Spring', category: 'beverages', unit: 'case', caseSize: 15, shelfLifeDays: 365, basePriceMinor: 5250 },
  { sku: 'BEV-TEA-OOL-500', name: 'Jade Spring Oolong Tea 500ml', brand: 'Jade Spring', category: 'beverages', unit: 'case', caseSize: 15, shelfLifeDays: 365, basePriceMinor: 5400 },
  { sku: 'BEV-JCE-ORG-1L', name: 'Golden Harvest Orange Juice 1L', brand: 'Golden Harvest', category: 'beverages', unit: 'case', caseSize: 12, shelfLifeDays: 270, basePriceMinor: 9600 },
  { sku: 'BEV-JCE-APL-1L', name: 'Golden Harvest Apple Juice 1L', brand: 'Golden Harvest', category: 'beverages', unit: 'case', caseSize: 12, shelfLifeDays: 270, basePriceMinor: 9000 },
  { sku: 'BEV-SOD-COL-330', name: 'Red Lantern Cola 330ml Can', brand: 'Red Lantern', category: 'beverages', unit: 'case', caseSize: 24, shelfLifeDays: 365, basePriceMinor: 5760 },
  { sku: 'BEV-SOD-LEM-330', name: 'Red Lantern Lemon Soda 330ml Can', brand: 'Red Lantern', category: 'beverages', unit: 'case', caseSize: 24, shelfLifeDays: 365, basePriceMinor: 5520 },
  { sku: 'BEV-BER-LGR-500', name: 'Red Lantern Lager 500ml Can', brand: 'Red Lantern', category: 'beverages', unit: 'case', caseSize: 12, shelfLifeDays: 300, basePriceMinor: 7800 },
  { sku: 'BEV-COF-CLD-270', name: 'Panda Cold Brew Coffee 270ml', brand: 'Panda Foods', category: 'beverages', unit: 'case', caseSize: 15, shelfLifeDays: 240, basePriceMinor: 8250 },
  { sku: 'DRY-MLK-FUL-1L', name: 'Blue River Whole Milk 1L', brand: 'Blue River Dairy', category: 'dairy', unit: 'case', caseSize: 12, shelfLifeDays: 180, basePriceMinor: 10800 },
  { sku: 'DRY-MLK-LOW-1L', name: 'Blue River Low Fat Milk 1L', brand: 'Blue River Dairy', category: 'dairy', unit: 'case', caseSize: 12, shelfLifeDays: 180, basePriceMinor: 10200 },
  { sku: 'DRY-YGT-STR-100', name: 'Blue River Strawberry Yogurt 100g', brand: 'Blue River Dairy', category: 'dairy', unit: 'case', caseSize: 24, shelfLifeDays: 21, basePriceMinor: 7200 },
  { sku: 'DRY-YGT-PLN-100', name: 'Blue River Plain Yogurt 100g', brand: 'Blue River Dairy', category: 'dairy', unit: 'case', caseSize: 24, shelfLifeDays: 21, basePriceMinor: 6720 },
  { sku: 'DRY-CHS-SLC-200', name: 'Blue River Cheese Slices 200g', brand: 'Blue River Dairy', category: 'dairy', unit: 'case', caseSize: 20, shelfLifeDays: 120, basePriceMinor: 19000 },
  { sku: 'SNK-CHP-ORG-70', name: 'Panda Potato Chips Original 70g', brand: 'Panda Foods', category: 'snacks', unit: 'case', caseSize: 22, shelfLifeDays: 270, basePriceMinor: 9900 },
  { sku: 'SNK-CHP-BBQ-70', name: 'Panda Potato Chips Barbecue 70g', brand: 'Panda Foods', category: 'snacks', unit: 'case', caseSize: 22, shelfLifeDays: 270, basePriceMinor: 9900 },
  { sku: 'SNK-CHP-SEA-70', name: 'Panda Potato Chips Seaweed 70g', brand: 'Panda Foods', category: 'snacks', unit: 'case', caseSize: 22, shelfLifeDays: 270, basePriceMinor: 10340 },
  { sku: 'SNK-BSC-CHO-150', name: 'Golden Harvest Chocolate Biscuits 150g', brand: 'Golden Harvest', category: 'snacks', unit: 'case', caseSize: 24, shelfLifeDays: 365, basePriceMinor: 14400 },
  { sku: 'SNK-BSC-SDA-400', name: 'Golden Harvest Soda Crackers 400g', brand: 'Golden Harvest', category: 'snacks', unit: 'case', caseSize: 12, shelfLifeDays: 365, basePriceMinor: 11400 },
  { sku: 'SNK-NUT-MIX-200', name: 'Golden Harvest Mixed Nuts 200g', brand: 'Golden Harvest', category: 'snacks', unit: 'case', caseSize: 20, shelfLifeDays: 300, basePriceMinor: 36000 },
  { sku: 'SNK-SED-MLN-160', name: 'Panda Roasted Melon Seeds 160g', brand: 'Panda Foods', category: 'snacks', unit: 'case', caseSize: 30, shelfLifeDays: 240, basePriceMinor: 18000 },
  { sku: 'NDL-INS-BEF-100', name: 'Red Lantern Instant Noodles Braised Beef', brand: 'Red Lantern', category: 'noodles', unit: 'case', caseSize: 24, shelfLifeDays: 180, basePriceMinor: 8640 },
  { sku: 'NDL-INS-SPC-100', name: 'Red Lantern Instant Noodles Hot & Sour', brand: 'Red Lantern', category: 'noodles', unit: 'case', caseSize: 24, shelfLifeDays: 180, basePriceMinor: 8640 },
  { sku: 'NDL-CUP-SEA-80', name: 'Red Lantern Cup Noodles Seafood', brand: 'Red Lantern', category: 'noodles', unit: 'case', caseSize: 12, shelfLifeDays: 180, basePriceMinor: 6000 },
  { sku: 'CND-SOY-LGT-500', name: 'Panda Light Soy Sauce 500ml', brand: 'Panda Foods', category: 'condiments', unit: 'case', caseSize: 12, shelfLifeDays: 720, basePriceMinor: 9600 },
  { sku: 'CND-SOY-DRK-500', name: 'Panda Dark Soy Sauce 500ml', brand: 'Panda Foods', category: 'condiments', unit: 'case', caseSize: 12, shelfLifeDays: 720, basePriceMinor: 10200 },
  { sku: 'CND-VNG-BLK-500', name: 'Golden Harvest Black Vinegar 500ml', brand: 'Golden Harvest', category: 'condiments', unit: 'case', caseSize: 12, shelfLifeDays: 720, basePriceMinor: 8400 },
  { sku: 'CND-OIL-CHL-210', name: 'Red Lantern Chili Crisp Oil 210g', brand: 'Red Lantern', category: 'condiments', unit: 'case', caseSize: 24, shelfLifeDays: 540, basePriceMinor: 21600 },
  { sku: 'CND-OYS-SCE-510', name: 'Panda Oyster Sauce 510g', brand: 'Panda Foods', category: 'condiments', unit: 'case', caseSize: 12, shelfLifeDays: 540, basePriceMinor: 13200 },
];

const TIER_DISCOUNTS: Record<string, number> = { platinum: 0.85, gold: 0.9, silver: 0.95 };

/** A valid EAN-13 from a 12-digit body: manufacturer prefix 69 (China) and an item number. */
export function demoGtin(index: number): string {
  const body = `6901234${String(10_000 + index).padStart(5, '0')}`;
  const sum = [...body].reverse().reduce((total, digit, position) => total + Number(digit) * (position % 2 === 0 ? 3 : 1), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export const demoContext = (): CommandContext => ({
  actor: 'system:demo-data',
  role: 'admin',
  correlationId: 'demo-data',
  causationId: null,
  now: new Date(),
});

async function seedCatalog(commands: CommandHandler): Promise<number> {
  for (const [index, product] of PRODUCTS.entries()) {
    const gtin = demoGtin(index);
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
    await commands.handle(productDecider, productStream(product.sku), { type: 'SetProductPrices', data: { sku: product.sku, tiers, dealers: {} } }, demoContext());
  }
  return PRODUCTS.length;
}

const DAY_MS = 86_400_000;

/** One promotion of each common kind on the demo catalog, running from yesterday for a year. */
function demoPromotions(now: Date) {
  const window = { startsAt: new Date(now.getTime() - DAY_MS).toISOString(), endsAt: new Date(now.getTime() + 365 * DAY_MS).toISOString() };
  return [
    {
      id: 'TEA-SPRING-10',
      title: 'Jade Spring tea 10% off',
      kind: 'percent_off',
      rule: { percent: 10 },
      eligibility: { skus: ['BEV-TEA-GRN-500', 'BEV-TEA-OOL-500'] },
      ...window,
    },
    {
      id: 'SNACKS-1000-80',
      title: 'Snacks: spend ¥1,000, get ¥80 off',
      kind: 'spend_threshold',
      rule: { minSpendMinor: 100_000, amountOffMinor: 8_000 },
      eligibility: { categories: ['snacks'] },
      stackable: true,
      ...window,
    },
    {
      id: 'WATER-10-PLUS-1',
      title: 'Mineral water 550ml: buy 10 cases, get 1 free',
      kind: 'buy_x_get_y',
      rule: { buyQty: 10, getQty: 1, maxGiftQty: 5 },
      eligibility: { skus: ['BEV-WTR-550'] },
      stackable: true,
      ...window,
    },
    {
      id: 'NOODLES-VOLUME',
      title: 'Noodles volume breaks, gold and platinum dealers',
      kind: 'tiered_quantity',
      rule: { breaks: [{ minQty: 20, unitOffMinor: 200 }, { minQty: 50, unitOffMinor: 500 }] },
      eligibility: { categories: ['noodles'], tiers: ['gold', 'platinum'] },
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
  { dealerId: 'D-1001', name: 'Huangpu Fresh Distribution', tier: 'gold', territories: ['CN-31', 'CN-32'], paymentTermsDays: 30, prepay: false, creditLimitMinor: 5_000_000 },
  { dealerId: 'D-1002', name: 'West Lake Wholesale', tier: 'silver', territories: ['CN-33'], paymentTermsDays: 30, prepay: false, creditLimitMinor: 2_000_000 },
  { dealerId: 'D-1003', name: 'Pearl River Retail Chain', tier: 'platinum', territories: ['CN-44', 'CN-45'], paymentTermsDays: 45, prepay: false, creditLimitMinor: 20_000_000 },
  { dealerId: 'D-1004', name: 'Jinling Corner Stores', tier: 'silver', territories: ['CN-32'], paymentTermsDays: 0, prepay: true, creditLimitMinor: 500_000 },
];

async function seedDealers(commands: CommandHandler): Promise<number> {
  for (const { creditLimitMinor, ...dealer } of DEALERS) {
    await commands.handle(dealerDecider, dealerStream(dealer.dealerId), { type: 'RegisterDealer', data: dealer }, demoContext());
    await commands.handle(
      creditLedgerDecider,
      creditStream(dealer.dealerId),
      { type: 'OpenCreditAccount', data: { dealerId: dealer.dealerId, limitMinor: creditLimitMinor } },
      demoContext(),
    );
  }
  return DEALERS.length;
}

/** Seeds the demo data when the store is empty; returns what it wrote, or undefined. */
export async function seedDemoData(deps: { store: EventStore; commands: CommandHandler }): Promise<{ products: number; warehouses: number; receipts: number; promotions: number; dealers: number } | undefined> {
  const { events } = await deps.store.readAll({ maxCount: 1 });
  if (events.length > 0) return undefined;
  return { products: await seedCatalog(deps.commands), ...(await seedDemoStock(deps.commands, PRODUCTS, demoContext)), dealers: await seedDealers(deps.commands), promotions: await seedPromotions(deps.commands) };
}
