// Child process: rebuilds every projection from position 0, as `dealerline rebuild all` does,
// and prints how long each took. Separate so that --profile can profile exactly this.
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { openInfrastructure } from '../../../src/main.ts';
import { rebuildProjection } from '../../../src/projections/rebuild.ts';
import { inputFromParent, replyToParent } from '../../harness/child.ts';

export type RebuildInput = { url: string; timeLimitMs: number };

export type RebuildOutput = {
  head: number;
  projections: { name: string; events: number; position: number; seconds: number; completed: boolean }[];
};

const input = inputFromParent<RebuildInput>();
const config = loadConfig({ DATABASE_URL: input.url, LOG_LEVEL: 'silent', DEMO_DATA: 'false' });
const infrastructure = await openInfrastructure(config, createLogger(config), { migrate: false });
const output: RebuildOutput = { head: Number(await infrastructure.store.headPosition()), projections: [] };
for (const projection of infrastructure.projections) {
  const signal = AbortSignal.timeout(input.timeLimitMs);
  let progress = { events: 0, position: '0' };
  const started = performance.now();
  let completed = true;
  try {
    const result = await rebuildProjection(projection, {
      db: infrastructure.db,
      store: infrastructure.store,
      locks: infrastructure.locks,
      upcasting: infrastructure.upcasting,
      signal,
      onProgress: (reached) => (progress = reached),
    });
    progress = result;
  } catch (error) {
    if (!signal.aborted) throw error;
    completed = false;
  }
  output.projections.push({
    name: projection.name,
    events: progress.events,
    position: Number(progress.position),
    seconds: (performance.now() - started) / 1_000,
    completed,
  });
}
await infrastructure.close();
replyToParent(output);
