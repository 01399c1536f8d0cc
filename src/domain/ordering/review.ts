// The automated review's verdict: what the checks found → approved, on hold (with reasons) or rejected.
import type { Reason } from './order-state.ts';
import type { RiskAssessment } from './risk.ts';

export type ReviewFindings = {
  dealerSuspended: boolean;
  unknownSkus: readonly string[];
  territory: { authorized: boolean; regionCode: string; territories: readonly string[] };
  stockShort: readonly { sku: string; requested: number; available: number; minRemainingDays?: number }[];
  creditRefused: { detail: string } | null;
  promotionCapsReached: readonly { id: string; title: string }[];
  risk: RiskAssessment;
};

export type Verdict = {
  decision: 'approved' | 'on_hold' | 'rejected';
  reasons: Reason[];
  /**
   * Whether the order keeps what it reserved. A hold for shortage or credit releases everything
   * (approval will reserve again); a hold for territory or risk keeps it, so ops can approve at once.
   */
  keepReservations: boolean;
};

export function reviewVerdict(findings: ReviewFindings): Verdict {
  const rejections: Reason[] = [];
  if (findings.dealerSuspended) rejections.push({ code: 'dealer_suspended', detail: 'The dealer is suspended' });
  if (findings.unknownSkus.length > 0) {
    rejections.push({ code: 'unknown_sku', detail: `Unknown or discontinued SKU(s): ${findings.unknownSkus.join(', ')}` });
  }
  if (rejections.length > 0) return { decision: 'rejected', reasons: rejections, keepReservations: false };

  const holds: Reason[] = [];
  for (const short of findings.stockShort) {
    const eligible = short.minRemainingDays ? ` with at least ${short.minRemainingDays} days of shelf life left` : '';
    holds.push({ code: 'insufficient_stock', detail: `${short.sku}: ${short.requested} ordered, ${short.available} available${eligible}` });
  }
  if (findings.creditRefused) holds.push({ code: 'credit_limit_exceeded', detail: findings.creditRefused.detail });
  for (const promotion of findings.promotionCapsReached) {
    holds.push({ code: 'promotion_cap_reached', detail: `Promotion ${promotion.id} (${promotion.title}) reached its usage cap` });
  }
  const blocking = holds.length > 0;
  if (!findings.territory.authorized) {
    holds.push({
      code: 'territory_not_authorized',
      detail: `Region ${findings.territory.regionCode} is not among the dealer's territories (${findings.territory.territories.join(', ') || 'none'})`,
    });
  }
  if (findings.risk.score >= findings.risk.threshold) {
    holds.push({
      code: 'risk_score_high',
      detail: `Risk score ${findings.risk.score} ≥ ${findings.risk.threshold}: ${findings.risk.factors.map((factor) => `${factor.rule} (+${factor.weight})`).join(', ')}`,
    });
  }
  if (holds.length === 0) return { decision: 'approved', reasons: [], keepReservations: true };
  return { decision: 'on_hold', reasons: holds, keepReservations: !blocking };
}
