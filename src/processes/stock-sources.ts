// The stock an order can be served from, read from the write side: per SKU, the warehouses the
// stocking index names, each with its stock stream's state, loaded into a workspace.
import { stockDecider, stockStream } from '../domain/inventory/stock.ts';
import { stockingDecider, stockingStream } from '../domain/inventory/stocking.ts';
import type { StockSource } from '../domain/ordering/placement.ts';
import type { Workspace } from '../eventstore/workspace.ts';

/** Loads every stocking index and stock stream of these SKUs (two group reads at most). */
export async function loadStockSources(workspace: Workspace, skus: Iterable<string>): Promise<void> {
  const unique = [...new Set(skus)];
  const stocking = await Promise.all(unique.map((sku) => workspace.load(stockingDecider, stockingStream(sku))));
  await Promise.all(
    unique.flatMap((sku, index) =>
      [...stocking[index]!.warehouses.keys()].map((warehouseId) => workspace.load(stockDecider, stockStream(sku, warehouseId))),
    ),
  );
}

/** The stock sources of these SKUs as the workspace holds them now (loaded before). */
export function stockSourcesOf(workspace: Workspace, skus: Iterable<string>): Map<string, StockSource[]> {
  const sources = new Map<string, StockSource[]>();
  for (const sku of new Set(skus)) {
    const stocking = workspace.stateOf(stockingDecider, stockingStream(sku));
    sources.set(
      sku,
      [...stocking.warehouses].map(([warehouseId, regionCode]) => ({
        warehouseId,
        regionCode,
        state: workspace.stateOf(stockDecider, stockStream(sku, warehouseId)),
      })),
    );
  }
  return sources;
}
