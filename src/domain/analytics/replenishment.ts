// Replenishment suggestions: demand from a moving average with a trend, safety stock from the
// variability of daily demand, reorder point and suggested quantity — every input kept, so a
// planner can redo the sum. The same formula backs the `analytics.replenishment` view.
//
//   average   = demand in the window / windowDays                     (the moving average)
//   earlier, recent = average daily demand of the window's first and second half
//   forecast  = max(0, average + (recent − earlier))                  (with trend; else average)
//               i.e. the straight line through the two half averages, read at the window's end
//   σ         = standard deviation of the windowDays daily demands (days without demand are 0)
//   safety    = z(serviceLevel) × σ × √leadTimeDays
//   reorder point = forecast × leadTimeDays + safety
//   cycle     = forecast × reviewPeriodDays                           (what must last until the next review)
//   suggested = max(0, ⌈reorder point + cycle − available − on order⌉)
//   reorder now when available + on order ≤ reorder point (and the reorder point is above 0)

export type DemandHistory = {
  /** Days in the window; even, so that it has two halves. */
  windowDays: number;
  total: number;
  /** Demand in the first windowDays / 2 days. */
  earlierTotal: number;
  /** Demand in the last windowDays / 2 days. */
  recentTotal: number;
  /** Sum of the squares of the daily demands. */
  sumOfSquares: number;
};

export type ReplenishmentPolicy = {
  leadTimeDays: number;
  reviewPeriodDays: number;
  /** Probability of not running out during the lead time, e.g. 0.95. */
  serviceLevel: number;
  /** Whether the forecast follows the trend between the window's halves. */
  trend: boolean;
};

export type StockPosition = { available: number; onOrder: number };

export type Suggestion = {
  averageDailyDemand: number;
  earlierDailyDemand: number;
  recentDailyDemand: number;
  trendPerDay: number;
  forecastDailyDemand: number;
  demandStdDev: number;
  z: number;
  safetyStock: number;
  reorderPoint: number;
  cycleDemand: number;
  targetLevel: number;
  stockPosition: number;
  reorderNow: boolean;
  suggestedQty: number;
};

// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

const horner = (coefficients: readonly number[], x: number) => coefficients.reduce((sum, c) => sum * x + c, 0);

/** The z for a service level: the standard normal quantile, e.g. 0.95 → 1.6449. */
export function zScore(serviceLevel: number): number {
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new Error(`A service level lies strictly between 0 and 1, got ${serviceLevel}`);
  const low = 0.02425;
  if (serviceLevel < low) {
    const q = Math.sqrt(-2 * Math.log(serviceLevel));
    return horner(C, q) / (horner(D, q) * q + 1);
  }
  if (serviceLevel > 1 - low) return -zScore(1 - serviceLevel);
  const q = serviceLevel - 0.5;
  const r = q * q;
  return (horner(A, r) * q) / (horner(B, r) * r + 1);
}

export function suggestReplenishment(demand: DemandHistory, stock: StockPosition, policy: ReplenishmentPolicy): Suggestion {
  const { windowDays } = demand;
  if (!Number.isInteger(windowDays) || windowDays < 2 || windowDays % 2 !== 0)
    throw new Error(`The demand window must be an even number of days, got ${windowDays}`);
  const half = windowDays / 2;
  const averageDailyDemand = demand.total / windowDays;
  const earlierDailyDemand = demand.earlierTotal / half;
  const recentDailyDemand = demand.recentTotal / half;
  const forecastDailyDemand = policy.trend
    ? Math.max(0, averageDailyDemand + (recentDailyDemand - earlierDailyDemand))
    : averageDailyDemand;
  const demandStdDev = Math.sqrt(Math.max(0, demand.sumOfSquares / windowDays - averageDailyDemand ** 2));
  const z = zScore(policy.serviceLevel);
  const safetyStock = z * demandStdDev * Math.sqrt(policy.leadTimeDays);
  const reorderPoint = forecastDailyDemand * policy.leadTimeDays + safetyStock;
  const cycleDemand = forecastDailyDemand * policy.reviewPeriodDays;
  const stockPosition = stock.available + stock.onOrder;
  return {
    averageDailyDemand,
    earlierDailyDemand,
    recentDailyDemand,
    trendPerDay: (recentDailyDemand - earlierDailyDemand) / half,
    forecastDailyDemand,
    demandStdDev,
    z,
    safetyStock,
    reorderPoint,
    cycleDemand,
    targetLevel: reorderPoint + cycleDemand,
    stockPosition,
    reorderNow: reorderPoint > 0 && stockPosition <= reorderPoint,
    // The tolerance keeps float noise (32.000000000004) from ordering one unit more.
    suggestedQty: Math.max(0, Math.ceil(reorderPoint + cycleDemand - stockPosition - 1e-9)),
  };
}
