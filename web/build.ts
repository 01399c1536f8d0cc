// Builds the browser app into web/dist when its sources changed since the last build (a hash of
// them is kept beside the output), so `npm start` and the browser tests always serve a current
// build without rebuilding an unchanged one. `node web/build.ts [--force]`; other code calls
// ensureWebBuilt, which builds in a child process: a production build needs NODE_ENV=production
// (React's JSX transform follows it), which a test process does not have.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import path from 'node:path';
import { build, type LogLevel } from 'vite';

const WEB = import.meta.dirname;
const DIST = path.join(WEB, 'dist');
/** Built here, then swapped in: a server never finds web/dist half written. */
const NEXT = path.join(WEB, 'dist.next');
const OLD = path.join(WEB, 'dist.old');
const STAMP = path.join(DIST, '.source-hash');
const LOCK = path.join(WEB, '.build-lock');
/** Under web/, and the server's modules the app imports (its calendar arithmetic, the notification types). */
const INPUTS = ['index.html', 'vite.config.ts', 'src', '../src/domain/shared/calendar.ts', '../src/domain/notifications/types.ts'];
const LOCK_STALE_MS = 10 * 60_000;

async function filesUnder(entry: string): Promise<string[]> {
  const info = await stat(entry);
  if (!info.isDirectory()) return [entry];
  const names = (await readdir(entry)).sort();
  return (await Promise.all(names.map((name) => filesUnder(path.join(entry, name))))).flat();
}

/** What the build depends on: the app's sources and the exact versions of its packages. */
export async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    ...(await Promise.all(INPUTS.map((input) => filesUnder(path.join(WEB, input))))).flat(),
    path.join(WEB, '..', 'package-lock.json'),
  ];
  for (const file of files)
    hash
      .update(path.relative(WEB, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  return hash.digest('hex');
}

const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

/** Brotli and gzip copies beside each text file, which the server sends to browsers that accept them. */
async function precompress(dir: string): Promise<void> {
  const files = (await filesUnder(dir)).filter((file) => COMPRESSIBLE.test(file));
  await Promise.all(
    files.map(async (file) => {
      const content = await readFile(file);
      await writeFile(`${file}.br`, await promisify(brotliCompress)(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
      await writeFile(`${file}.gz`, await promisify(gzip)(content, { level: 9 }));
    }),
  );
}

async function builtHash(): Promise<string | undefined> {
  return readFile(STAMP, 'utf8').catch(() => undefined);
}

/** One builder at a time (npm start and a test run may ask together); a crashed one's lock expires. */
async function withLock<T>(run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(LOCK).then(
        (info) => info.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - since > LOCK_STALE_MS || Date.now() > deadline) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await run();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** Builds in this process unless web/dist already holds a build of these sources; says whether it built. */
async function buildIfStale(options: { force: boolean; logLevel: LogLevel }): Promise<boolean> {
  if (!options.force && (await builtHash()) === (await sourceHash())) return false;
  return withLock(async () => {
    const hash = await sourceHash();
    if (!options.force && (await builtHash()) === hash) return false;
    await rm(NEXT, { recursive: true, force: true });
    await build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: options.logLevel, build: { outDir: NEXT, emptyOutDir: true } });
    await precompress(NEXT);
    await writeFile(path.join(NEXT, '.source-hash'), hash);
    await rm(OLD, { recursive: true, force: true });
    await rename(DIST, OLD).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(NEXT, DIST);
    await rm(OLD, { recursive: true, force: true });
    return true;
  });
}

/** Makes web/dist current (a production build in a child process when the sources changed). */
export async function ensureWebBuilt(): Promise<void> {
  if ((await builtHash()) === (await sourceHash())) return;
  await promisify(execFile)(process.execPath, [import.meta.filename, '--quiet'], { env: { ...process.env, NODE_ENV: 'production' } });
}

if (import.meta.main) {
  process.env.NODE_ENV = 'production';
  const built = await buildIfStale({
    force: process.argv.includes('--force'),
    logLevel: process.argv.includes('--quiet') ? 'warn' : 'info',
  });
  if (!built) console.log('web/dist is up to date');
}
