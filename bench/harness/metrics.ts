// Counters read from the servers' /metrics (Prometheus text), e.g. around a measured window.

/** The sum of a counter's samples (every label set) over the servers at these URLs. */
export async function counterTotal(urls: readonly string[], name: string): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}
