// Session advisory locks on one dedicated connection: one active instance per worker name.
import type pg from 'pg';

export class AdvisoryLocks {
  readonly #pool: pg.Pool;
  #client: pg.PoolClient | undefined;
  #connecting: Promise<pg.PoolClient> | undefined;
  #held = new Set<string>();
  /** Queries on the one session run one at a time (pg refuses to interleave them). */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** One session for all locks; concurrent callers share the connecting promise. */
  #connection(): Promise<pg.PoolClient> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#pool.connect().then(
      (client) => {
        // Losing the session loses every lock; holders notice through isHeld() and re-acquire.
        client.on('error', () => this.#drop(client));
        this.#client = client;
        this.#connecting = undefined;
        return client;
      },
      (error: unknown) => {
        this.#connecting = undefined;
        throw error;
      },
    );
    return this.#connecting;
  }

  #drop(client: pg.PoolClient): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#held.clear();
    client.release(true);
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** True when this process now holds (or already held) the lock named `name`. */
  tryLock(name: string): Promise<boolean> {
    return this.#serially(async () => {
      if (this.#held.has(name)) return true;
      const client = await this.#connection();
      try {
        const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
        const locked = result.rows[0]?.locked ?? false;
        if (locked) this.#held.add(name);
        return locked;
      } catch (error) {
        this.#drop(client);
        throw error;
      }
    });
  }

  isHeld(name: string): boolean {
    return this.#held.has(name);
  }

  unlock(name: string): Promise<void> {
    return this.#serially(async () => {
      const client = this.#client;
      if (!this.#held.delete(name) || !client) return;
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]).catch(() => undefined);
    });
  }

  close(): Promise<void> {
    return this.#serially(async () => {
      if (this.#client) this.#drop(this.#client);
    });
  }
}
