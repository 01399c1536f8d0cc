// Stock movements that span streams: a receipt into a warehouse that has never stocked the SKU
// also lists it in the SKU's stocking index, and a transfer moves the lot out of one stock stream
// and into another (listing the destination). Each is one atomic multi-stream append.
import { stockDecider, stockStream, type ReceiveStock, type StockState } from '../domain/inventory/stock.ts';
import { stockingDecider, stockingStream } from '../domain/inventory/stocking.ts';
import { warehouseDecider, warehouseStream } from '../domain/inventory/warehouse.ts';
import { businessDayOf } from '../domain/shared/calendar.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { Workspace } from '../eventstore/workspace.ts';

export type Moved = { ok: true; state: StockState; position: string | undefined } | { ok: false; refusal: Refusal };

/** Lists the warehouse in the SKU's stocking index if it is not there yet (the warehouse must exist). */
async function listWarehouse(
  workspace: Workspace,
  sku: string,
  warehouseId: string,
  context: CommandContext,
): Promise<Refusal | undefined> {
  const [warehouse] = await Promise.all([
    workspace.load(warehouseDecider, warehouseStream(warehouseId)),
    workspace.load(stockingDecider, stockingStream(sku)),
  ]);
  if (!warehouse.exists) return refuse('unknown_warehouse', `Warehouse ${warehouseId} does not exist`);
  const listed = workspace.decide(
    stockingDecider,
    stockingStream(sku),
    { type: 'AddStockingWarehouse', data: { sku, warehouseId, regionCode: warehouse.warehouse.regionCode } },
    context,
  );
  return isRefusal(listed) ? listed : undefined;
}

/** Receives a lot; a warehouse's first receipt of the SKU lists it in the stocking index in the same append. */
export async function receiveStock(commands: CommandHandler, receipt: ReceiveStock, context: CommandContext): Promise<Moved> {
  const { sku, warehouseId } = receipt;
  const stream = stockStream(sku, warehouseId);
  const { state: stocking } = await commands.load(stockingDecider, stockingStream(sku));
  if (stocking.warehouses.has(warehouseId)) {
    // Listed already (the index only grows): the stock stream alone, batched with other receipts on it.
    const handled = await commands.handle(stockDecider, stream, { type: 'ReceiveStock', data: receipt }, context);
    return handled.ok ? { ok: true, state: handled.state, position: handled.position } : { ok: false, refusal: handled.refusal };
  }
  const { result, position } = await commands.transact(async (workspace) => {
    await workspace.load(stockDecider, stream);
    const received = workspace.decide(stockDecider, stream, { type: 'ReceiveStock', data: receipt }, context);
    if (isRefusal(received)) return received;
    return (await listWarehouse(workspace, sku, warehouseId, context)) ?? workspace.stateOf(stockDecider, stream);
  });
  return isRefusal(result) ? { ok: false, refusal: result } : { ok: true, state: result, position };
}

export type Transfer = { transferId: string; sku: string; fromWarehouseId: string; toWarehouseId: string; lot: string; qty: number };

export type Transferred =
  { ok: true; productionDate: string; expiryDate: string; position: string | undefined } | { ok: false; refusal: Refusal };

/**
 * Moves (part of) a lot out of one warehouse and into another, in one append; the same transfer id
 * again moves nothing and answers the transfer as recorded (a clash of details is a conflict).
 */
export async function transferStock(commands: CommandHandler, transfer: Transfer, context: CommandContext): Promise<Transferred> {
  const { transferId, sku, fromWarehouseId, toWarehouseId, lot, qty } = transfer;
  const today = businessDayOf(context.now);
  const source = stockStream(sku, fromWarehouseId);
  const destination = stockStream(sku, toWarehouseId);
  const { result, position } = await commands.transact(async (workspace) => {
    await Promise.all([workspace.load(stockDecider, source), workspace.load(stockDecider, destination)]);
    const out = workspace.decide(
      stockDecider,
      source,
      { type: 'TransferOut', data: { sku, warehouseId: fromWarehouseId, transferId, toWarehouseId, lot, qty, today } },
      context,
    );
    if (isRefusal(out)) return out;
    const moved = workspace.stateOf(stockDecider, source).transfersOut.get(transferId)!;
    if (moved.toWarehouseId !== toWarehouseId || moved.lot !== lot || moved.qty !== qty) {
      return refuse(
        'transfer_conflict',
        `Transfer ${transferId} already moved ${moved.qty} of lot ${moved.lot} to ${moved.toWarehouseId}`,
        'conflict',
      );
    }
    const arrival = {
      sku,
      warehouseId: toWarehouseId,
      fromWarehouseId,
      transferId,
      lot,
      productionDate: moved.productionDate,
      expiryDate: moved.expiryDate,
      qty,
    };
    const into = workspace.decide(stockDecider, destination, { type: 'TransferIn', data: arrival }, context);
    if (isRefusal(into)) return into;
    const listed = await listWarehouse(workspace, sku, toWarehouseId, context);
    return listed ?? { productionDate: moved.productionDate, expiryDate: moved.expiryDate };
  });
  return isRefusal(result) ? { ok: false, refusal: result } : { ok: true, ...result, position };
}
