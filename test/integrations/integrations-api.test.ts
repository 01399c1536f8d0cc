// The ERP HTTP adapter wired into the real application (ERP_BASE_URL), and the admin API over it:
// adapter status, dead letters, retry; the delivered v1 contract; metrics.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';
import { startPartner, type Partner } from './partner.ts';

const product = (sku: string) => ({ sku, name: `Product ${sku}`, brand: 'B', category: 'drinks', unit: 'case', basePriceMinor: 500 });

describe('integration adapters in the application', () => {
  let erp: Partner;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    erp = await startPartner(({ payload }) => ({ status: payload.data?.sku === 'REFUSED-1' ? 422 : 200 }));
    app = await startTestApp({ ERP_BASE_URL: erp.url });
    admin = app.token('admin');
  });
  afterAll(async () => {
    await app.stop();
    await erp.close();
  });

  const accepted = (eventId: string) => erp.accepted.find((call) => call.key === eventId);

  it('delivers business events to the ERP in the v1 contract, with the event id as Idempotency-Key', async () => {
    const created = await app.request('POST', '/v1/products', { token: app.token('ops'), body: product('ERP-1') });
    expect(created.status).toBe(201);
    const [event] = await app.running.infrastructure.store.readStream('product-ERP-1');
    const call = await eventually(() => accepted(event!.id), 10_000, 'the ERP delivery');
    expect(call.payload).toEqual({
      contract: 'dealerline.erp.v1',
      eventId: event!.id,
      eventType: 'ProductRegistered',
      schemaVersion: 1,
      context: 'catalog',
      stream: 'product-ERP-1',
      revision: 0,
      position: event!.position,
      occurredAt: event!.metadata.occurredAt,
      actor: event!.metadata.actor,
      correlationId: event!.metadata.correlationId,
      causationId: null,
      data: event!.data,
    });
  });

  it('shows refused events as dead letters and delivers one again on request', async () => {
    expect((await app.request('POST', '/v1/products', { token: app.token('ops'), body: product('REFUSED-1') })).status).toBe(201);
    const after = await app.request('POST', '/v1/products', { token: app.token('ops'), body: product('ERP-2') });
    const [refused] = await app.running.infrastructure.store.readStream('product-REFUSED-1');
    const [later] = await app.running.infrastructure.store.readStream('product-ERP-2');
    await eventually(() => accepted(later!.id), 10_000, 'the event after the refused one');
    expect(after.status).toBe(201);

    const page = await eventually(async () => {
      const response = await app.request('GET', '/v1/integrations/dead-letters?adapter=erp-http', { token: admin });
      return response.body.items?.length === 1 ? response.body : undefined;
    });
    const deadLetter = page.items[0];
    expect(deadLetter).toMatchObject({
      adapter: 'erp-http',
      eventId: refused!.id,
      eventType: 'ProductRegistered',
      streamId: 'product-REFUSED-1',
      position: refused!.position,
      attempts: 1,
      status: 'open',
      event: { data: { sku: 'REFUSED-1' } },
    });
    expect(deadLetter.lastError).toContain('HTTP 422');
    expect(page.nextCursor).toBeNull();

    const status = await app.request('GET', '/v1/integrations', { token: admin });
    expect(status.status).toBe(200);
    expect(status.body).toEqual([
      expect.objectContaining({ name: 'erp-http', active: true, openDeadLetters: 1 }),
      expect.objectContaining({ name: 'stock-alerts', active: true, openDeadLetters: 0 }),
    ]);

    expect((await app.request('GET', `/v1/integrations/dead-letters/${deadLetter.id}`, { token: admin })).body.eventId).toBe(refused!.id);
    expect((await app.request('GET', '/v1/integrations/dead-letters/999999', { token: admin })).status).toBe(404);
    expect((await app.request('GET', '/v1/integrations/dead-letters/abc', { token: admin })).status).toBe(400);
    expect((await app.request('GET', '/v1/integrations/dead-letters?status=lost', { token: admin })).status).toBe(400);
    expect((await app.request('POST', '/v1/integrations/dead-letters/999999/retry', { token: admin })).status).toBe(404);

    // The ERP fixes its side; an operator retries.
    erp.behave(() => ({ status: 200 }));
    const retry = await app.request('POST', `/v1/integrations/dead-letters/${deadLetter.id}/retry`, { token: admin });
    expect(retry.status).toBe(202);
    expect(retry.body.status).toBe('retry_requested');
    const delivered = await eventually(async () => {
      const response = await app.request('GET', `/v1/integrations/dead-letters/${deadLetter.id}`, { token: admin });
      return response.body.status === 'delivered' ? response.body : undefined;
    });
    expect(delivered.resolvedAt).not.toBeNull();
    expect(accepted(refused!.id)?.payload.stream).toBe('product-REFUSED-1');
    const again = await app.request('POST', `/v1/integrations/dead-letters/${deadLetter.id}/retry`, { token: admin });
    expect(again.status).toBe(409);
    expect((await app.request('GET', '/v1/integrations/dead-letters?status=open', { token: admin })).body.items).toEqual([]);
  });

  it('keeps the integration admin routes for admin', async () => {
    for (const role of ['ops', 'integration', 'finance'] as const) {
      expect((await app.request('GET', '/v1/integrations', { token: app.token(role) })).status, role).toBe(403);
      expect((await app.request('GET', '/v1/integrations/dead-letters', { token: app.token(role) })).status, role).toBe(403);
      expect((await app.request('POST', '/v1/integrations/dead-letters/1/retry', { token: app.token(role) })).status, role).toBe(403);
    }
    expect((await app.request('GET', '/v1/integrations')).status).toBe(401);
  });

  it('documents the feed, integration and webhook routes in a valid OpenAPI document', async () => {
    const document = (await app.request('GET', '/openapi.json')).body;
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    for (const path of [
      '/v1/feed',
      '/v1/integrations',
      '/v1/integrations/dead-letters',
      '/v1/integrations/dead-letters/{id}/retry',
      '/v1/webhooks/payments',
      '/v1/webhooks/logistics',
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
    expect(document.paths['/v1/feed'].get.parameters.map((parameter: any) => parameter.name)).toEqual(
      expect.arrayContaining(['after', 'limit', 'types', 'waitSeconds']),
    );
    expect(document.paths['/v1/webhooks/payments'].post.requestBody.content['application/json']).toBeDefined();
  });

  it('exposes per-adapter metrics', async () => {
    await app.request('GET', '/v1/integrations', { token: admin });
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.text).toMatch(/dealerline_integration_deliveries_total\{adapter="erp-http"\} [1-9]/);
    expect(metrics.text).toMatch(/dealerline_integration_dead_letters_total\{adapter="erp-http"\} 1/);
    expect(metrics.text).toMatch(/dealerline_integration_failed_attempts_total\{adapter="erp-http"\} 1/);
    expect(metrics.text).toMatch(/dealerline_integration_lag_events\{adapter="erp-http"\} \d+/);
  });
});
