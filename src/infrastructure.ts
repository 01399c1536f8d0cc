// What the API, the workers and the CLI commands share, as one object: opened by the composition
// root (main.ts, `openInfrastructure`), used by everything it starts. Types only, so the CLI
// commands depend on this shape and not on the composition root.
import type { Logger } from 'pino';
import type pg from 'pg';
import type { TokenService } from './api/auth.ts';
import type { Metrics } from './api/metrics.ts';
import type { Config } from './config.ts';
import type { AdvisoryLocks } from './db/advisory-lock.ts';
import type { Db } from './db/database.ts';
import type { CommandHandler } from './eventstore/command-handler.ts';
import type { EventStore } from './eventstore/port.ts';
import type { Upcasting } from './eventstore/upcasting.ts';
import type { Adapter } from './integrations/adapter.ts';
import type { OrderPlacements } from './processes/order-placement.ts';
import type { StockAlerts } from './processes/stock-alerts.ts';
import type { Projection } from './projections/projection.ts';

/** Everything the API, the workers and the CLI share. */
export type Infrastructure = {
  config: Config;
  logger: Logger;
  pool: pg.Pool;
  db: Db;
  store: EventStore;
  /**
   * The projections' own connections (and event store reads over them): under load they must not
   * queue behind the API's queries for a connection, or the read models fall behind.
   */
  projectionDb: Db;
  /** The same connections, pipelined (src/db/pipeline.ts): the projections' batch pages in one round trip. */
  projectionPipelinedDb: Db;
  projectionStore: EventStore;
  upcasting: Upcasting;
  commands: CommandHandler;
  placements: OrderPlacements;
  locks: AdvisoryLocks;
  tokens: TokenService;
  metrics: Metrics;
  projections: readonly Projection[];
  /** Enabled integration adapters (and the stock alerts, run as one); connected only where workers run them. */
  adapters: readonly Adapter[];
  stockAlerts: StockAlerts;
  close: () => Promise<void>;
};
