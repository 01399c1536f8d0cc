// Expiry tiers: how urgent a lot is by its remaining shelf life (red ≤ 30 days, yellow ≤ 90,
// blue ≤ 180 by default; the thresholds are configuration).
import { daysBetween } from '../shared/calendar.ts';

export const EXPIRY_TIERS = ['expired', 'red', 'yellow', 'blue'] as const;
export type ExpiryTier = (typeof EXPIRY_TIERS)[number];

export type ExpiryThresholds = { redDays: number; yellowDays: number; blueDays: number };

/** The tier of a lot with `daysLeft` days until its expiry date; null when it is further out than blue. */
export function expiryTierOf(daysLeft: number, thresholds: ExpiryThresholds): ExpiryTier | null {
  if (daysLeft <= 0) return 'expired';
  if (daysLeft <= thresholds.redDays) return 'red';
  if (daysLeft <= thresholds.yellowDays) return 'yellow';
  if (daysLeft <= thresholds.blueDays) return 'blue';
  return null;
}

/** The days-left range of a tier: above `afterDays` (exclusive), up to `untilDays` (inclusive). */
export function expiryTierRange(tier: ExpiryTier, thresholds: ExpiryThresholds): { afterDays: number | null; untilDays: number } {
  switch (tier) {
    case 'expired':
      return { afterDays: null, untilDays: 0 };
    case 'red':
      return { afterDays: 0, untilDays: thresholds.redDays };
    case 'yellow':
      return { afterDays: thresholds.redDays, untilDays: thresholds.yellowDays };
    case 'blue':
      return { afterDays: thresholds.yellowDays, untilDays: thresholds.blueDays };
  }
}

/** Whole days from `today` (a business day) to `expiryDate` (both `YYYY-MM-DD`): 0 on the expiry day, negative after it. */
export function daysLeft(expiryDate: string, today: string): number {
  return daysBetween(today, expiryDate);
}
