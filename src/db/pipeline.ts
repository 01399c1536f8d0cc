// Pipelined transactions: a kysely instance whose transactions hold back the statements whose
// results nobody reads (BEGIN, writes without RETURNING, statements marked `unread`) and send them
// with the next statement whose result is read, in one write with one Sync. A projection page —
// BEGIN, its checkpoint, its writes and COMMIT — then costs one round trip instead of one each:
// about 85 µs of node CPU and 30 µs of PostgreSQL CPU a round trip on the 2-core bench machine.
//
// What changes for the code inside such a transaction: a held-back write answers at once, with no
// row count (numAffectedRows is undefined), and its failure is thrown by a later statement or by
// the COMMIT, which then never runs (PostgreSQL skips the rest of a pipeline after an error). Only
// for code that does not read a write's row count and treats any failure of the transaction as a
// failure of the whole: the projection runner's batch pages (a failed batch page is applied again
// event by event, on an ordinary connection).
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { preparedName, type Db } from './database.ts';

const UNREAD = Symbol('unread');

/**
 * `query`, marked as one whose result its caller does not read (a statement that fails rather
 * than answer a count): a pipelined transaction sends it with the next statement whose result is
 * read; anywhere else it runs at once, as any other.
 */
export function unread(query: CompiledQuery): CompiledQuery {
  return Object.assign({ ...query }, { [UNREAD]: true });
}

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode']);
const RAW_WRITE = /^\s*(insert|update|delete)\b/i;
const RETURNING = /\breturning\b/i;

/** True for a statement whose result the caller cannot need: a write that returns no rows, or one marked `unread`. */
export function heldBack(query: CompiledQuery): boolean {
  if (UNREAD in query) return true;
  const node = query.query as { kind: string; returning?: unknown };
  if (WRITES.has(node.kind)) return node.returning === undefined;
  return node.kind === 'RawNode' && RAW_WRITE.test(query.sql) && !RETURNING.test(query.sql);
}

/** The undocumented parts of pg's Connection a pipeline uses (as pg's own Query does). */
type WireConnection = pg.Connection & {
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements?: Record<string, string | undefined>;
  stream: { cork(): void; uncork(): void };
  parse(query: { text: string; name?: string }): void;
  bind(config: { statement: string; values: unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(config: { portal: string }): void;
  sync(): void;
};

const { prepareValue } = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils;

type Results = pg.QueryResult | pg.QueryResult[];

/** What a pipeline prepares under a name, recorded on its connection once the pipeline succeeded. */
type Prepared = { connection?: WireConnection; names: [name: string, text: string][] };

/**
 * Statements written at once, each parsed (or its prepared statement reused, named as the pool's
 * clients name their repeated texts), bound and executed, then one Sync: PostgreSQL answers them
 * in one go and skips the rest after a failure. pg's Query collects one result per statement.
 */
class Pipeline extends pg.Query {
  readonly #prepared: Prepared;

  constructor(statements: readonly CompiledQuery[], callback: (error: Error | undefined, results: Results) => void) {
    const prepared: Prepared = { names: [] };
    super({ text: statements.map((statement) => statement.sql).join(';\n') }, (error: Error | undefined, results: unknown) => {
      if (!error) for (const [name, text] of prepared.names) prepared.connection!.parsedStatements[name] = text;
      callback(error, results as Results);
    });
    this.#prepared = prepared;
    this.submit = (connection) => submitPipeline(connection as WireConnection, statements, prepared);
  }

  /** Whether it asked PostgreSQL to prepare a statement under a name. */
  get prepares(): boolean {
    return this.#prepared.names.length > 0;
  }
}

function submitPipeline(connection: WireConnection, statements: readonly CompiledQuery[], prepared: Prepared): Error | null {
  prepared.connection = connection;
  // Every value is converted first: a value pg cannot send fails the pipeline before a byte is written.
  let values: unknown[][];
  try {
    values = statements.map((statement) => statement.parameters.map((value) => prepareValue(value)));
  } catch (error) {
    return error as Error;
  }
  const preparing = new Set<string>();
  connection.stream.cork();
  try {
    statements.forEach((statement, index) => {
      const name = statement.parameters.length > 0 ? preparedName(statement.sql) : undefined;
      if (name === undefined) connection.parse({ text: statement.sql });
      else if (
        connection.parsedStatements[name] === undefined &&
        connection.submittedNamedStatements?.[name] === undefined &&
        !preparing.has(name)
      ) {
        connection.parse({ text: statement.sql, name });
        preparing.add(name);
        prepared.names.push([name, statement.sql]);
      }
      connection.bind({ statement: name ?? '', values: values[index]! });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    });
    connection.sync();
  } finally {
    connection.stream.uncork();
  }
  return null;
}

const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function toQueryResult<R>(result: pg.QueryResult): QueryResult<R> {
  return {
    rows: (result.rows ?? []) as R[],
    ...(COUNTED.has(result.command) && { numAffectedRows: BigInt(result.rowCount ?? 0) }),
  };
}

class PipelinedConnection implements DatabaseConnection {
  readonly #client: pg.PoolClient;
  #held: CompiledQuery[] = [];
  #inTransaction = false;
  /** A pipeline failed after asking to prepare statements: which of them exist is unknown, so the client goes. */
  #discard = false;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  begin(settings: TransactionSettings): void {
    if (settings.isolationLevel || settings.accessMode) throw new Error('a pipelined transaction takes no isolation level or access mode');
    this.#inTransaction = true;
    this.#held.push(CompiledQuery.raw('begin'));
  }

  async commit(): Promise<void> {
    try {
      const result = await this.#send(CompiledQuery.raw('commit'));
      // PostgreSQL completes COMMIT with a ROLLBACK tag when an earlier error left the transaction aborted.
      if (result.command === 'ROLLBACK') throw new Error('the transaction was rolled back');
    } finally {
      this.#inTransaction = false;
    }
  }

  async rollback(): Promise<void> {
    const sentNothing = this.#held[0]?.sql === 'begin';
    this.#held = [];
    this.#inTransaction = false;
    if (sentNothing) return;
    try {
      await this.#client.query('rollback');
    } catch (error) {
      this.#discard = true;
      throw error;
    }
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#inTransaction && heldBack(query)) {
      this.#held.push(query);
      return { rows: [] };
    }
    return toQueryResult<R>(await this.#send(query));
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('a pipelined connection does not stream');
  }

  release(): void {
    this.#client.release(this.#discard || undefined);
  }

  async #send(last: CompiledQuery): Promise<pg.QueryResult> {
    const statements = [...this.#held, last];
    this.#held = [];
    if (statements.length === 1) return this.#client.query(last.sql, [...last.parameters]);
    const results = await new Promise<pg.QueryResult[]>((resolve, reject) => {
      const pipeline: Pipeline = new Pipeline(statements, (error, answered) => {
        if (!error) resolve(answered as pg.QueryResult[]);
        else {
          if (pipeline.prepares) this.#discard = true;
          reject(error);
        }
      });
      void this.#client.query(pipeline);
    });
    return results.at(-1)!;
  }
}

class PipelinedDriver implements Driver {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PipelinedConnection(await this.#pool.connect());
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    (connection as PipelinedConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PipelinedConnection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PipelinedConnection).rollback();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PipelinedConnection).release();
  }

  /** The pool is its owner's to end. */
  async destroy(): Promise<void> {}
}

/** A kysely instance over `pool` whose transactions are pipelined (see the top of this file). */
export function createPipelinedDb(pool: pg.Pool): Db {
  return new Kysely({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PipelinedDriver(pool),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
