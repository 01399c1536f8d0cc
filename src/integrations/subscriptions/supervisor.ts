// Keeps the delivery runner's subscription adapters in step with the subscriptions: one adapter per
// subscription not deleted, started when it appears, stopped when it is deleted. A subscription's
// deliveries start after the event that created it, however long it takes to be picked up here.
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { NotificationType } from '../../domain/notifications/catalog.ts';
import { activeSubscriptionRows } from '../../projections/notifications/queries.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import type { Adapter } from '../adapter.ts';
import type { DeliveryRunner } from '../delivery-runner.ts';
import { abortableSleep } from '../../shared/sleep.ts';
import { createSubscriptionAdapter, subscriptionAdapterName, subscriptionIdOf, type OrderDealers } from './adapter.ts';
import { secretsOf } from './secrets.ts';
import type { UrlPolicy } from './url-policy.ts';

/** The adapter names of the subscriptions not deleted: adapters the workers run besides the configured ones. */
export async function subscriptionAdapterNames(db: Db): Promise<string[]> {
  return (await activeSubscriptionRows(db)).map((row) => subscriptionAdapterName(row.id));
}

export type SubscriptionSupervisorOptions = {
  db: Db;
  runner: DeliveryRunner;
  dealers: OrderDealers;
  policy: UrlPolicy;
  logger: Logger;
  pollMs?: number;
};

export class SubscriptionSupervisor {
  readonly #options: SubscriptionSupervisorOptions;
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: SubscriptionSupervisorOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      try {
        await this.reconcile();
      } catch (error) {
        if (signal.aborted) break;
        this.#options.logger.warn({ err: error }, 'could not read the webhook subscriptions; trying again');
      }
      await abortableSleep(this.#options.pollMs ?? 500, signal);
    }
  }

  /** Starts the adapters of new subscriptions and stops those of deleted ones. */
  async reconcile(): Promise<void> {
    const { db, runner, dealers, policy, logger } = this.#options;
    const active = await activeSubscriptionRows(db);
    const running = new Set(
      runner
        .running()
        .map(subscriptionIdOf)
        .filter((id) => id !== undefined),
    );
    const wanted = new Set(active.map((row) => row.id));
    for (const id of running) if (!wanted.has(id)) await runner.remove(subscriptionAdapterName(id));
    const added = active.filter((row) => !running.has(row.id));
    for (const adapter of await adaptersOf(db, added, { dealers, policy, logger })) runner.add(adapter);
  }
}

type AdapterNeeds = { dealers: OrderDealers; policy: UrlPolicy; logger: Logger };

/** The adapters of these subscriptions; one without a secret is left out, with an error logged. */
async function adaptersOf(
  db: Db,
  rows: Awaited<ReturnType<typeof activeSubscriptionRows>>,
  needs: AdapterNeeds,
): Promise<Adapter<RecordedEvent>[]> {
  const secrets = await secretsOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.flatMap((row) => {
    const secret = secrets.get(row.id);
    if (secret === undefined) {
      needs.logger.error({ subscriptionId: row.id }, 'a webhook subscription has no secret; it is not delivered');
      return [];
    }
    const subscription = {
      id: row.id,
      dealerId: row.dealer_id,
      url: row.url,
      events: row.events as NotificationType[],
      createdPosition: row.created_position,
    };
    return [createSubscriptionAdapter({ subscription, secret, dealers: needs.dealers, policy: needs.policy })];
  });
}

/** The adapter of the subscription an adapter name names, when it is one not deleted (for a replay). */
export async function subscriptionAdapterNamed(db: Db, name: string, needs: AdapterNeeds): Promise<Adapter<RecordedEvent> | undefined> {
  const id = subscriptionIdOf(name);
  if (id === undefined) return undefined;
  const [adapter] = await adaptersOf(
    db,
    (await activeSubscriptionRows(db)).filter((row) => row.id === id),
    needs,
  );
  return adapter;
}
