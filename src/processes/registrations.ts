// Registering a warehouse or a dealer, and changing a dealer's territories, each with the regions
// they name listed in the regions index, in one atomic append; a dealer's registration opens its
// credit ledger in the same append.
import { creditLedgerDecider, creditStream, type CreditLedgerState } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream, type DealerRegistration, type DealerState } from '../domain/dealers/dealer.ts';
import { warehouseDecider, warehouseStream, type RegisterWarehouse, type WarehouseState } from '../domain/inventory/warehouse.ts';
import { regionIndexDecider, regionIndexStream } from '../domain/regions/region-index.ts';
import { isRefusal, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { Workspace } from '../eventstore/workspace.ts';

export type Registered<State> =
  { ok: true; state: State; revision: number; position: string | undefined } | { ok: false; refusal: Refusal };

async function listRegions(workspace: Workspace, regionCodes: readonly string[], context: CommandContext): Promise<Refusal | undefined> {
  await workspace.load(regionIndexDecider, regionIndexStream);
  const listed = workspace.decide(regionIndexDecider, regionIndexStream, { type: 'ListRegions', data: { regionCodes } }, context);
  return isRefusal(listed) ? listed : undefined;
}

async function registered<State>(
  commands: CommandHandler,
  streamId: string,
  run: (workspace: Workspace) => Promise<State | Refusal>,
): Promise<Registered<State>> {
  let revision = -1;
  const { result, position } = await commands.transact(async (workspace) => {
    const outcome = await run(workspace);
    if (!isRefusal(outcome)) revision = workspace.revisionOf(streamId);
    return outcome;
  });
  return isRefusal(result) ? { ok: false, refusal: result } : { ok: true, state: result, revision, position };
}

export function registerWarehouse(
  commands: CommandHandler,
  warehouse: RegisterWarehouse,
  context: CommandContext,
): Promise<Registered<WarehouseState>> {
  const stream = warehouseStream(warehouse.id);
  return registered(commands, stream, async (workspace) => {
    await workspace.load(warehouseDecider, stream);
    const decided = workspace.decide(warehouseDecider, stream, { type: 'RegisterWarehouse', data: warehouse }, context);
    if (isRefusal(decided)) return decided;
    return (await listRegions(workspace, [warehouse.regionCode], context)) ?? workspace.stateOf(warehouseDecider, stream);
  });
}

/** The dealer with its credit ledger opened; a retry of the same registration changes nothing. */
export function registerDealer(
  commands: CommandHandler,
  registration: DealerRegistration,
  creditLimitMinor: number,
  context: CommandContext,
): Promise<Registered<{ dealer: DealerState; credit: CreditLedgerState }>> {
  const { dealerId } = registration;
  return registered(commands, dealerStream(dealerId), async (workspace) => {
    await Promise.all([workspace.load(dealerDecider, dealerStream(dealerId)), workspace.load(creditLedgerDecider, creditStream(dealerId))]);
    const decided = workspace.decide(dealerDecider, dealerStream(dealerId), { type: 'RegisterDealer', data: registration }, context);
    if (isRefusal(decided)) return decided;
    const opened = workspace.decide(
      creditLedgerDecider,
      creditStream(dealerId),
      { type: 'OpenCreditAccount', data: { dealerId, limitMinor: creditLimitMinor } },
      context,
    );
    if (isRefusal(opened)) return opened;
    return (
      (await listRegions(workspace, registration.territories, context)) ?? {
        dealer: workspace.stateOf(dealerDecider, dealerStream(dealerId)),
        credit: workspace.stateOf(creditLedgerDecider, creditStream(dealerId)),
      }
    );
  });
}

export function changeTerritories(
  commands: CommandHandler,
  dealerId: string,
  territories: string[],
  context: CommandContext,
): Promise<Registered<DealerState>> {
  const stream = dealerStream(dealerId);
  return registered(commands, stream, async (workspace) => {
    await workspace.load(dealerDecider, stream);
    const decided = workspace.decide(dealerDecider, stream, { type: 'ChangeTerritories', data: { dealerId, territories } }, context);
    if (isRefusal(decided)) return decided;
    return (await listRegions(workspace, territories, context)) ?? workspace.stateOf(dealerDecider, stream);
  });
}
