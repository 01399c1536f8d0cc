// The pipeline: streams in order and one event at a time each, streams side by side, bounded
// in flight, done positions contiguous, and a failure stopping its stream's later events.
import { describe, expect, it } from 'vitest';
import type { AllPage, RecordedEvent } from '../eventstore/port.ts';
import { StreamOrderedPipeline } from './pipeline.ts';

let position = 0;
const event = (streamId: string, revision: number): RecordedEvent => ({
  id: `${streamId}/${revision}`,
  type: 'T',
  streamId,
  revision,
  position: String(++position),
  data: {},
  metadata: { actor: 'a', role: 'r', correlationId: 'c', causationId: null, occurredAt: '', schemaVersion: 1 },
  createdAt: '',
});
const page = (events: RecordedEvent[]): AllPage => ({ events, checkpoint: events.at(-1)!.position });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stream-ordered pipeline', () => {
  it('handles each stream in order, streams concurrently, within maxInFlight, reporting contiguous progress', async () => {
    const handled: string[] = [];
    const busy = new Set<string>();
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    const pipeline = new StreamOrderedPipeline({
      maxInFlight: 4,
      handle: async (e) => {
        expect(busy.has(e.streamId), `${e.streamId} is handled one event at a time`).toBe(false);
        busy.add(e.streamId);
        running += 1;
        peak = Math.max(peak, running);
        await sleep(e.streamId === 'slow' ? 15 : Math.random() * 5);
        handled.push(e.id);
        running -= 1;
        busy.delete(e.streamId);
      },
      onDone: (p) => done.push(p),
      onFailure: (error) => {
        throw error;
      },
    });
    const streams = ['slow', 'a', 'b', 'c', 'd'];
    const pages = Array.from({ length: 5 }, (_, r) => page(streams.map((s) => event(s, r))));
    for (const p of pages) await pipeline.push(p);
    await pipeline.settle();
    for (const s of streams) expect(handled.filter((id) => id.startsWith(`${s}/`))).toEqual([0, 1, 2, 3, 4].map((r) => `${s}/${r}`));
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
    expect(done.map(Number)).toEqual([...done.map(Number)].sort((x, y) => x - y));
    expect(done.at(-1)).toBe(pages.at(-1)!.checkpoint);
  });

  it('stops a stream at a failed event, keeps the others, and never reports past the failure', async () => {
    const handled: string[] = [];
    const failures: unknown[] = [];
    const done: string[] = [];
    const pipeline = new StreamOrderedPipeline({
      maxInFlight: 10,
      handle: async (e) => {
        await sleep(1);
        if (e.id === 'x/1') throw new Error('database gone');
        handled.push(e.id);
      },
      onDone: (p) => done.push(p),
      onFailure: (error) => failures.push(error),
    });
    const first = page([event('x', 0), event('y', 0)]);
    const second = page([event('x', 1), event('y', 1), event('x', 2)]);
    await pipeline.push(first);
    await pipeline.push(second);
    await pipeline.settle();
    expect(handled).toContain('y/1');
    expect(handled).not.toContain('x/2');
    expect(failures).toHaveLength(1);
    expect(done).toEqual([first.checkpoint]);
    await expect(pipeline.push(page([event('z', 0)]))).rejects.toThrow('database gone');
  });
});
