// Demo warehouses and stock for an empty store: three regional warehouses, a couple of lots per
// demo product with expiry dates relative to today (some close, so every expiry tier shows),
// one product sold out, and a few low-stock thresholds.
import { productDecider, productStream } from '../domain/catalog/product.ts';
import { addDays, businessDayOf } from '../domain/shared/calendar.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import { registerWarehouse } from '../processes/registrations.ts';
import { receiveStock } from '../processes/stock-movements.ts';

const WAREHOUSES = [
  { id: 'WH-EAST', name: 'East China DC (Shanghai)', regionCode: 'CN-31' },
  { id: 'WH-NORTH', name: 'North China DC (Beijing)', regionCode: 'CN-11' },
  { id: 'WH-SOUTH', name: 'South China DC (Guangzhou)', regionCode: 'CN-44' },
];

/** Days of shelf life left on each product's older lot, cycling through every expiry tier. */
const OLDER_LOT_DAYS_LEFT = [12, 25, 60, 85, 150, 170, 250, 400];

const SOLD_OUT = 'SNK-QQ-01';

const THRESHOLDS: Record<string, number> = { 'WTR-NFSQ-01': 200, 'DRY-YILI-07': 400, 'DRY-YILI-01': 300, [SOLD_OUT]: 100 };

const dayOf = (now: Date, offset: number) => addDays(businessDayOf(now), offset);

export async function seedDemoStock(
  commands: CommandHandler,
  products: readonly { sku: string; shelfLifeDays: number }[],
  context: () => CommandContext,
): Promise<{ warehouses: number; receipts: number }> {
  for (const { id, name, regionCode } of WAREHOUSES) {
    await registerWarehouse(commands, { id, name, regionCode }, context());
  }
  let receipts = 0;
  const now = context().now;
  for (const [index, { sku, shelfLifeDays }] of products.entries()) {
    if (sku === SOLD_OUT) continue;
    const olderDaysLeft = Math.max(1, Math.min(OLDER_LOT_DAYS_LEFT[index % OLDER_LOT_DAYS_LEFT.length]!, shelfLifeDays - 2));
    const lots = [
      { warehouseId: 'WH-EAST', daysLeft: olderDaysLeft, qty: 40 + ((index * 37) % 160) },
      {
        warehouseId: WAREHOUSES[1 + (index % 2)]!.id,
        daysLeft: Math.max(olderDaysLeft, shelfLifeDays - 3 - (index % 10)),
        qty: 120 + ((index * 53) % 300),
      },
    ];
    for (const [n, lot] of lots.entries()) {
      const productionDate = dayOf(now, lot.daysLeft - shelfLifeDays);
      const data = {
        sku,
        warehouseId: lot.warehouseId,
        receiptId: `DEMO-GRN-${index + 1}-${n + 1}`,
        lot: `L${productionDate.replaceAll('-', '')}-${n + 1}`,
        productionDate,
        expiryDate: dayOf(now, lot.daysLeft),
        qty: lot.qty,
      };
      await receiveStock(commands, data, context());
      receipts++;
    }
  }
  for (const [sku, lowStockThreshold] of Object.entries(THRESHOLDS)) {
    await commands.handle(
      productDecider,
      productStream(sku),
      { type: 'UpdateProduct', data: { sku, changes: { lowStockThreshold } } },
      context(),
    );
  }
  return { warehouses: WAREHOUSES.length, receipts };
}
