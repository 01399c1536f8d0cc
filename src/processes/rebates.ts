// Volume rebates on the write side: programs created with their index entry; each shipment's
// eligible net value accrues to the dealer's basis on every program in force, and each refunded
// return takes its share back, in the same atomic appends; settling pays each participant its
// tier's percent of its basis as a credit note, once.
import { productDecider, productStream } from '../domain/catalog/product.ts';
import { creditLedgerDecider, creditStream } from '../domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../domain/dealers/dealer.ts';
import type { PlacedOrder, ReturnLine, Shipment } from '../domain/ordering/order.ts';
import {
  dealerEligible,
  dealerMayEarn,
  lineEligible,
  programsAt,
  rebateBasisDecider,
  rebateBasisStream,
  rebateIndexDecider,
  rebateIndexStream,
  rebateOf,
  rebateProgramDecider,
  rebateStream,
  tierOf,
  type RebateProgram,
  type RebateProgramState,
  type RebateSettlement,
} from '../domain/rebates/rebate-program.ts';
import { isRefusal, refuse, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { Workspace } from '../eventstore/workspace.ts';

type Program = Extract<RebateProgramState, { exists: true }>;

export type ProgramOutcome = { ok: true; state: Program; revision: number; position: string | undefined } | { ok: false; refusal: Refusal };

async function onProgram(
  commands: CommandHandler,
  programId: string,
  run: (workspace: Workspace) => Promise<Refusal | undefined>,
): Promise<ProgramOutcome> {
  let revision = -1;
  const { result, position } = await commands.transact(async (workspace) => {
    await workspace.load(rebateProgramDecider, rebateStream(programId));
    const refusal = await run(workspace);
    if (refusal) return refusal;
    const state = workspace.stateOf(rebateProgramDecider, rebateStream(programId));
    if (!state.exists) return refuse('rebate_program_not_found', `Rebate program ${programId} does not exist`, 'not_found');
    revision = workspace.revisionOf(rebateStream(programId));
    return state;
  });
  return isRefusal(result) ? { ok: false, refusal: result } : { ok: true, state: result, revision, position };
}

export function createRebateProgram(commands: CommandHandler, program: RebateProgram, context: CommandContext): Promise<ProgramOutcome> {
  return onProgram(commands, program.programId, async (workspace) => {
    const created = workspace.decide(
      rebateProgramDecider,
      rebateStream(program.programId),
      { type: 'CreateRebateProgram', data: program },
      context,
    );
    if (isRefusal(created)) return created;
    await workspace.load(rebateIndexDecider, rebateIndexStream);
    const listed = workspace.decide(
      rebateIndexDecider,
      rebateIndexStream,
      { type: 'ListRebateProgram', data: { programId: program.programId, startsAt: program.startsAt, endsAt: program.endsAt } },
      context,
    );
    return isRefusal(listed) ? listed : undefined;
  });
}

/** The programs in the index, loaded into the workspace (those whose period holds `at`, when given). */
async function loadPrograms(workspace: Workspace, at?: Date): Promise<Program[]> {
  const index = await workspace.load(rebateIndexDecider, rebateIndexStream);
  const ids = at ? programsAt(index, at) : [...index.programs.keys()];
  const states = await Promise.all(ids.map((id) => workspace.load(rebateProgramDecider, rebateStream(id))));
  return states.filter((state): state is Program => state.exists);
}

/** The value of each line of `lines` by program eligibility: what counts towards each program's basis. */
async function eligibleValue(
  workspace: Workspace,
  programs: readonly Program[],
  lines: readonly { sku: string; netMinor: number }[],
): Promise<Map<string, number>> {
  const products = new Map(
    await Promise.all(
      [...new Set(lines.map((line) => line.sku))].map(
        async (sku) => [sku, await workspace.load(productDecider, productStream(sku))] as const,
      ),
    ),
  );
  const values = new Map<string, number>();
  for (const { program } of programs) {
    let value = 0;
    for (const line of lines) {
      const product = products.get(line.sku);
      if (product?.exists && lineEligible(program, product.product)) value += line.netMinor;
    }
    if (value > 0) values.set(program.programId, value);
  }
  return values;
}

/**
 * A dispatched shipment's eligible net value accrues to its dealer's basis on every program in force
 * at shipment time that is for the dealer and the order's region (decided in the shipment's workspace).
 */
export async function accrueRebates(
  workspace: Workspace,
  order: PlacedOrder,
  shipment: Shipment,
  context: CommandContext,
): Promise<Refusal | undefined> {
  const { orderId, dealerId, regionCode } = order.order;
  const [programs, dealer] = await Promise.all([
    loadPrograms(workspace, context.now),
    workspace.load(dealerDecider, dealerStream(dealerId)),
  ]);
  if (programs.length === 0 || !dealer.exists) return undefined;
  const eligible = programs.filter(({ program }) => dealerEligible(program, dealer.dealer, regionCode));
  const values = await eligibleValue(workspace, eligible, shipment.lines);
  for (const [programId, basisMinor] of values) {
    await workspace.load(rebateBasisDecider, rebateBasisStream(programId, dealerId));
    const decided = [
      workspace.decide(
        rebateBasisDecider,
        rebateBasisStream(programId, dealerId),
        { type: 'AccrueRebateBasis', data: { programId, dealerId, orderId, shipmentId: shipment.shipmentId, basisMinor } },
        context,
      ),
      workspace.decide(
        rebateProgramDecider,
        rebateStream(programId),
        { type: 'JoinRebateProgram', data: { programId, dealerId } },
        context,
      ),
    ];
    const refusal = decided.find(isRefusal);
    if (refusal) return refusal;
  }
  return undefined;
}

/** A refunded return takes back, from each program the order accrued to, the eligible value of what came back. */
export async function reduceRebates(
  workspace: Workspace,
  order: PlacedOrder,
  returnId: string,
  lines: readonly ReturnLine[],
  context: CommandContext,
): Promise<Refusal | undefined> {
  const { orderId, dealerId } = order.order;
  const programs = await loadPrograms(workspace);
  if (programs.length === 0) return undefined;
  // What came back, valued at the net price the order paid per unit.
  const returned = lines.flatMap((line) => {
    const ordered = order.order.lines.find((candidate) => candidate.sku === line.sku);
    return ordered ? [{ sku: line.sku, netMinor: Math.round((ordered.netMinor * line.qty) / ordered.qty) }] : [];
  });
  const values = await eligibleValue(workspace, programs, returned);
  for (const [programId, amountMinor] of values) {
    const basis = await workspace.load(rebateBasisDecider, rebateBasisStream(programId, dealerId));
    if (!basis.byOrder.has(orderId)) continue;
    const reduced = workspace.decide(
      rebateBasisDecider,
      rebateBasisStream(programId, dealerId),
      { type: 'ReduceRebateBasis', data: { programId, dealerId, orderId, returnId, amountMinor } },
      context,
    );
    if (isRefusal(reduced)) return reduced;
  }
  return undefined;
}

/**
 * Settles an ended program: each participant's basis at its tier's percent, credited to its ledger
 * as credit note `RB-<programId>`, and the settlement recorded, in one append. Settling again changes nothing.
 */
export function settleRebateProgram(commands: CommandHandler, programId: string, context: CommandContext): Promise<ProgramOutcome> {
  return onProgram(commands, programId, async (workspace) => {
    const state = workspace.stateOf(rebateProgramDecider, rebateStream(programId));
    if (!state.exists) return refuse('rebate_program_not_found', `Rebate program ${programId} does not exist`, 'not_found');
    if (state.settled) return undefined;
    const { program } = state;
    const creditNoteId = `RB-${programId}`;
    const participants = [...state.participants].sort();
    const bases = await Promise.all(
      participants.map((dealerId) => workspace.load(rebateBasisDecider, rebateBasisStream(programId, dealerId))),
    );
    const settlements: RebateSettlement[] = participants.map((dealerId, index) => {
      const basisMinor = Math.max(0, bases[index]!.basisMinor);
      const amountMinor = rebateOf(program.tiers, basisMinor);
      return {
        dealerId,
        basisMinor,
        percent: tierOf(program.tiers, basisMinor).tier?.percent ?? 0,
        amountMinor,
        creditNoteId: amountMinor > 0 ? creditNoteId : null,
      };
    });
    const settled = workspace.decide(
      rebateProgramDecider,
      rebateStream(programId),
      { type: 'SettleRebateProgram', data: { programId, now: context.now.toISOString(), settlements } },
      context,
    );
    if (isRefusal(settled)) return settled;
    for (const { dealerId, amountMinor } of settlements.filter((settlement) => settlement.amountMinor > 0)) {
      await workspace.load(creditLedgerDecider, creditStream(dealerId));
      const reason = `Volume rebate ${program.title} (${programId})`;
      const issued = workspace.decide(
        creditLedgerDecider,
        creditStream(dealerId),
        { type: 'IssueCreditNote', data: { dealerId, creditNoteId, amountMinor, reason } },
        context,
      );
      if (isRefusal(issued)) return issued;
    }
    return undefined;
  });
}

export type DealerRebate = {
  programId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  basisMinor: number;
  tierPercent: number;
  accruedMinor: number;
  settledMinor: number;
  nextTier?: { fromMinor: number; percent: number; missingMinor: number };
};

/** A dealer's standing on every program it is eligible for or has a basis on, from the write side. */
export async function dealerRebates(commands: CommandHandler, dealerId: string): Promise<DealerRebate[]> {
  const workspace = commands.workspace({ fresh: true });
  const [programs, dealer] = await Promise.all([loadPrograms(workspace), workspace.load(dealerDecider, dealerStream(dealerId))]);
  const rebates: DealerRebate[] = [];
  for (const { program, participants, settled } of programs) {
    if (!participants.has(dealerId) && !(dealer.exists && dealerMayEarn(program, dealer.dealer))) continue;
    const basis = await workspace.load(rebateBasisDecider, rebateBasisStream(program.programId, dealerId));
    const basisMinor = Math.max(0, basis.basisMinor);
    const { tier, next } = tierOf(program.tiers, basisMinor);
    rebates.push({
      programId: program.programId,
      title: program.title,
      startsAt: program.startsAt,
      endsAt: program.endsAt,
      basisMinor,
      tierPercent: tier?.percent ?? 0,
      accruedMinor: rebateOf(program.tiers, basisMinor),
      settledMinor: settled?.settlements.find((settlement) => settlement.dealerId === dealerId)?.amountMinor ?? 0,
      ...(next && { nextTier: { fromMinor: next.fromMinor, percent: next.percent, missingMinor: next.fromMinor - basisMinor } }),
    });
  }
  return rebates;
}
