// Counters read from the servers' /metrics (Prometheus text), e.g. around a measured window.
import { metricValue } from '../../test/support/metrics.ts';

/** The sum of a counter's samples (every label set) over the servers at these URLs. */
export async function counterTotal(urls: readonly string[], name: string): Promise<number> {
  let total = 0;
  for (const url of urls) total += await metricValue(url, name);
  return total;
}
