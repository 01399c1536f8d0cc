// Exact integer arithmetic on minor units for the promotion engine, and money as people read it.

/** round(numerator / denominator), halves up; exact for any safe-integer inputs. */
export function divideRounded(numerator: bigint, denominator: bigint): number {
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/**
 * Splits `total` over `weights` in proportion, in whole units, so that the shares sum to exactly
 * `total` (largest remainder; equal remainders go to the earlier weight). When total ≤ Σ weights,
 * no share exceeds its weight.
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const whole = BigInt(total);
  const divisor = BigInt(sum);
  const shares = weights.map((weight) => (BigInt(weight) * whole) / divisor);
  const remainders = weights.map((weight, index) => ({ index, remainder: (BigInt(weight) * whole) % divisor }));
  let left = whole - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index]! += 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

const SYMBOLS: Readonly<Record<string, string>> = { CNY: '¥', USD: '$', EUR: '€', GBP: '£' };

/** 123456 CNY → "¥1,234.56"; negative amounts get a real minus sign: "−¥5.25". */
export function formatMoney(minor: number, currency = 'CNY'): string {
  const sign = minor < 0 ? '−' : '';
  const absolute = Math.abs(minor);
  const units = Math.floor(absolute / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(absolute % 100).padStart(2, '0');
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  return `${sign}${symbol}${units}.${cents}`;
}
