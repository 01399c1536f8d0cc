// Child process: rebuilds every projection from position 0 and prints how long that took, either
// one projection after the other (`each`: rebuildProjection for each, the rate of each) or all in
// one pass over the store (`together`: rebuildProjections, as `dealerline rebuild all` does).
// Separate so that --profile can profile exactly this.
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { openInfrastructure } from '../../../src/main.ts';
import { rebuildProjection, rebuildProjections, type RebuildProgress } from '../../../src/projections/rebuild.ts';
import { inputFromParent, replyToParent } from '../../harness/child.ts';

export type RebuildInput = { url: string; timeLimitMs: number; mode: 'each' | 'together' };

export type RebuildOutput = {
  head: number;
  /** From the first rebuild's start to the last one's end. */
  seconds: number;
  projections: { name: string; events: number; position: number; seconds: number; completed: boolean }[];
};

const input = inputFromParent<RebuildInput>();
const config = loadConfig({ DATABASE_URL: input.url, LOG_LEVEL: 'silent', DEMO_DATA: 'false' });
const infrastructure = await openInfrastructure(config, createLogger(config), { migrate: false });
const { db, store, locks, upcasting, projections } = infrastructure;
const output: RebuildOutput = { head: Number(await store.headPosition()), seconds: 0, projections: [] };
const started = performance.now();
if (input.mode === 'each') {
  for (const projection of projections) {
    const signal = AbortSignal.timeout(input.timeLimitMs);
    let progress: Pick<RebuildProgress, 'events' | 'position'> = { events: 0, position: '0' };
    const start = performance.now();
    let completed = true;
    try {
      progress = await rebuildProjection(projection, {
        db,
        store,
        locks,
        upcasting,
        signal,
        onProgress: (reached) => (progress = reached),
      });
    } catch (error) {
      if (!signal.aborted) throw error;
      completed = false;
    }
    const seconds = (performance.now() - start) / 1_000;
    output.projections.push({ name: projection.name, events: progress.events, position: Number(progress.position), seconds, completed });
  }
} else {
  const signal = AbortSignal.timeout(input.timeLimitMs);
  const progress = new Map<string, { events: number; position: string; seconds: number }>();
  let completed = true;
  try {
    await rebuildProjections(projections, {
      db,
      store,
      locks,
      upcasting,
      signal,
      onProgress: (name, reached) => progress.set(name, { ...reached, seconds: (performance.now() - started) / 1_000 }),
    });
  } catch (error) {
    if (!signal.aborted) throw error;
    completed = false;
  }
  for (const projection of projections) {
    const reached = progress.get(projection.name) ?? { events: 0, position: '0', seconds: 0 };
    output.projections.push({
      name: projection.name,
      events: reached.events,
      position: Number(reached.position),
      seconds: reached.seconds,
      completed,
    });
  }
}
output.seconds = (performance.now() - started) / 1_000;
await infrastructure.close();
replyToParent(output);
