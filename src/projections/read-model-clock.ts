// Read-your-writes: waits until every projection has processed a given position.
import { once, type EventEmitter } from 'node:events';
import type { Db } from '../db/database.ts';
import { comparePositions, START_POSITION } from '../eventstore/port.ts';

export type CatchUp = { reached: true } | { reached: false; behind: string[] };

export class ReadModelClock {
  readonly #db: Db;
  readonly #names: readonly string[];
  readonly #progress: EventEmitter | undefined;
  readonly #pollMs: number;

  /** `progress` is an in-process runner's emitter; without it (an API-only replica) the clock polls. */
  constructor(db: Db, names: readonly string[], progress?: EventEmitter, pollMs = 25) {
    this.#db = db;
    this.#names = names;
    this.#progress = progress;
    this.#pollMs = pollMs;
  }

  async #behind(position: string): Promise<string[]> {
    if (this.#names.length === 0) return [];
    const rows = await this.#db
      .selectFrom('projection_checkpoints')
      .select(['name', 'position'])
      .where('name', 'in', this.#names)
      .execute();
    const reached = new Set(rows.filter((row) => comparePositions(row.position, position) >= 0).map((row) => row.name));
    return this.#names.filter((name) => !reached.has(name));
  }

  /** Where one projection's checkpoint is (START_POSITION before its first run). */
  async checkpointOf(name: string): Promise<string> {
    const row = await this.#db.selectFrom('projection_checkpoints').select('position').where('name', '=', name).executeTakeFirst();
    return row?.position ?? START_POSITION;
  }

  /** Resolves once the projection's checkpoint has moved past `position`, or when `signal` aborts. */
  async waitPast(name: string, position: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && comparePositions(await this.checkpointOf(name), position) <= 0) {
      // Woken by an in-process runner; an API-only replica looks four times a second.
      const wait = AbortSignal.any([signal, AbortSignal.timeout(250)]);
      if (this.#progress) await once(this.#progress, 'progress', { signal: wait }).catch(() => undefined);
      else await new Promise((resolve) => wait.addEventListener('abort', resolve, { once: true }));
    }
  }

  /** Waits until every read model holds `position`, for at most `timeoutMs` or until `stop` aborts. */
  async waitFor(position: string, timeoutMs: number, stop?: AbortSignal): Promise<CatchUp> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = await this.#behind(position);
      if (behind.length === 0) return { reached: true };
      const remaining = deadline - Date.now();
      if (remaining <= 0 || stop?.aborted) return { reached: false, behind };
      const pause = AbortSignal.timeout(Math.min(remaining, this.#progress ? 250 : this.#pollMs));
      const signal = stop ? AbortSignal.any([stop, pause]) : pause;
      if (this.#progress) await once(this.#progress, 'progress', { signal }).catch(() => undefined);
      else await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    }
  }
}
