// The stock alerts process. It follows every stock stream, folding each one's state event by event
// with the stock decider, and asks the stream's alert decider (src/domain/notifications/stock-alerts.ts)
// whether the available quantity crossed the product's low-stock threshold; on a receipt it also
// asks whether the lot received is in an expiry tier. A product whose threshold changes has every
// warehouse it is stocked in looked at again. The decisions are appended to the alert streams, so
// alerts are facts of the write side, told once whatever replays or restarts.
//
// It runs as an adapter of the delivery runner (its "delivery" is the decision): checkpointed, one
// active instance, in order per stock stream, retried, dead-lettered, replayable. It starts at the
// head the first time, so a store's history raises no alerts.
import type { Logger } from 'pino';
import type { AdvisoryLocks } from '../db/advisory-lock.ts';
import { productDecider, productStream, productEventTypes, type ProductEvent } from '../domain/catalog/product.ts';
import type { ExpiryThresholds } from '../domain/inventory/expiry.ts';
import { stockDecider, stockEventTypes, stockLevel, stockStream, type StockEvent, type StockState } from '../domain/inventory/stock.ts';
import { stockingDecider, stockingStream } from '../domain/inventory/stocking.ts';
import { stockAlertDecider, stockAlertStream, type LotOnHand, type StockAlertCommand } from '../domain/notifications/stock-alerts.ts';
import { businessDayOf } from '../domain/shared/calendar.ts';
import type { CommandContext, CommandHandler } from '../eventstore/command-handler.ts';
import type { EventStore, RecordedEvent } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { Adapter } from '../integrations/adapter.ts';
import { abortableSleep } from '../shared/sleep.ts';

export const STOCK_ALERTS = 'stock-alerts';
const DAILY_LOCK = 'stock-alerts:daily-expiry';

export type StockAlertsDeps = {
  store: EventStore;
  commands: CommandHandler;
  upcasting: Upcasting;
  expiryTiers: ExpiryThresholds;
  now?: () => Date;
};

/** How many stock streams' folded states, and products' thresholds, are kept between events. */
const FOLDS_KEPT = 5_000;
const THRESHOLDS_KEPT = 100_000;

/** A map that forgets its least recently set entries beyond `capacity`. */
class Recent<Value> {
  readonly #entries = new Map<string, Value>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: string): Value | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: Value): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** Each stock stream's state just before and just after one of its events, folded forward from the last one seen. */
class StockFolds {
  readonly #folds = new Recent<{ revision: number; state: StockState }>(FOLDS_KEPT);
  readonly #store: EventStore;
  readonly #upcasting: Upcasting;

  constructor(store: EventStore, upcasting: Upcasting) {
    this.#store = store;
    this.#upcasting = upcasting;
  }

  async around(event: RecordedEvent): Promise<{ before: StockState; after: StockState }> {
    let fold = this.#folds.get(event.streamId);
    // A replay goes back in a stream: fold it again from its start.
    if (!fold || fold.revision >= event.revision) fold = { revision: -1, state: stockDecider.initialState };
    let before = fold.state;
    if (fold.revision < event.revision - 1) {
      const from = fold.revision + 1;
      const missing = await this.#store.readStream(event.streamId, { fromRevision: from, maxCount: event.revision - from });
      for (const recorded of missing) before = stockDecider.evolve(before, this.#upcasting.upcast(recorded) as unknown as StockEvent);
    }
    const after = stockDecider.evolve(before, event as unknown as StockEvent);
    this.#folds.set(event.streamId, { revision: event.revision, state: after });
    return { before, after };
  }
}

/** The lots a stock event brought into the warehouse: a receipt, a transfer in, goods returned into stock. */
function lotsBroughtIn(event: StockEvent): string[] {
  switch (event.type) {
    case 'StockReceived':
    case 'StockTransferredIn':
      return [event.data.lot];
    case 'StockReturned':
      return event.data.lots.filter((lot) => lot.disposition === 'restock').map((lot) => lot.lot);
    default:
      return [];
  }
}

export const lotsOnHand = (state: StockState, only?: readonly string[]): LotOnHand[] =>
  [...state.lots.values()]
    .filter((lot) => lot.qty > 0 && (!only || only.includes(lot.lot)))
    .map(({ lot, expiryDate, qty }) => ({ lot, expiryDate, qty }));

export type StockAlerts = {
  adapter: Adapter<null>;
  /** Evaluates the expiry tiers of the lots of these stock streams as of `now` (the daily evaluation). */
  evaluateExpiry(streams: readonly { sku: string; warehouseId: string }[], now: Date): Promise<void>;
};

export function createStockAlerts(deps: StockAlertsDeps): StockAlerts {
  const { commands, expiryTiers } = deps;
  const now = deps.now ?? (() => new Date());
  const folds = new StockFolds(deps.store, deps.upcasting);

  const contextOf = (cause: RecordedEvent | undefined, at: Date): CommandContext => ({
    actor: `system:${STOCK_ALERTS}`,
    role: 'admin',
    correlationId: cause?.metadata.correlationId ?? `${STOCK_ALERTS}-${businessDayOf(at)}`,
    causationId: cause?.id ?? null,
    now: at,
  });

  async function decide(sku: string, warehouseId: string, command: StockAlertCommand, context: CommandContext): Promise<void> {
    const handled = await commands.handle(stockAlertDecider, stockAlertStream(sku, warehouseId), command, context);
    // The alert decider never refuses; anything else is a bug worth a dead letter.
    if (!handled.ok) throw new Error(`The stock alerts of ${sku} at ${warehouseId} refused ${command.type}: ${handled.refusal.detail}`);
  }

  const thresholds = new Recent<number | null>(THRESHOLDS_KEPT);

  /** The product's low-stock threshold: none for a product without one, unknown, or discontinued. */
  async function thresholdOf(sku: string): Promise<number | null> {
    const known = thresholds.get(sku);
    if (known !== undefined) return known;
    const { state } = await commands.load(productDecider, productStream(sku));
    const threshold = state.exists && state.product.active ? (state.product.lowStockThreshold ?? null) : null;
    thresholds.set(sku, threshold);
    return threshold;
  }

  async function onStockEvent(event: RecordedEvent): Promise<void> {
    const stockEvent = event as unknown as StockEvent;
    const { sku, warehouseId } = stockEvent.data;
    const { before, after } = await folds.around(event);
    const observedAt = event.metadata.occurredAt;
    // The level as of the day the event happened: what crossed, crossed then.
    const day = businessDayOf(new Date(observedAt));
    const available = stockLevel(after, day).available;
    const threshold = await thresholdOf(sku);
    const context = contextOf(event, now());
    // Only an event that takes the level across the threshold can change what the alerts say (a
    // changed threshold is looked at when the product changes), so most events decide nothing here.
    const below = (level: number) => threshold !== null && level < threshold;
    if (below(stockLevel(before, day).available) !== below(available)) {
      await decide(
        sku,
        warehouseId,
        { type: 'ObserveStockLevel', data: { sku, warehouseId, stockRevision: event.revision, available, threshold, observedAt } },
        context,
      );
    }
    const brought = lotsBroughtIn(stockEvent);
    if (brought.length > 0) {
      const lots = lotsOnHand(after, brought);
      await decide(
        sku,
        warehouseId,
        { type: 'EvaluateLotExpiry', data: { sku, warehouseId, lots, today: businessDayOf(context.now), thresholds: expiryTiers } },
        context,
      );
    }
  }

  /** A threshold set, changed or dropped (or the product discontinued): every warehouse stocking the SKU is looked at as it is now. */
  async function onProductEvent(event: RecordedEvent): Promise<void> {
    const productEvent = event as unknown as ProductEvent;
    if (productEvent.type === 'ProductPricesSet') return;
    if (
      productEvent.type === 'ProductUpdated' &&
      !('lowStockThreshold' in productEvent.data.changes) &&
      !('active' in productEvent.data.changes)
    )
      return;
    // Registered without a threshold: nothing to look at (a threshold set later comes as an update).
    if (productEvent.type === 'ProductRegistered' && (productEvent.data.lowStockThreshold ?? null) === null) return;
    const { sku } = productEvent.data;
    // As it is now, as the stock is looked at as it is now: a replayed event must not mix then and now.
    thresholds.delete(sku);
    const threshold = await thresholdOf(sku);
    const { state: stocking } = await commands.load(stockingDecider, stockingStream(sku));
    const at = now();
    for (const warehouseId of stocking.warehouses.keys()) {
      const { state, revision } = await commands.load(stockDecider, stockStream(sku, warehouseId));
      const { available } = stockLevel(state, businessDayOf(at));
      const observe: StockAlertCommand = {
        type: 'ObserveStockLevel',
        data: { sku, warehouseId, stockRevision: revision, available, threshold, observedAt: at.toISOString() },
      };
      await decide(sku, warehouseId, observe, contextOf(event, at));
    }
  }

  const stockTypes: readonly string[] = stockEventTypes;

  return {
    adapter: {
      name: STOCK_ALERTS,
      filter: { eventTypes: [...stockEventTypes, ...productEventTypes] },
      startFrom: 'now',
      map: () => [{ contract: 'dealerline.stock-alerts.v1', payload: null }],
      deliver: (_delivery, { event }) => (stockTypes.includes(event.type) ? onStockEvent(event) : onProductEvent(event)),
    },

    async evaluateExpiry(streams, at) {
      const today = businessDayOf(at);
      for (const { sku, warehouseId } of streams) {
        const { state } = await commands.load(stockDecider, stockStream(sku, warehouseId));
        const lots = lotsOnHand(state);
        if (lots.length === 0) continue;
        await decide(
          sku,
          warehouseId,
          { type: 'EvaluateLotExpiry', data: { sku, warehouseId, lots, today, thresholds: expiryTiers } },
          contextOf(undefined, at),
        );
      }
    },
  };
}

export type DailyExpiryOptions = {
  alerts: StockAlerts;
  /** The stock streams worth a look on a day: those holding lots within the blue tier. */
  /** The stock streams with lots to look at today; `signal` aborts when the evaluation stops. */
  candidates: (today: string, signal: AbortSignal) => Promise<readonly { sku: string; warehouseId: string }[]>;
  locks: AdvisoryLocks;
  logger: Logger;
  now?: () => Date;
  checkEveryMs?: number;
};

/**
 * Lots enter a tier as days pass, with no event to tell: once a day (and when a worker starts) the
 * lots within the blue tier are evaluated. One worker does it (an advisory lock), the others stand by.
 */
export class DailyExpiryEvaluation {
  readonly #options: DailyExpiryOptions;
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  readonly #evaluated = Promise.withResolvers<void>();
  /** Resolves once this worker has evaluated the lots for the first time (or stopped). */
  readonly firstEvaluation = this.#evaluated.promise;

  constructor(options: DailyExpiryOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
    this.#evaluated.resolve();
    await this.#options.locks.unlock(DAILY_LOCK);
  }

  async #run(): Promise<void> {
    const { alerts, candidates, locks, logger } = this.#options;
    const now = this.#options.now ?? (() => new Date());
    const signal = this.#stopping.signal;
    let done: string | undefined;
    while (!signal.aborted) {
      const at = now();
      const today = businessDayOf(at);
      try {
        if (today !== done && (await locks.tryLock(DAILY_LOCK))) {
          const streams = await candidates(today, signal);
          await alerts.evaluateExpiry(streams, at);
          done = today;
          this.#evaluated.resolve();
          logger.info({ today, streams: streams.length }, 'expiry tiers evaluated');
        }
      } catch (error) {
        if (signal.aborted) break;
        logger.warn({ err: error }, 'the daily expiry evaluation failed; trying again');
      }
      await abortableSleep(this.#options.checkEveryMs ?? 60_000, signal);
    }
  }
}
