// Valid commands at the edges of what the API accepts, for property tests: the longest texts in
// any script, the first and last days of the calendar, the largest quantities and prices. Each
// step is drawn without knowing the world; it picks the products, dealers and orders it acts on
// when it runs, from those the earlier steps created.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { businessDayOf } from '../../src/domain/shared/calendar.ts';
import {
  EARLIEST_DATE,
  LATEST_DATE,
  MAX_QUANTITY,
  MAX_UNIT_PRICE_MINOR,
  isoDateSchema,
  isoDateTimeSchema,
} from '../../src/domain/shared/values.ts';
import type { ApiResponse, TestApp } from './app.ts';

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.parse(`${EARLIEST_DATE}T00:00:00Z`) / DAY_MS;
const LAST_DAY = Date.parse(`${LATEST_DATE}T00:00:00Z`) / DAY_MS;
const MAX_MONEY = 1_000_000_000_000;

/** An integer in [min, max], drawn towards both ends. */
const edgy = (min: number, max: number) =>
  fc.oneof({ arbitrary: fc.constantFrom(min, max), weight: 2 }, { arbitrary: fc.integer({ min, max }), weight: 3 });

/** At most `max` UTF-16 units, never splitting a surrogate pair. */
function fit(text: string, max: number): string {
  let fitted = '';
  for (const character of text) {
    if (fitted.length + character.length > max) break;
    fitted += character;
  }
  return fitted;
}

const SPECIAL = ['茶', '𝄞', 'é', '\u0301', '👍🏽', "'", '"', '\\', '%', '\n', '\t', '\u200b', '\u202e', ';', '<', '$1'];

/** Free text of 1 to `max` units once trimmed: any script and symbol, but no NUL (refused at the door). */
export function text(max: number): fc.Arbitrary<string> {
  const character = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  return fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: Math.min(max, 40) }),
      fc.array(character, { minLength: max, maxLength: max }).map((chars) => chars.join('')),
    )
    .map((value) => fit(value.replaceAll('\u0000', '_'), max))
    .filter((value) => value.trim().length > 0);
}

/** Codes of the API's patterns (ids, SKUs, lots, tiers, regions), drawn long and short. */
const code = (pattern: RegExp) => fc.stringMatching(pattern);
export const idPart = code(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/);
export const lotCode = code(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/);
export const tier = code(/^[a-z][a-z0-9_-]{0,31}$/);
export const regionCode = code(/^[A-Z0-9][A-Z0-9-]{0,15}$/);

const dayOf = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
const todayNumber = () => Math.floor(Date.now() / DAY_MS);

/** Year 0 and the day before the calendar: drawn, and kept only if the API's schema takes them. */
const YEAR_ZERO = Date.parse('0000-01-01T00:00:00Z') / DAY_MS;

/**
 * A day number, often at an edge of the calendar or near today. What is valid is the schema's
 * call, not this file's: days it refuses are filtered out.
 */
const dayNumber = fc
  .oneof(
    { arbitrary: fc.constantFrom(YEAR_ZERO, FIRST_DAY - 1, FIRST_DAY, LAST_DAY, FIRST_DAY + 1, LAST_DAY - 1), weight: 2 },
    { arbitrary: fc.integer({ min: todayNumber() - 400, max: todayNumber() + 800 }), weight: 2 },
    { arbitrary: fc.integer({ min: FIRST_DAY, max: LAST_DAY }), weight: 1 },
  )
  .filter((day) => isoDateSchema.safeParse(dayOf(day)).success);

/** Two days, the first before the second (a lot's production and expiry). */
export const dayPair = fc.tuple(dayNumber, dayNumber).map(([a, b]) => {
  const [low, high] = a < b ? [a, b] : a > b ? [b, a] : a === LAST_DAY ? [a - 1, a] : [a, a + 1];
  return [dayOf(low), dayOf(high)] as const;
});

/** An instant as ISO 8601 with an offset (within ±14:00) that keeps the local time four-digit. */
function instantText(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (offsetMinutes === 0 || year < 1 || year > 9999) return new Date(ms).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.toISOString().slice(0, 23)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const instantMs = fc.oneof(
  dayNumber.map((day) => day * DAY_MS),
  fc.constant((LAST_DAY + 1) * DAY_MS - 1),
  fc.integer({ min: Date.now() - 30 * DAY_MS, max: Date.now() + 30 * DAY_MS }),
);

const offset = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -56, max: 56 }).map((quarters) => quarters * 15),
);

export const instant = fc
  .tuple(instantMs, offset)
  .map(([ms, minutes]) => instantText(ms, minutes))
  .filter((value) => isoDateTimeSchema.safeParse(value).success);

/** Two instants, the first before the second (a promotion's window). */
export const instantPair = fc
  .tuple(instantMs, instantMs, offset, offset)
  .map(([a, b, offsetA, offsetB]) => {
    const [low, high] = a < b ? [a, b] : a > b ? [b, a] : [a - 1, a];
    return [instantText(low, offsetA), instantText(high, offsetB)] as const;
  })
  .filter((pair) => pair.every((value) => isoDateTimeSchema.safeParse(value).success));

export const quantity = edgy(1, MAX_QUANTITY);
export const unitPrice = edgy(0, MAX_UNIT_PRICE_MINOR);
export const money = edgy(1, MAX_MONEY);

/** A GTIN-13 with its check digit. */
export const gtin = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }).map((digits) => {
  const sum = [...digits].reverse().reduce((total, digit, index) => total + digit * (index % 2 === 0 ? 3 : 1), 0);
  return `${digits.join('')}${(10 - (sum % 10)) % 10}`;
});

/** A step: what it does, with the values it was drawn; `pick` chooses among what exists. */
export type Step = { kind: string; pick: number; values: Record<string, unknown> };

const step = (kind: string, values: fc.Arbitrary<Record<string, unknown>>) =>
  fc.record({ kind: fc.constant(kind), pick: fc.nat(), values });

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const promotionRule = fc.oneof(
  fc.record({
    kind: fc.constant('percent_off'),
    rule: fc.record({ percent: fc.integer({ min: 1, max: 10_000 }).map((basis) => basis / 100) }),
  }),
  fc.record({ kind: fc.constant('amount_off'), rule: fc.record({ amountMinor: money, per: fc.constantFrom('unit', 'line') }) }),
  fc.record({
    kind: fc.constant('spend_threshold'),
    rule: fc
      .tuple(money, money, fc.boolean())
      .map(([a, b, repeat]) => ({ minSpendMinor: Math.max(a, b), amountOffMinor: Math.min(a, b), repeat })),
  }),
  fc.record({ kind: fc.constant('buy_x_get_y'), rule: fc.record({ buyQty: quantity, getQty: quantity, maxGiftQty: optional(quantity) }) }),
  fc.record({
    kind: fc.constant('bundle_price'),
    rule: fc.record({ priceMinor: money, maxBundles: optional(quantity), qty: fc.integer({ min: 2, max: MAX_QUANTITY }) }),
  }),
  fc.record({
    kind: fc.constant('tiered_quantity'),
    rule: fc.uniqueArray(quantity, { minLength: 1, maxLength: 20 }).chain((minQtys) =>
      fc.array(money, { minLength: minQtys.length, maxLength: minQtys.length }).map((offs) => ({
        breaks: [...minQtys].sort((a, b) => a - b).map((minQty, index) => ({ minQty, unitOffMinor: offs[index]! })),
      })),
    ),
  }),
);

/** Every kind of command the API takes, with values drawn towards the edges of its schema. */
export const steps: fc.Arbitrary<Step>[] = [
  step(
    'product',
    fc.record({
      sku: idPart,
      name: text(200),
      brand: text(100),
      category: text(100),
      unit: text(20),
      gtin: optional(gtin),
      caseSize: optional(edgy(1, 10_000)),
      shelfLifeDays: optional(edgy(1, 3_650)),
      basePriceMinor: unitPrice,
      currency: fc.constantFrom('CNY', 'CNY', 'USD'),
      lowStockThreshold: optional(fc.option(edgy(0, 1_000_000), { nil: null })),
    }),
  ),
  step(
    'productChange',
    fc.record({
      name: optional(text(200)),
      category: optional(text(100)),
      basePriceMinor: optional(unitPrice),
      lowStockThreshold: optional(fc.option(edgy(0, 1_000_000), { nil: null })),
      active: optional(fc.constantFrom(true, true, true, false)),
    }),
  ),
  step('prices', fc.record({ tiers: fc.dictionary(tier, unitPrice, { maxKeys: 5 }), dealerPrice: optional(unitPrice) })),
  step(
    'dealer',
    fc.record({
      id: idPart,
      name: text(200),
      tier: fc.oneof(tier, fc.constant('gold')),
      territories: fc.uniqueArray(regionCode, { minLength: 1, maxLength: 200 }),
      paymentTermsDays: edgy(0, 365),
      prepay: fc.boolean(),
      creditLimitMinor: edgy(0, MAX_MONEY),
    }),
  ),
  step(
    'dealerChange',
    fc.oneof(
      fc.record({
        path: fc.constant('territories'),
        method: fc.constant('PUT'),
        body: fc.record({ territories: fc.uniqueArray(regionCode, { minLength: 1, maxLength: 20 }) }),
      }),
      fc.record({ path: fc.constant('tier'), method: fc.constant('PUT'), body: fc.record({ tier }) }),
      fc.record({ path: fc.constant('credit-limit'), method: fc.constant('PUT'), body: fc.record({ limitMinor: edgy(0, MAX_MONEY) }) }),
      fc.record({
        path: fc.constant('payment-terms'),
        method: fc.constant('PUT'),
        body: fc.record({ paymentTermsDays: edgy(0, 365), prepay: fc.boolean() }),
      }),
      fc.record({ path: fc.constant('suspend'), method: fc.constant('POST'), body: fc.record({ reason: text(500) }) }),
      fc.record({ path: fc.constant('reinstate'), method: fc.constant('POST'), body: fc.constant({}) }),
      fc.record({
        path: fc.constant('payments'),
        method: fc.constant('POST'),
        body: fc.record({ amountMinor: money, reference: text(100) }),
      }),
      fc.record({
        path: fc.constant('credit-notes'),
        method: fc.constant('POST'),
        body: fc.record({ amountMinor: money, reason: text(500) }),
      }),
    ),
  ),
  step('warehouse', fc.record({ id: idPart, name: text(200), regionCode })),
  step('receipt', fc.record({ lot: lotCode, dates: dayPair, qty: quantity })),
  step('adjustment', fc.record({ delta: fc.oneof(edgy(1, MAX_QUANTITY), edgy(-MAX_QUANTITY, -1)), reason: text(500) })),
  step('transfer', fc.record({ qty: quantity, otherPick: fc.nat() })),
  step('writeOff', fc.record({ all: fc.boolean() })),
  step(
    'promotion',
    fc.record({
      title: text(200),
      window: instantPair,
      rule: promotionRule,
      stackable: fc.boolean(),
      priority: edgy(0, 1_000),
      caps: fc.record({ perDealer: optional(quantity), total: optional(quantity) }),
    }),
  ),
  step('promotionEnd', fc.record({ reason: text(500) })),
  step(
    'order',
    fc.record({
      lines: fc.array(
        fc.record({
          pick: fc.nat(),
          qty: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 5 }), weight: 3 }, { arbitrary: quantity, weight: 1 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      deliveryAddress: optional(text(500)),
      note: optional(text(1_000)),
      onBehalf: fc.boolean(),
    }),
  ),
  step('orderDecision', fc.record({ action: fc.constantFrom('approve', 'reject', 'cancel'), text: text(500) })),
  step(
    'shipment',
    fc.record({ share: fc.double({ min: 0, max: 1, noNaN: true }), carrier: optional(text(100)), trackingNumber: optional(text(100)) }),
  ),
  step('delivery', fc.record({ deliveredAt: optional(instant), receivedBy: optional(text(200)) })),
  step('orderPayment', fc.record({ amountMinor: money, reference: text(100) })),
  step('complete', fc.constant({})),
  step('returnRequest', fc.record({ qty: quantity, reason: text(500) })),
  step(
    'returnAction',
    fc.record({
      action: fc.constantFrom('approve', 'reject', 'receive', 'refund'),
      reason: text(500),
      disposition: fc.constantFrom('restock', 'quarantine'),
    }),
  ),
  step(
    'webhookPayment',
    fc.record({ id: idPart, amountMinor: money, reference: text(100), occurredAt: optional(instant), forOrder: fc.boolean() }),
  ),
  step(
    'webhookLogistics',
    fc.record({ id: idPart, deliveredAt: optional(instant), receivedBy: optional(text(200)), carrier: optional(text(100)) }),
  ),
];

/**
 * One order from placement to refund, with every value it carries drawn: its own warehouse,
 * product, stock and dealer, so that it is approved, ships, is delivered, returned and refunded.
 */
export const fulfilment = step(
  'fulfilment',
  fc.record({
    price: unitPrice,
    qty: fc.oneof(fc.integer({ min: 1, max: 5 }), quantity),
    prepay: fc.boolean(),
    note: optional(text(1_000)),
    deliveryAddress: optional(text(500)),
    carrier: optional(text(100)),
    trackingNumber: optional(text(100)),
    deliveredOffset: optional(offset),
    receivedBy: optional(text(200)),
    reference: text(100),
    reason: text(500),
    disposition: fc.constantFrom('restock', 'quarantine'),
  }),
);

/** What the steps created so far, for later steps to act on. */
export type World = {
  skus: string[];
  dealers: { id: string; territory: string }[];
  warehouses: { id: string; region: string }[];
  promotions: string[];
  orders: { id: string; dealerId: string; lines: { sku: string; qty: number }[] }[];
  shipments: { orderId: string; shipmentId: string }[];
  returns: { orderId: string; returnId: string; lines: { sku: string; qty: number }[] }[];
  lots: { sku: string; warehouseId: string; lot: string; expiryDate: string }[];
};

export const emptyWorld = (): World => ({
  skus: [],
  dealers: [],
  warehouses: [],
  promotions: [],
  orders: [],
  shipments: [],
  returns: [],
  lots: [],
});

export type WebhookSecrets = { payments: string; logistics: string };

const choose = <T>(items: readonly T[], pick: number): T | undefined => (items.length === 0 ? undefined : items[pick % items.length]);

function signed(secret: string, body: string): string {
  const t = Math.floor(Date.now() / 1_000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/**
 * Runs one step against the app and records what it created; undefined when there was nothing to
 * act on yet. `unique` makes each created id new.
 */
export async function runStep(
  app: TestApp,
  world: World,
  { kind, pick, values: v }: Step,
  unique: () => string,
  secrets: WebhookSecrets,
): Promise<ApiResponse | undefined> {
  const ops = app.token('ops');
  const sku = choose(world.skus, pick);
  const dealerId = choose(world.dealers, pick)?.id;
  const warehouseId = choose(world.warehouses, pick)?.id;
  // Recent orders: those the steps before may have approved, shipped or delivered.
  const order = choose(world.orders.slice(-3), pick);
  const id = (part: unknown) => `${String(part).slice(0, 50)}-${unique()}`;
  const post = (path: string, body: unknown, token = ops) => app.request('POST', path, { token, body });
  switch (kind) {
    case 'product': {
      const response = await post('/v1/products', { ...v, sku: id(v.sku) });
      if (response.status === 201) world.skus.push(response.body.sku);
      return response;
    }
    case 'productChange':
      if (!sku || Object.values(v).every((value) => value === undefined)) return undefined;
      return app.request('PATCH', `/v1/products/${sku}`, { token: ops, body: v });
    case 'prices':
      if (!sku) return undefined;
      return app.request('PUT', `/v1/products/${sku}/prices`, {
        token: ops,
        body: { tiers: v.tiers, dealers: dealerId && v.dealerPrice !== undefined ? { [dealerId]: v.dealerPrice } : {} },
      });
    case 'dealer': {
      const response = await post('/v1/dealers', { ...v, id: id(v.id) });
      if (response.status === 201) world.dealers.push({ id: response.body.id, territory: response.body.territories[0] });
      return response;
    }
    case 'dealerChange': {
      if (!dealerId) return undefined;
      const change = v as { path: string; method: string; body: unknown };
      return app.request(change.method, `/v1/dealers/${dealerId}/${change.path}`, {
        token: ['payments', 'credit-notes'].includes(change.path) ? app.token('finance') : ops,
        body: change.body,
      });
    }
    case 'warehouse': {
      // Often where a dealer may order for, so that orders find stock and ship.
      const served = pick % 3 === 0 ? v.regionCode : (choose(world.dealers, pick)?.territory ?? v.regionCode);
      const response = await post('/v1/warehouses', { ...v, id: id(v.id), regionCode: served });
      if (response.status === 201) world.warehouses.push({ id: response.body.id, region: response.body.regionCode });
      return response;
    }
    case 'receipt': {
      if (!sku || !warehouseId) return undefined;
      const [productionDate, expiryDate] = v.dates as [string, string];
      const response = await post('/v1/stock/receipts', { sku, warehouseId, lot: v.lot, productionDate, expiryDate, qty: v.qty });
      if (response.status === 201) world.lots.push({ sku, warehouseId, lot: v.lot as string, expiryDate });
      return response;
    }
    case 'adjustment': {
      const lot = choose(world.lots, pick);
      if (!lot) return undefined;
      return post('/v1/stock/adjustments', { sku: lot.sku, warehouseId: lot.warehouseId, lot: lot.lot, delta: v.delta, reason: v.reason });
    }
    case 'transfer': {
      const lot = choose(world.lots, pick);
      const to = choose(
        world.warehouses.filter((candidate) => candidate.id !== lot?.warehouseId),
        v.otherPick as number,
      )?.id;
      if (!lot || !to) return undefined;
      return post('/v1/stock/transfers', { sku: lot.sku, fromWarehouseId: lot.warehouseId, toWarehouseId: to, lot: lot.lot, qty: v.qty });
    }
    case 'writeOff':
      return post('/v1/stock/write-offs', v.all || !sku || !warehouseId ? {} : { sku, warehouseId });
    case 'promotion': {
      const { kind: promotionKind, rule } = v.rule as { kind: string; rule: Record<string, unknown> };
      const bundle = promotionKind === 'bundle_price';
      if ((bundle || (promotionKind === 'buy_x_get_y' && pick % 2 === 0)) && !sku) return undefined;
      const { qty, ...bundleRule } = rule;
      const shaped = bundle
        ? { ...bundleRule, items: [{ sku, qty }] }
        : promotionKind === 'buy_x_get_y' && pick % 2 === 0
          ? { ...rule, giftSku: sku }
          : rule;
      const [startsAt, endsAt] = v.window as [string, string];
      const caps = Object.fromEntries(Object.entries(v.caps as object).filter(([, value]) => value !== undefined));
      const response = await post('/v1/promotions', {
        title: v.title,
        kind: promotionKind,
        rule: shaped,
        startsAt,
        endsAt,
        stackable: v.stackable,
        priority: v.priority,
        caps,
      });
      if (response.status === 201) world.promotions.push(response.body.id);
      return response;
    }
    case 'promotionEnd': {
      const promotionId = choose(world.promotions, pick);
      return promotionId ? post(`/v1/promotions/${promotionId}/end`, { reason: v.reason }) : undefined;
    }
    case 'order': {
      const dealer = choose(world.dealers, pick);
      if (!dealer || world.skus.length === 0) return undefined;
      // Mostly SKUs in stock where the dealer orders for, so that orders are approved and ship.
      const regional = world.warehouses.filter((warehouse) => warehouse.region === dealer.territory).map((warehouse) => warehouse.id);
      const today = businessDayOf(new Date());
      const stocked = world.lots.filter((lot) => regional.includes(lot.warehouseId) && lot.expiryDate > today).map((lot) => lot.sku);
      const offered = stocked.length > 0 && pick % 4 !== 0 ? stocked : world.skus;
      const bySku = new Map<string, number>();
      for (const line of v.lines as { pick: number; qty: number }[]) bySku.set(choose(offered, line.pick)!, line.qty);
      const lines = [...bySku].map(([lineSku, qty]) => ({ sku: lineSku, qty }));
      const body = {
        lines,
        regionCode: dealer.territory,
        deliveryAddress: v.deliveryAddress,
        note: v.note,
        ...(v.onBehalf ? { dealerId: dealer.id } : {}),
      };
      const response = await post('/v1/orders', body, v.onBehalf ? ops : app.token('dealer', dealer.id));
      if (response.status === 201) world.orders.push({ id: response.body.id, dealerId: dealer.id, lines });
      return response;
    }
    case 'orderDecision': {
      if (!order) return undefined;
      return post(`/v1/orders/${order.id}/${String(v.action)}`, { [v.action === 'approve' ? 'note' : 'reason']: v.text });
    }
    case 'shipment': {
      if (!order) return undefined;
      const lines = order.lines.map((line) => ({ sku: line.sku, qty: Math.max(1, Math.round(line.qty * (v.share as number))) }));
      const response = await post(`/v1/orders/${order.id}/shipments`, { lines, carrier: v.carrier, trackingNumber: v.trackingNumber });
      if (response.status === 201) world.shipments.push({ orderId: order.id, shipmentId: response.body.shipmentId });
      return response;
    }
    case 'delivery': {
      const shipment = choose(world.shipments, pick);
      return shipment
        ? post(`/v1/orders/${shipment.orderId}/deliveries`, {
            shipmentId: shipment.shipmentId,
            deliveredAt: v.deliveredAt,
            receivedBy: v.receivedBy,
          })
        : undefined;
    }
    case 'orderPayment':
      return order ? post(`/v1/orders/${order.id}/payments`, v, app.token('finance')) : undefined;
    case 'complete':
      return order ? post(`/v1/orders/${order.id}/complete`, {}) : undefined;
    case 'returnRequest': {
      if (!order) return undefined;
      const lines = [{ sku: order.lines[0]!.sku, qty: Math.min(v.qty as number, order.lines[0]!.qty), reason: v.reason }];
      const response = await post(`/v1/orders/${order.id}/returns`, { lines }, app.token('dealer', order.dealerId));
      if (response.status === 201) world.returns.push({ orderId: order.id, returnId: response.body.returnId, lines });
      return response;
    }
    case 'returnAction': {
      const held = choose(world.returns, pick);
      if (!held) return undefined;
      const path = `/v1/orders/${held.orderId}/returns/${held.returnId}/${String(v.action)}`;
      if (v.action === 'reject') return post(path, { reason: v.reason });
      if (v.action !== 'receive') return post(path, {});
      const into = choose(world.warehouses, pick)?.id;
      return into
        ? post(path, {
            lines: held.lines.map(({ sku: lineSku, qty }) => ({ sku: lineSku, qty, warehouseId: into, disposition: v.disposition })),
          })
        : undefined;
    }
    case 'webhookPayment': {
      if (!dealerId) return undefined;
      const target = v.forOrder && order ? { orderId: order.id, dealerId: order.dealerId } : { dealerId };
      const raw = JSON.stringify({
        id: id(v.id),
        type: 'payment.succeeded',
        occurredAt: v.occurredAt,
        data: { ...target, amountMinor: v.amountMinor, reference: v.reference },
      });
      return app.request('POST', '/v1/webhooks/payments', {
        raw,
        headers: { 'content-type': 'application/json', 'x-signature': signed(secrets.payments, raw) },
      });
    }
    case 'webhookLogistics': {
      const shipment = choose(world.shipments, pick);
      if (!shipment && !order) return undefined;
      const data = shipment
        ? {
            type: 'shipment.delivered',
            data: { orderId: shipment.orderId, shipmentId: shipment.shipmentId, deliveredAt: v.deliveredAt, receivedBy: v.receivedBy },
          }
        : { type: 'shipment.dispatched', data: { orderId: order!.id, shipmentId: id(v.id), carrier: v.carrier } };
      const raw = JSON.stringify({ id: id(v.id), ...data });
      return app.request('POST', '/v1/webhooks/logistics', {
        raw,
        headers: { 'content-type': 'application/json', 'x-signature': signed(secrets.logistics, raw) },
      });
    }
    case 'fulfilment':
      return fulfil(app, world, v, unique);
    default:
      throw new Error(`unknown step ${kind}`);
  }
}

/** The fulfilment step: each stage must be accepted, or the answer that refused it is returned. */
async function fulfil(app: TestApp, world: World, v: Record<string, unknown>, unique: () => string): Promise<ApiResponse> {
  const ops = app.token('ops');
  const finance = app.token('finance');
  const name = `F-${unique()}`;
  const stages: [path: string, body: unknown, token: string][] = [
    ['/v1/warehouses', { id: name, name, regionCode: 'CN-31' }, ops],
    ['/v1/products', { sku: name, name, brand: 'B', category: 'c', unit: 'case', basePriceMinor: v.price }, ops],
    [
      '/v1/stock/receipts',
      { sku: name, warehouseId: name, lot: name, productionDate: '2026-01-01', expiryDate: LATEST_DATE, qty: MAX_QUANTITY },
      ops,
    ],
    ['/v1/dealers', { id: name, name, tier: 'gold', territories: ['CN-31'], creditLimitMinor: MAX_MONEY, prepay: v.prepay }, ops],
  ];
  for (const [path, body, token] of stages) {
    const response = await app.request('POST', path, { token, body });
    if (response.status >= 300) return response;
  }
  world.skus.push(name);
  const dealer = app.token('dealer', name);
  const order = await app.request('POST', '/v1/orders', {
    token: dealer,
    body: { lines: [{ sku: name, qty: v.qty }], regionCode: 'CN-31', note: v.note, deliveryAddress: v.deliveryAddress },
  });
  if (order.status !== 201 || order.body.status === 'on_hold' || order.body.status === 'rejected') return order;
  const orderId: string = order.body.id;
  world.orders.push({ id: orderId, dealerId: name, lines: [{ sku: name, qty: v.qty as number }] });
  const total: number = order.body.totals.totalMinor;
  const onOrder = (path: string, body: unknown, token = ops) => app.request('POST', `/v1/orders/${orderId}${path}`, { token, body });
  // One payment moves at most MAX_MONEY: a larger prepay order is paid in parts.
  for (let paid = 0, part = 0; v.prepay && paid < total; part++) {
    const amountMinor = Math.min(MAX_MONEY, total - paid);
    const payment = await onOrder('/payments', { amountMinor, reference: `${fit(v.reference as string, 90)}#${part}` }, finance);
    if (payment.status >= 300) return payment;
    paid += amountMinor;
  }
  const shipped = await onOrder('/shipments', { lines: [{ sku: name, qty: v.qty }], carrier: v.carrier, trackingNumber: v.trackingNumber });
  if (shipped.status >= 300) return shipped;
  const shipmentId: string = shipped.body.shipmentId;
  world.shipments.push({ orderId, shipmentId });
  // A delivery lies between its shipment and now: the instant is now, in the drawn offset.
  const deliveredAt = v.deliveredOffset === undefined ? undefined : instantText(Date.now(), v.deliveredOffset as number);
  const delivered = await onOrder('/deliveries', { shipmentId, deliveredAt, receivedBy: v.receivedBy });
  if (delivered.status >= 300) return delivered;
  const requested = await onOrder('/returns', { lines: [{ sku: name, qty: v.qty, reason: v.reason }] }, dealer);
  if (requested.status >= 300) return requested;
  const returnId: string = requested.body.returnId;
  const onReturn = (action: string, body: unknown) => onOrder(`/returns/${returnId}/${action}`, body);
  for (const [action, body] of [
    ['approve', {}],
    ['receive', { lines: [{ sku: name, qty: v.qty, warehouseId: name, disposition: v.disposition }] }],
    ['refund', {}],
  ] as const) {
    const response = await onReturn(action, body);
    if (response.status >= 300) return response;
  }
  return onOrder('/complete', {});
}
