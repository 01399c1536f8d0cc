// Reads a process's Prometheus metrics over HTTP (GET /metrics): what a test asserts about what
// happened inside a server it only talks to, e.g. that a race reached the database; the bench
// reads its counters around a measured window the same way. Plain fetch: no test set-up needed.

/** Every sample of `name` (the labels of each as an object), from the server at `baseUrl`. */
export async function metricSamples(baseUrl: string, name: string): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  const response = await fetch(`${baseUrl}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  const samples: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1]!, label[2]!]));
    samples.push({ labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there is none yet). */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const samples = await metricSamples(baseUrl, name);
  return samples
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
