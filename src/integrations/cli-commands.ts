// The integration commands of the dealerline CLI: adapter status, dead letters, retry, replay.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { Infrastructure } from '../infrastructure.ts';
import { adapterStates } from './checkpoints.ts';
import { findDeadLetter, listDeadLetters, requestRetry, type DeadLetter } from './dead-letters.ts';
import { ReplayInProgressError, replayAdapter } from './replay.ts';
import { OrderDealers } from './subscriptions/adapter.ts';
import { subscriptionAdapterNamed, subscriptionAdapterNames } from './subscriptions/supervisor.ts';
import type { DeadLetterStatus } from './tables.ts';

const STATUSES: readonly DeadLetterStatus[] = ['open', 'retry_requested', 'retrying', 'delivered'];
const POSITION = /^\d{1,20}$/;

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

function row(deadLetter: DeadLetter) {
  return {
    id: deadLetter.id,
    adapter: deadLetter.adapter,
    status: deadLetter.status,
    attempts: deadLetter.attempts,
    type: deadLetter.eventType,
    stream: deadLetter.streamId,
    position: deadLetter.position,
    error: deadLetter.lastError.length > 80 ? `${deadLetter.lastError.slice(0, 77)}...` : deadLetter.lastError,
    updated: deadLetter.updatedAt,
  };
}

/** The configured adapters, and one per webhook subscription. */
const adapterNames = async (infrastructure: Infrastructure) => [
  ...infrastructure.adapters.map((adapter) => adapter.name),
  ...(await subscriptionAdapterNames(infrastructure.db)),
];

export async function integrationsCommand(infrastructure: Infrastructure): Promise<number> {
  console.table(await adapterStates(infrastructure.db, infrastructure.store, await adapterNames(infrastructure)));
  return 0;
}

export async function deadLettersCommand(infrastructure: Infrastructure, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { adapter: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string', default: '50' } },
  });
  const status = values.status as DeadLetterStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) return fail(`--status must be one of ${STATUSES.join(', ')}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return fail('--limit must be a whole number from 1 to 10000');
  const rows = await listDeadLetters(infrastructure.db, { adapter: values.adapter, status, limit });
  if (rows.length === 0) process.stdout.write('No dead letters.\n');
  else console.table(rows.slice(0, limit).map(row));
  if (rows.length > limit) process.stdout.write(`More than ${limit}; narrow with --adapter or --status, or raise --limit.\n`);
  return 0;
}

export async function retryDeadLetterCommand(infrastructure: Infrastructure, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { wait: { type: 'string', default: '30' } } });
  const id = positionals[0];
  const waitSeconds = Number(values.wait);
  if (!id || !/^\d{1,18}$/.test(id)) return fail('Usage: dealerline retry-dead-letter <id> [--wait <seconds>]');
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) return fail('--wait must be a number of seconds');
  const existing = await findDeadLetter(infrastructure.db, Number(id));
  if (!existing) return fail(`Dead letter ${id} was not found.`);
  if (!(await adapterNames(infrastructure)).includes(existing.adapter)) {
    return fail(`Adapter ${existing.adapter} is not enabled in this configuration, so no worker would deliver it.`);
  }
  const requested = await requestRetry(infrastructure.db, Number(id));
  if (requested.outcome === 'already_delivered') {
    process.stdout.write(`Dead letter ${id} was delivered already.\n`);
    return 0;
  }
  process.stdout.write(`Retry of dead letter ${id} (${existing.eventType} ${existing.eventId}) requested.\n`);
  const deadline = Date.now() + waitSeconds * 1_000;
  while (Date.now() < deadline) {
    await sleep(250);
    const current = await findDeadLetter(infrastructure.db, Number(id));
    if (current?.status === 'delivered') {
      process.stdout.write('Delivered.\n');
      return 0;
    }
    if (current?.status === 'open') {
      process.stdout.write(`The retry failed after ${current.attempts} attempts in all: ${current.lastError}\n`);
      return 1;
    }
  }
  if (waitSeconds > 0)
    process.stdout.write(`No outcome within ${waitSeconds} s: is a worker running ${existing.adapter}? The retry stays requested.\n`);
  return 0;
}

export async function replayCommand(infrastructure: Infrastructure, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { from: { type: 'string' } } });
  const names = await adapterNames(infrastructure);
  const adapter =
    infrastructure.adapters.find((candidate) => candidate.name === positionals[0]) ??
    (positionals[0] === undefined
      ? undefined
      : await subscriptionAdapterNamed(infrastructure.db, positionals[0], {
          dealers: new OrderDealers(infrastructure.store, infrastructure.upcasting),
          policy: { production: infrastructure.config.env === 'production' },
          logger: infrastructure.logger,
        }));
  if (!adapter) return fail(`Usage: dealerline replay <adapter> --from <position>; enabled adapters: ${names.join(', ') || 'none'}`);
  if (!values.from || !POSITION.test(values.from)) return fail('--from must be a position (a decimal string; 0 = from the start)');

  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  const bar = new cliProgress.SingleBar(
    { format: `${adapter.name.padEnd(12)} [{bar}] {percentage}% | position {value}/{total} | {events} events` },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { events: 0 });
  adapter.open?.();
  try {
    const result = await replayAdapter(adapter, {
      from: values.from,
      db: infrastructure.db,
      store: infrastructure.store,
      locks: infrastructure.locks,
      upcasting: infrastructure.upcasting,
      metrics: infrastructure.metrics.integrations,
      logger: infrastructure.logger,
      signal: stop.signal,
      onProgress: (progress) => {
        bar.setTotal(Math.max(1, Number(progress.head)));
        bar.update(Math.min(Number(progress.position), Number(progress.head)), { events: progress.events });
      },
    });
    bar.setTotal(Math.max(1, Number(result.head)));
    bar.update(Math.max(1, Number(result.head)), { events: result.events });
    bar.stop();
    process.stdout.write(
      `Replayed ${result.events} events of ${adapter.name} from ${values.from} to ${result.head}: ` +
        `${result.delivered} delivered, ${result.deadLettered} dead-lettered.\n`,
    );
    return result.deadLettered > 0 ? 1 : 0;
  } catch (error) {
    bar.stop();
    if (error instanceof ReplayInProgressError) return fail(error.message);
    if (stop.signal.aborted) return fail("Replay interrupted; events up to the bar's position were re-delivered.");
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
  }
}
