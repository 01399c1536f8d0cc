// Projection lag under load: a separate PostgreSQL connection polls the projections' checkpoints
// (`projection_checkpoints`, written in the same transaction as the read model's rows) and
// timestamps when each passes a position. An order answered at t with position p is visible in a
// read model at the first poll that saw that read model's checkpoint ≥ p; its lag is that poll's
// time − t (0 if the checkpoint had already passed p when the answer arrived).
import pg from 'pg';
import { percentile } from '../../harness/stats.ts';

/** Between polls; with the query's round trip this is the measurement's resolution. */
const POLL_INTERVAL_MS = 5;

type Poll = { at: number; positions: Float64Array };

export type LagSummary = { samples: number; p50: number; p99: number; max: number; unseen: number };

export class CheckpointWatcher {
  readonly #client: pg.Client;
  readonly #names: readonly string[];
  readonly #polls: Poll[] = [];
  #running: Promise<void> | undefined;
  #stopped = false;
  #error: unknown;

  private constructor(client: pg.Client, names: readonly string[]) {
    this.#client = client;
    this.#names = names;
  }

  /** Watches the checkpoints of `names` (projection names) in the database at `url`. */
  static async open(url: string, names: readonly string[]): Promise<CheckpointWatcher> {
    const client = new pg.Client({ connectionString: url, application_name: 'dealerline-bench-lag' });
    // A dropped connection fails the next poll (reported by stop()), never the whole bench process.
    client.on('error', () => undefined);
    await client.connect();
    return new CheckpointWatcher(client, names);
  }

  start(): void {
    this.#stopped = false;
    this.#error = undefined;
    this.#polls.length = 0;
    this.#running = this.#loop();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      let rows: { name: string; position: string }[];
      try {
        ({ rows } = await this.#client.query<{ name: string; position: string }>(
          'SELECT name, position::text AS position FROM projection_checkpoints WHERE name = ANY ($1)',
          [this.#names],
        ));
      } catch (error) {
        this.#error = error;
        return;
      }
      const at = performance.now();
      const positions = new Float64Array(this.#names.length);
      for (const row of rows) positions[this.#names.indexOf(row.name)] = Number(row.position);
      this.#polls.push({ at, positions });
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  /** Keeps polling until every watched checkpoint is at `position` or later (or `timeoutMs` passed). */
  async waitFor(position: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && this.#error === undefined) {
      const last = this.#polls[this.#polls.length - 1];
      if (last && Math.min(...last.positions) >= position) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  /** Stops polling (throws if a poll failed); call lag() afterwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
    if (this.#error !== undefined) throw new Error('polling the projection checkpoints failed', { cause: this.#error });
  }

  /**
   * Lag (ms) of each `[answeredAt, position]` in the read model `name`, or in the slowest of all
   * watched when `name` is undefined. Orders whose position no poll reached count as `unseen`.
   */
  lag(answers: readonly { answeredAt: number; position: number }[], name?: string): LagSummary {
    const index = name === undefined ? -1 : this.#names.indexOf(name);
    if (name !== undefined && index < 0) throw new Error(`projection ${name} is not watched`);
    const reached = this.#polls.map((poll) => (index >= 0 ? poll.positions[index]! : Math.min(...poll.positions)));
    // Checkpoints only move forward, so the first poll at or past a position is a binary search.
    const firstPollReaching = (position: number) => {
      let low = 0;
      let high = reached.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (reached[middle]! >= position) high = middle;
        else low = middle + 1;
      }
      return low;
    };
    const lags: number[] = [];
    let unseen = 0;
    for (const { answeredAt, position } of answers) {
      const poll = firstPollReaching(position);
      if (poll === reached.length) {
        unseen += 1;
        continue;
      }
      lags.push(Math.max(0, this.#polls[poll]!.at - answeredAt));
    }
    const sorted = Float64Array.from(lags).sort();
    return {
      samples: lags.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      unseen,
    };
  }

  async close(): Promise<void> {
    this.#stopped = true;
    await this.#running;
    await this.#client.end();
  }
}
