// Session advisory locks on one dedicated connection: one active instance per worker name.
import type pg from 'pg';

export class AdvisoryLocks {
  readonly #pool: pg.Pool;
  #client: pg.PoolClient | undefined;
  #connecting: Promise<pg.PoolClient> | undefined;
  #held = new Set<string>();

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

  /** True when this process now holds (or already held) the lock named `name`. */
  async tryLock(name: string): Promise<boolean> {
    if (this.#held.has(name)) return true;
    const client = await this.#connection();
    try {
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
      if (result.rows[0]?.locked) this.#held.add(name);
      return result.rows[0]?.locked ?? false;
    } catch (error) {
      this.#drop(client);
      throw error;
    }
  }

  isHeld(name: string): boolean {
    return this.#held.has(name);
  }

  async unlock(name: string): Promise<void> {
    if (!this.#held.delete(name) || !this.#client) return;
    await this.#client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#client) this.#drop(this.#client);
  }
}
