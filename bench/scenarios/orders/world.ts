// The ordering scenarios' world, seeded through the real API: warehouses, a catalog with plenty of
// stock in each warehouse, dealers (each with its own token), promotions; then the read models
// are waited for with `minPosition`. Also the order bodies both scenarios send.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppServer } from '../../harness/app-server.ts';
import type { HttpAnswer, HttpRequestSpec } from '../../harness/http-load.ts';

/** Two warehouses in two regions; dealers alternate between the regions (always their own territory). */
export const WAREHOUSES = [
  { id: 'W-SH', name: 'Shanghai DC', regionCode: 'CN-31' },
  { id: 'W-GZ', name: 'Guangzhou DC', regionCode: 'CN-44' },
] as const;

const BRANDS = ['Jade Spring', 'Golden Harvest', 'Red Lantern', 'Panda Foods', 'Blue River Dairy', 'Mountain Mist'];
const CATEGORIES = ['beverages', 'dairy', 'snacks', 'noodles', 'condiments'];
/** Plenty: no SKU of the spread load runs short (quantitySchema allows at most 1 000 000 per receipt). */
const PLENTY = 1_000_000;
/** Generous: 10 000 000 000.00 CNY, the most a credit limit may be. */
const CREDIT_LIMIT_MINOR = 1_000_000_000_000;

export type Dealer = { id: string; regionCode: string; token: string };

export type World = { skus: string[]; dealers: Dealer[]; position: string };

/** A tiny deterministic PRNG (mulberry32), so that every run orders the same kind of carts. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export type Api = {
  post: (path: string, body: unknown, token?: string) => Promise<Record<string, unknown>>;
  get: (path: string, token?: string) => Promise<unknown>;
  /** The highest `position` any command through this helper answered with. */
  readonly position: string;
};

export function apiOf(server: AppServer): Api {
  const admin = server.token('admin');
  let position = '0';
  const api: Api = {
    get position() {
      return position;
    },
    async post(path, body, token = admin) {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (response.status === 503 && attempt < 5) {
          await sleep(200 * attempt);
          continue;
        }
        if (response.status !== 201 && response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${text.slice(0, 500)}`);
        const json = JSON.parse(text) as Record<string, unknown>;
        if (typeof json.position === 'string' && BigInt(json.position) > BigInt(position)) position = json.position;
        return json;
      }
    },
    async get(path, token = admin) {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        const text = await response.text();
        // minPosition waits 5 s at most, then answers 503: the read models are still catching up.
        if (response.status === 503 && attempt < 60) continue;
        if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 500)}`);
        return JSON.parse(text) as unknown;
      }
    },
  };
  return api;
}

/** Runs `work` over `items` with at most `parallel` at once. */
export async function inParallel<T>(
  items: readonly T[],
  parallel: number,
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** A base price of 10.00-14.99 CNY: carts of similar totals, so that no order looks like a value spike to the risk rules. */
export const priceOf = (index: number) => 1_000 + ((index * 37) % 500);

/** Registers a product and receives `perWarehouse` units of it into each warehouse (one lot, a year to expiry). */
export async function stockedProduct(api: Api, sku: string, index: number, perWarehouse: readonly number[]): Promise<void> {
  await api.post('/v1/products', {
    sku,
    name: `${BRANDS[index % BRANDS.length]} item ${index}`,
    brand: BRANDS[index % BRANDS.length],
    category: CATEGORIES[index % CATEGORIES.length],
    unit: 'case',
    caseSize: 12,
    shelfLifeDays: 365,
    basePriceMinor: priceOf(index),
    currency: 'CNY',
  });
  await Promise.all(
    WAREHOUSES.filter((_, w) => (perWarehouse[w] ?? 0) > 0).map((warehouse) =>
      api.post('/v1/stock/receipts', {
        sku,
        warehouseId: warehouse.id,
        lot: `L-${sku}-${warehouse.id}`,
        productionDate: isoDay(-10),
        expiryDate: isoDay(355),
        qty: perWarehouse[WAREHOUSES.indexOf(warehouse)],
      }),
    ),
  );
}

export const activeWindow = () => ({
  startsAt: new Date(Date.now() - 86_400_000).toISOString(),
  endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
});

/**
 * Warehouses, `products` SKUs (`BO-00001` …) with plenty of stock in both, `dealers` gold dealers
 * (`BD-0001` …, territory = their region, generous credit) and an uncapped 5 % off beverages, all
 * through the API; returns once the read models show all of it (unless `wait: false`). Another
 * `prefix` seeds another catalog and other dealers beside the first.
 */
export async function seedWorld(
  server: AppServer,
  sizes: { products: number; dealers: number },
  options: { prefix?: string; wait?: boolean } = {},
): Promise<World> {
  const api = apiOf(server);
  const prefix = options.prefix ?? 'B';
  for (const warehouse of WAREHOUSES) {
    // A second world beside the first shares its warehouses (409: registered already).
    await api.post('/v1/warehouses', warehouse).catch((error: unknown) => {
      if (!String(error).includes(': 409 ')) throw error;
    });
  }
  const skus = Array.from({ length: sizes.products }, (_, index) => `${prefix}O-${String(index + 1).padStart(5, '0')}`);
  await inParallel(skus, 8, (sku, index) =>
    stockedProduct(
      api,
      sku,
      index,
      WAREHOUSES.map(() => PLENTY),
    ),
  );
  const dealers: Dealer[] = [];
  await inParallel(
    Array.from({ length: sizes.dealers }, (_, index) => index),
    8,
    async (index) => {
      const id = `${prefix}D-${String(index + 1).padStart(4, '0')}`;
      const regionCode = WAREHOUSES[index % WAREHOUSES.length]!.regionCode;
      await api.post('/v1/dealers', {
        id,
        name: `Bench Dealer ${index + 1}`,
        tier: 'gold',
        territories: [regionCode],
        creditLimitMinor: CREDIT_LIMIT_MINOR,
      });
      dealers[index] = { id, regionCode, token: server.token('dealer', id) };
    },
  );
  await api.post('/v1/promotions', {
    ...activeWindow(),
    title: 'Bench beverages 5 % off',
    kind: 'percent_off',
    rule: { percent: 5 },
    eligibility: { categories: ['beverages'] },
  });
  if (options.wait ?? true) await caughtUp(api);
  return { skus, dealers, position: api.position };
}

/** Waits (GET with `minPosition`) until the read models include every command sent through `api`. */
export async function caughtUp(api: Api): Promise<void> {
  await api.get(`/v1/warehouses?minPosition=${api.position}`);
}

/** `POST /v1/orders` for one dealer: `lineCount` distinct SKUs drawn by `draw`, 1-2 each, with a fresh Idempotency-Key. */
export function orderRequest(dealer: Dealer, skus: readonly string[], draw: () => number, lineCount: number): HttpRequestSpec {
  const chosen = new Set<string>();
  while (chosen.size < Math.min(lineCount, skus.length)) chosen.add(skus[Math.floor(draw() * skus.length)]!);
  return {
    method: 'POST',
    path: '/v1/orders',
    headers: { authorization: `Bearer ${dealer.token}`, 'idempotency-key': randomUUID() },
    body: { lines: [...chosen].map((sku) => ({ sku, qty: 1 + Math.floor(draw() * 2) })), regionCode: dealer.regionCode },
  };
}

/** What a placed order's answer says (201 bodies only). */
export type PlacedAnswer = { id: string; decision: string; reasons: string[]; position: string; lines: { sku: string; qty: number }[] };

export function placedOf(answer: HttpAnswer): PlacedAnswer | undefined {
  if (answer.status !== 201) return undefined;
  const body = JSON.parse(answer.body) as {
    id: string;
    status: string;
    review: { decision: string; reasons: { code: string }[] };
    position: string;
    lines: { sku: string; qty: number }[];
  };
  return {
    id: body.id,
    decision: body.review.decision,
    reasons: body.review.reasons.map((reason) => reason.code),
    position: body.position,
    lines: body.lines,
  };
}

/** Counts of decisions and of hold/reject reasons. */
export class Decisions {
  readonly decisions: Record<string, number> = {};
  readonly reasons: Record<string, number> = {};

  add(placed: PlacedAnswer): void {
    this.decisions[placed.decision] = (this.decisions[placed.decision] ?? 0) + 1;
    for (const reason of placed.reasons) this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
  }

  get total(): number {
    return Object.values(this.decisions).reduce((sum, count) => sum + count, 0);
  }

  describe(): string {
    const reasons = Object.entries(this.reasons).map(([code, count]) => `${code} ${count}`);
    return `${Object.entries(this.decisions)
      .map(([decision, count]) => `${decision} ${count}`)
      .join(', ')}${reasons.length > 0 ? `; reasons: ${reasons.join(', ')}` : ''}`;
  }
}

/**
 * One order per dealer, all at once, before anything is measured: the server's caches (dealers,
 * credit ledgers, stock streams) and JIT are warm, every dealer has a history, and the closed-loop
 * clients of the first load do not all start from the same instant.
 */
export async function primeDealers(server: AppServer, world: World, lineCount: number): Promise<void> {
  const draw = random(42);
  await inParallel(world.dealers, 50, (dealer) => placePriming(server, dealer, orderRequest(dealer, world.skus, draw, lineCount)));
}

/**
 * Orders through `server` that together touch every SKU from every region, so that a server
 * process started after the seeding has every stream it will order from in its state cache, as a
 * process running for a while has (one unit per line: the stock hardly moves).
 */
export async function primeEveryStream(server: AppServer, world: World, lineCount: number): Promise<void> {
  const regions = [...new Set(world.dealers.map((dealer) => dealer.regionCode))];
  const carts = regions.flatMap((regionCode) => {
    const dealers = world.dealers.filter((dealer) => dealer.regionCode === regionCode);
    return Array.from({ length: Math.ceil(world.skus.length / lineCount) }, (_, index) => ({
      dealer: dealers[index % dealers.length]!,
      skus: world.skus.slice(index * lineCount, (index + 1) * lineCount),
    }));
  });
  await inParallel(carts, 50, ({ dealer, skus }) =>
    placePriming(server, dealer, {
      method: 'POST',
      path: '/v1/orders',
      headers: { authorization: `Bearer ${dealer.token}`, 'idempotency-key': randomUUID() },
      body: { lines: skus.map((sku) => ({ sku, qty: 1 })), regionCode: dealer.regionCode },
    }),
  );
}

/** Sends a priming order; anything but 201 stops the scenario. */
async function placePriming(server: AppServer, dealer: Dealer, request: HttpRequestSpec): Promise<void> {
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers: { ...request.headers, 'content-type': 'application/json' },
    body: JSON.stringify(request.body),
  });
  if (response.status !== 201)
    throw new Error(`priming order of ${dealer.id}: ${response.status} ${(await response.text()).slice(0, 300)}`);
}
