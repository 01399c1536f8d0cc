// Business fixtures through the real API: products, warehouses, stock and dealers a test needs.
import { expect } from 'vitest';
import { demoGtin } from '../../src/demo/data.ts';
import type { ApiClient } from './app.ts';

let gtinCounter = 5_000;

export type ProductSpec = { sku: string; basePriceMinor?: number; category?: string; brand?: string; tiers?: Record<string, number> };

export async function createProduct(app: ApiClient, spec: ProductSpec): Promise<string> {
  const ops = app.token('ops');
  const created = await app.request('POST', '/v1/products', {
    token: ops,
    body: {
      sku: spec.sku,
      name: `Product ${spec.sku}`,
      brand: spec.brand ?? 'Test Brand',
      category: spec.category ?? 'beverages',
      unit: 'case',
      gtin: demoGtin(gtinCounter++),
      basePriceMinor: spec.basePriceMinor ?? 1_000,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  if (!spec.tiers) return created.body.position;
  const priced = await app.request('PUT', `/v1/products/${spec.sku}/prices`, { token: ops, body: { tiers: spec.tiers } });
  expect(priced.status, JSON.stringify(priced.body)).toBe(200);
  return priced.body.position;
}

export async function createWarehouse(app: ApiClient, id: string, regionCode: string): Promise<string> {
  const created = await app.request('POST', '/v1/warehouses', {
    token: app.token('ops'),
    body: { id, name: `Warehouse ${id}`, regionCode },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.position;
}

export async function receiveStock(
  app: ApiClient,
  receipt: { sku: string; warehouseId: string; qty: number; lot?: string; expiryDate?: string; productionDate?: string },
): Promise<string> {
  const received = await app.request('POST', '/v1/stock/receipts', {
    token: app.token('ops'),
    body: {
      sku: receipt.sku,
      warehouseId: receipt.warehouseId,
      lot: receipt.lot ?? `LOT-${receipt.sku}-${receipt.warehouseId}`,
      productionDate: receipt.productionDate ?? '2026-01-01',
      expiryDate: receipt.expiryDate ?? '2099-12-31',
      qty: receipt.qty,
    },
  });
  expect(received.status, JSON.stringify(received.body)).toBe(201);
  return received.body.position;
}

export type DealerSpec = {
  id: string;
  tier?: string;
  territories?: string[];
  creditLimitMinor?: number;
  prepay?: boolean;
  paymentTermsDays?: number;
};

export async function createDealer(app: ApiClient, spec: DealerSpec): Promise<string> {
  const created = await app.request('POST', '/v1/dealers', {
    token: app.token('ops'),
    body: {
      id: spec.id,
      name: `Dealer ${spec.id}`,
      tier: spec.tier ?? 'gold',
      territories: spec.territories ?? ['CN-31'],
      creditLimitMinor: spec.creditLimitMinor ?? 10_000_000,
      paymentTermsDays: spec.paymentTermsDays ?? 30,
      prepay: spec.prepay ?? false,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.position;
}

/** The available quantity of a SKU in a warehouse, from the stock read model. */
export async function stockOf(app: ApiClient, sku: string, warehouseId: string, minPosition?: string) {
  const query = `/v1/stock?sku=${sku}&warehouseId=${warehouseId}${minPosition ? `&minPosition=${minPosition}` : ''}`;
  const response = await app.request('GET', query, { token: app.token('ops') });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items[0] as { onHand: number; reserved: number; available: number };
}

export async function creditOf(app: ApiClient, dealerId: string, minPosition?: string) {
  const response = await app.request('GET', `/v1/dealers/${dealerId}/credit${minPosition ? `?minPosition=${minPosition}` : ''}`, {
    token: app.token('finance'),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { limitMinor: number; reservedMinor: number; outstandingMinor: number; availableMinor: number };
}
