// The ERP's inbound messages (the Kafka topic's contract) applied through the API's own routes as
// the integration role: master data, prices, stock receipts and payments; a redelivered message has
// no second effect; a bad one is refused with the route's problem and writes nothing. The Kafka
// consumer around it runs only against a broker (KAFKA_BROKERS), like the ERP Kafka suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditStream } from '../../src/domain/credit/credit-ledger.ts';
import { applyErpInboundMessage, parseErpInboundMessage, type ErpInboundMessage } from '../../src/integrations/erp/inbound.ts';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';
import { createDealer, createWarehouse, stockOf } from '../support/fixtures.ts';

describe('ERP inbound messages', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await createWarehouse(app, 'WH-ERP', 'CN-31');
    await createDealer(app, { id: 'D-ERP', creditLimitMinor: 1_000_000 });
  });
  afterAll(async () => {
    await app.stop();
  });

  const apply = (message: ErpInboundMessage) => applyErpInboundMessage(app.running.app!, app.token('integration'), message);

  it('creates and changes products, sets prices, receives stock and records payments, each once', async () => {
    const created = await apply({
      id: 'erp-1',
      type: 'product.created',
      data: { sku: 'ERP-TEA', name: 'ERP Green Tea', brand: 'Jade', category: 'beverages', unit: 'case', basePriceMinor: 5_000 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await apply({ id: 'erp-2', type: 'product.updated', data: { sku: 'ERP-TEA', name: 'ERP Green Tea 500ml' } })).status).toBe(200);
    const priced = await apply({ id: 'erp-3', type: 'prices.set', data: { sku: 'ERP-TEA', tiers: { gold: 4_500 } } });
    expect(priced.status, JSON.stringify(priced.body)).toBe(200);
    const receipt = {
      sku: 'ERP-TEA',
      warehouseId: 'WH-ERP',
      lot: 'ERP-LOT-1',
      productionDate: '2026-01-01',
      expiryDate: '2099-12-31',
      qty: 40,
    };
    const received = await apply({ id: 'erp-4', type: 'stock.received', data: receipt });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    const paid = await apply({
      id: 'erp-5',
      type: 'payment.received',
      data: { dealerId: 'D-ERP', amountMinor: 2_500, reference: 'ERP-PAY-1' },
    });
    expect([200, 201], JSON.stringify(paid.body)).toContain(paid.status);

    // Kafka delivers at least once: the same messages again change nothing.
    const head = await app.running.infrastructure.store.headPosition();
    expect((await apply({ id: 'erp-4', type: 'stock.received', data: receipt })).status).toBe(201);
    expect(
      (await apply({ id: 'erp-5', type: 'payment.received', data: { dealerId: 'D-ERP', amountMinor: 2_500, reference: 'ERP-PAY-1' } }))
        .status,
    ).toBe(paid.status);
    expect(await appendedSince(app, head)).toEqual([]);

    const product = await app.request('GET', `/v1/products/ERP-TEA?minPosition=${head}`, { token: app.token('ops') });
    expect(product.body).toMatchObject({ name: 'ERP Green Tea 500ml', prices: { tiers: { gold: 4_500 } } });
    expect(await stockOf(app, 'ERP-TEA', 'WH-ERP', head)).toMatchObject({ onHand: 40 });
    const credit = await app.running.infrastructure.store.readStream(creditStream('D-ERP'));
    expect(
      credit.filter((event) => event.type === 'PaymentReceived').map((event) => [event.data.amountMinor, event.metadata.role]),
    ).toEqual([[2_500, 'integration']]);
  });

  it('refuses a bad or unknown message with the reason, writing nothing', async () => {
    const head = await app.running.infrastructure.store.headPosition();
    const bad = await apply({ id: 'erp-bad', type: 'stock.received', data: { sku: 'ERP-TEA', warehouseId: 'WH-ERP', qty: -3 } });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((error) => error.path)).toEqual(
      expect.arrayContaining(['body.qty', 'body.lot']),
    );
    expect((await apply({ id: 'erp-odd', type: 'customer.created', data: {} })).status).toBe(422);
    expect(await appendedSince(app, head)).toEqual([]);
    expect(parseErpInboundMessage('not json')).toBeUndefined();
    expect(parseErpInboundMessage(JSON.stringify({ id: 'x', type: 'prices.set', data: [] }))).toBeUndefined();
    expect(parseErpInboundMessage(JSON.stringify({ id: 'x', type: 'prices.set', data: { sku: 'A' } }))).toEqual({
      id: 'x',
      type: 'prices.set',
      data: { sku: 'A' },
    });
  });
});
