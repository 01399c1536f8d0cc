// Creating and ending a promotion, each with its entry in the index of promotions in force (what
// order placement reads to find the promotions to price with), in one atomic append.
import { promotionIndexDecider, promotionIndexStream } from '../domain/promotions/promotion-index.ts';
import { promotionDecider, promotionStream, type CreatePromotion, type PromotionState } from '../domain/promotions/promotion.ts';
import { isRefusal, type Refusal } from '../domain/shared/decider.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { Workspace } from '../eventstore/workspace.ts';

export type PromotionOutcome =
  | { ok: true; state: Extract<PromotionState, { exists: true }>; revision: number; position: string | undefined }
  | { ok: false; refusal: Refusal };

async function run(
  commands: CommandHandler,
  id: string,
  step: (workspace: Workspace) => Promise<Refusal | undefined>,
): Promise<PromotionOutcome> {
  let revision = -1;
  const { result, position } = await commands.transact(async (workspace) => {
    await Promise.all([workspace.load(promotionDecider, promotionStream(id)), workspace.load(promotionIndexDecider, promotionIndexStream)]);
    const refusal = await step(workspace);
    if (refusal) return refusal;
    revision = workspace.revisionOf(promotionStream(id));
    const state = workspace.stateOf(promotionDecider, promotionStream(id));
    if (!state.exists) throw new Error(`Promotion ${id} vanished from its own stream`);
    return state;
  });
  return isRefusal(result) ? { ok: false, refusal: result } : { ok: true, state: result, revision, position };
}

export function createPromotion(
  commands: CommandHandler,
  terms: CreatePromotion & { id: string },
  context: CommandContext,
): Promise<PromotionOutcome> {
  return run(commands, terms.id, async (workspace) => {
    const created = workspace.decide(promotionDecider, promotionStream(terms.id), { type: 'CreatePromotion', data: terms }, context);
    if (isRefusal(created)) return created;
    const state = workspace.stateOf(promotionDecider, promotionStream(terms.id));
    if (!state.exists) return undefined;
    const { startsAt, endsAt } = state.promotion;
    const listed = workspace.decide(
      promotionIndexDecider,
      promotionIndexStream,
      { type: 'ListPromotion', data: { promotionId: terms.id, startsAt, endsAt } },
      context,
    );
    return isRefusal(listed) ? listed : undefined;
  });
}

export function endPromotion(
  commands: CommandHandler,
  id: string,
  reason: string | null,
  context: CommandContext,
): Promise<PromotionOutcome> {
  return run(commands, id, async (workspace) => {
    const ended = workspace.decide(
      promotionDecider,
      promotionStream(id),
      { type: 'EndPromotion', data: { now: context.now.toISOString(), reason } },
      context,
    );
    if (isRefusal(ended)) return ended;
    if (ended.length === 0) return undefined;
    const delisted = workspace.decide(
      promotionIndexDecider,
      promotionIndexStream,
      { type: 'DelistPromotion', data: { promotionId: id } },
      context,
    );
    return isRefusal(delisted) ? delisted : undefined;
  });
}
