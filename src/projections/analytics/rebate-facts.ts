// Volume rebates in the analysts' facts: each program's terms, and each dealer's basis and what
// settling paid it (read through the `analytics.rebates` view, which applies the tiers).
import { sql } from 'kysely';
import type { RebateProgram, RebateSettlement } from '../../domain/rebates/rebate-program.ts';
import type { FactHandler } from './fact-handler.ts';

type Moved = { programId: string; dealerId: string; basisMinor?: number; amountMinor?: number };

async function addToBasis(db: Parameters<FactHandler>[0], programId: string, dealerId: string, change: number): Promise<void> {
  await db
    .insertInto('analytics_facts.rebate_dealers')
    .values({ program_id: programId, dealer_id: dealerId, basis_minor: change })
    .onConflict((oc) =>
      oc
        .columns(['program_id', 'dealer_id'])
        .doUpdateSet({ basis_minor: sql`${sql.ref('analytics_facts.rebate_dealers.basis_minor')} + excluded.basis_minor` }),
    )
    .execute();
}

export const rebateFactHandlers: Record<string, FactHandler> = {
  async RebateProgramCreated(db, event) {
    const program = event.data as RebateProgram;
    await db
      .insertInto('analytics_facts.rebate_programs')
      .values({
        program_id: program.programId,
        title: program.title,
        starts_at: new Date(program.startsAt),
        ends_at: new Date(program.endsAt),
        tiers: JSON.stringify(program.tiers),
      })
      .execute();
  },
  async RebateBasisAccrued(db, event) {
    const { programId, dealerId, basisMinor } = event.data as Moved;
    await addToBasis(db, programId, dealerId, basisMinor ?? 0);
  },
  async RebateBasisReduced(db, event) {
    const { programId, dealerId, amountMinor } = event.data as Moved;
    await addToBasis(db, programId, dealerId, -(amountMinor ?? 0));
  },
  async RebateProgramSettled(db, event) {
    const { programId, settledAt, settlements } = event.data as { programId: string; settledAt: string; settlements: RebateSettlement[] };
    await db
      .updateTable('analytics_facts.rebate_programs')
      .set({ settled_at: new Date(settledAt) })
      .where('program_id', '=', programId)
      .execute();
    for (const settlement of settlements) {
      await db
        .updateTable('analytics_facts.rebate_dealers')
        .set({ settled_minor: settlement.amountMinor })
        .where('program_id', '=', programId)
        .where('dealer_id', '=', settlement.dealerId)
        .execute();
    }
  },
};
