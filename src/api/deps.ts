// What the API's routes are given by the composition root.
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import type { Db } from '../db/database.ts';
import type { CommandHandler } from '../eventstore/command-handler.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { OrderPlacements } from '../processes/order-placement.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { Adapter } from '../integrations/adapter.ts';
import type { Projection } from '../projections/projection.ts';
import type { ReadModelClock } from '../projections/read-model-clock.ts';
import type { TokenService } from './auth.ts';
import type { Metrics } from './metrics.ts';

export type ReadinessCheck = { name: string; check: () => Promise<boolean> };

export type ApiDeps = {
  config: Config;
  db: Db;
  /** The pool behind `db`: for the few statements run as named (prepared) ones, which kysely cannot name. */
  pool: pg.Pool;
  store: EventStore;
  commands: CommandHandler;
  /** Order placement: decided on the write side, batched, one atomic append per batch. */
  placements: OrderPlacements;
  upcasting: Upcasting;
  tokens: TokenService;
  clock: ReadModelClock;
  projections: readonly Projection[];
  locks: AdvisoryLocks;
  metrics: Metrics;
  readiness: readonly ReadinessCheck[];
  /** The integration adapters this configuration enables. */
  adapters: readonly Adapter[];
};
