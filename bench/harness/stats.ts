// Medians, percentiles and the latency summary every load reports.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile of already sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Collects latencies (ms) without growing a JS array per sample. */
export class LatencyRecorder {
  #values = new Float64Array(1 << 16);
  #count = 0;

  record(ms: number): void {
    if (this.#count === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#count++] = ms;
  }

  get count(): number {
    return this.#count;
  }

  summary(): { p50: number; p99: number; max: number } {
    const sorted = this.#values.slice(0, this.#count).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
  }
}

/** Per-key medians of every value over the runs. */
export function mediansOf(runs: readonly { key: string; values: Record<string, number> }[][]): Map<string, Record<string, number>> {
  const byKey = new Map<string, Map<string, number[]>>();
  for (const samples of runs) {
    for (const { key, values } of samples) {
      const series = byKey.get(key) ?? new Map<string, number[]>();
      for (const [name, value] of Object.entries(values)) series.set(name, [...(series.get(name) ?? []), value]);
      byKey.set(key, series);
    }
  }
  return new Map([...byKey].map(([key, series]) => [key, Object.fromEntries([...series].map(([name, values]) => [name, median(values)]))]));
}
