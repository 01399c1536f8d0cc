// The composition root: opens the database and event store, then runs the API and/or workers.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.ts';
import { createTokenService } from './api/auth.ts';
import type { ApiDeps, ReadinessCheck } from './api/deps.ts';
import { buildOperationsApp } from './api/health.ts';
import { projectionStates } from './projections/status.ts';
import { createMetrics } from './api/metrics.ts';
import type { Config } from './config.ts';
import { AdvisoryLocks } from './db/advisory-lock.ts';
import { createDb, createPool } from './db/database.ts';
import { createPipelinedDb } from './db/pipeline.ts';
import { embeddedDatabaseName, startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.ts';
import { migrateToLatest } from './db/migrate.ts';
import { seedDemoData } from './demo/data.ts';
import { seedDemoOrders } from './demo/orders.ts';
import { seedDemoUsers } from './demo/users.ts';
import { startErpInboundConsumer } from './integrations/erp/inbound.ts';
import { allUpcasters } from './eventstore/upcasters.ts';
import { configureBusinessTimeZone } from './domain/shared/calendar.ts';
import { createCommandHandler } from './eventstore/command-handler.ts';
import { createEsdbEventStore } from './eventstore/esdb.ts';
import type { EventStore } from './eventstore/port.ts';
import { PostgresEventStore } from './eventstore/postgres.ts';
import { createUpcasting } from './eventstore/upcasting.ts';
import { DeliveryRunner } from './integrations/delivery-runner.ts';
import { enabledAdapters } from './integrations/index.ts';
import { OrderDealers } from './integrations/subscriptions/adapter.ts';
import { SubscriptionSupervisor } from './integrations/subscriptions/supervisor.ts';
import { countAnalyticsDaysIn } from './projections/analytics/calendar.ts';
import { allProjections } from './projections/index.ts';
import { ReadModelClock } from './projections/read-model-clock.ts';
import { ProjectionRunner } from './projections/runner.ts';
import { OrderPlacements } from './processes/order-placement.ts';
import { createStockAlerts, DailyExpiryEvaluation } from './processes/stock-alerts.ts';
import { stockWithLotsExpiringWithin } from './projections/inventory/queries.ts';
import { buildWriteSideIndexes } from './processes/write-side-indexes.ts';
import type { Infrastructure } from './infrastructure.ts';

export type { Infrastructure };

export async function openInfrastructure(config: Config, logger: Logger, options: { migrate?: boolean } = {}): Promise<Infrastructure> {
  // Every business day and month this process counts is in the manufacturer's time zone.
  configureBusinessTimeZone(config.businessTimeZone);
  let embedded: EmbeddedServer | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info({ dataDir: config.dataDir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    databaseUrl = embedded.url(embeddedDatabaseName);
  }
  const pool = createPool(databaseUrl, { max: 40 });
  const db = createDb(pool);
  if (options.migrate ?? true) await migrateToLatest(db);
  const store: EventStore =
    config.eventStore === 'esdb' ? createEsdbEventStore(config.eventStoreConnectionString!) : new PostgresEventStore(pool);
  // Opened lazily by the pool: an API-only process never connects it. Read models are derived:
  // each page commits with its checkpoint, so one lost in a crash of PostgreSQL is applied again
  // from the store, and not waiting for the WAL flush leaves the disk to the event appends.
  const projectionPool = createPool(databaseUrl, {
    max: allProjections.length + 2,
    applicationName: 'dealerline-projections',
    asyncCommit: true,
  });
  const projectionStore = config.eventStore === 'esdb' ? store : new PostgresEventStore(projectionPool);
  const upcasting = createUpcasting(allUpcasters);
  const locks = new AdvisoryLocks(pool);
  const metrics = createMetrics();
  const commands = createCommandHandler(store, { upcasting, onConflict: (by) => metrics.appendConflicts.inc({ by }) });
  const stockAlerts = createStockAlerts({ store, commands, upcasting, expiryTiers: config.expiryTiers });
  const adapters = [...enabledAdapters(config, logger, { store, upcasting }), stockAlerts.adapter];
  return {
    config,
    logger,
    pool,
    db,
    store,
    projectionDb: createDb(projectionPool),
    projectionPipelinedDb: createPipelinedDb(projectionPool),
    projectionStore,
    upcasting,
    commands,
    placements: new OrderPlacements({ db, store, commands, logger }),
    locks,
    tokens: createTokenService(config.jwtSecret, config.tokenMaxLifetimeSeconds),
    metrics,
    projections: allProjections,
    adapters,
    stockAlerts,
    async close() {
      await Promise.all(adapters.map(async (adapter) => adapter.close?.()));
      await store.close();
      if (projectionStore !== store) await projectionStore.close();
      await locks.close();
      await db.destroy();
      await projectionPool.end();
      await embedded?.stop();
    },
  };
}

export type Running = {
  infrastructure: Infrastructure;
  app: FastifyInstance | undefined;
  url: string | undefined;
  runner: ProjectionRunner | undefined;
  deliveries: DeliveryRunner | undefined;
  dailyExpiry: DailyExpiryEvaluation | undefined;
  stop: () => Promise<void>;
};

export type StartOptions = { api: boolean; workers: boolean; seed?: boolean };

/** Starts the API and/or the workers (projections, adapters) on an open infrastructure. */
export async function start(infrastructure: Infrastructure, options: StartOptions): Promise<Running> {
  const { config, logger, db, store, projections } = infrastructure;
  // Read at each scrape of /metrics, in the API and in a worker alike.
  infrastructure.metrics.measureProjectionLagWith(() => projectionStates(db, store, projections));
  await buildWriteSideIndexes(store, infrastructure.commands, logger);
  const seeded = (options.seed ?? config.demoData) ? await seedDemoData(infrastructure) : undefined;
  // Demo users have known passwords: never in production.
  const users = seeded && config.env !== 'production' ? await seedDemoUsers(infrastructure) : 0;
  if (seeded) logger.info({ ...seeded, users }, 'demo data seeded');
  // The analytics facts count business days: started over when they were counted in another zone.
  if (options.workers) await countAnalyticsDaysIn(db, config.businessTimeZone, logger);
  const runner = options.workers
    ? new ProjectionRunner({
        db: infrastructure.projectionDb,
        pipelinedDb: infrastructure.projectionPipelinedDb,
        store: infrastructure.projectionStore,
        locks: infrastructure.locks,
        upcasting: infrastructure.upcasting,
        projections,
        logger,
      })
    : undefined;
  runner?.start();
  const clock = new ReadModelClock(
    db,
    projections.map((projection) => projection.name),
    runner?.progress,
  );
  if (seeded) {
    const orders = await seedDemoOrders({ store, commands: infrastructure.commands, placements: infrastructure.placements, logger });
    logger.info({ orders }, 'demo orders placed');
  }
  const deliveries =
    options.workers && infrastructure.adapters.length > 0
      ? new DeliveryRunner({
          db,
          store,
          locks: infrastructure.locks,
          upcasting: infrastructure.upcasting,
          adapters: infrastructure.adapters,
          metrics: infrastructure.metrics.integrations,
          logger,
        })
      : undefined;
  if (deliveries) {
    for (const adapter of infrastructure.adapters) adapter.open?.();
    deliveries.start();
  }
  const subscriptions = deliveries
    ? new SubscriptionSupervisor({
        db,
        runner: deliveries,
        dealers: new OrderDealers(store, infrastructure.upcasting),
        policy: { production: config.env === 'production' },
        logger,
      })
    : undefined;
  subscriptions?.start();
  const dailyExpiry = options.workers
    ? new DailyExpiryEvaluation({
        alerts: infrastructure.stockAlerts,
        // The lots come from the inventory read model: first let it take in what the store holds now.
        candidates: async (today, signal) => {
          const caughtUp = await clock.waitFor(await store.headPosition(), 60_000, signal);
          if (!caughtUp.reached) throw new Error(`the read models are behind (${caughtUp.behind.join(', ')})`);
          return stockWithLotsExpiringWithin(db, today, config.expiryTiers.blueDays);
        },
        locks: infrastructure.locks,
        logger,
      })
    : undefined;
  dailyExpiry?.start();

  const readiness: ReadinessCheck[] = [
    { name: 'database', check: async () => (await infrastructure.pool.query('SELECT 1')).rowCount === 1 },
    { name: 'eventStore', check: () => store.ping() },
    // Adapters count where this process runs them; an API-only replica does not depend on partners.
    ...(deliveries ? infrastructure.adapters : []).flatMap((adapter) =>
      adapter.ready ? [{ name: adapter.name, check: () => adapter.ready!() }] : [],
    ),
  ];
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (options.api) {
    const deps: ApiDeps = {
      ...infrastructure,
      clock,
      readiness,
    };
    app = await buildApp(deps, logger);
    url = await app.listen({ port: config.port, host: config.host });
  }
  // A worker without the API still answers for itself: health and its own metrics (the adapters' deliveries).
  let operations: FastifyInstance | undefined;
  if (!app && options.workers && config.metricsPort !== undefined) {
    operations = await buildOperationsApp({ readiness, metrics: infrastructure.metrics }, logger);
    url = await operations.listen({ port: config.metricsPort, host: config.host });
  }
  // The ERP's inbound topic, applied through the API's own routes as the integration role, where
  // the workers run: a worker without the API builds the routes for that alone (never listening).
  const consumesErp = options.workers && config.kafkaBrokers.length > 0;
  const inboundApp = consumesErp ? (app ?? (await buildApp({ ...infrastructure, clock, readiness }, logger))) : undefined;
  const erpInbound = inboundApp
    ? startErpInboundConsumer({
        brokers: config.kafkaBrokers,
        app: inboundApp,
        token: () => infrastructure.tokens.sign({ sub: 'erp-kafka-consumer', role: 'integration' }, '5m'),
        logger,
      })
    : undefined;

  return {
    infrastructure,
    app,
    url,
    runner,
    deliveries,
    dailyExpiry,
    async stop() {
      await erpInbound?.stop();
      if (inboundApp !== app) await inboundApp?.close();
      await app?.close();
      await operations?.close();
      // The daily evaluation waits for the projections: it stops before them.
      await dailyExpiry?.stop();
      await runner?.stop();
      await subscriptions?.stop();
      await deliveries?.stop();
    },
  };
}
