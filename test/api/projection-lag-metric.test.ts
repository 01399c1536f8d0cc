// The projection lag gauge is read at each scrape of /metrics: no one has to read GET /v1/projections
// for it to move. A worker without the API serves its own health and metrics.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../eventstore/contract.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { metricValue } from '../support/metrics.ts';

describe('projection lag metric', () => {
  let app: TestApp;
  beforeAll(async () => {
    // The API alone: no projection runs, so every event appended is lag.
    app = await startTestApp({}, { workers: false });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('shows each projection behind by the events appended since its checkpoint, fresh at every scrape', async () => {
    const lag = () => metricValue(app.url, 'dealerline_projection_lag_events', { projection: 'orders' });
    const before = await lag();
    const { store } = app.running.infrastructure;
    await store.appendToStream(`lag-${randomUUID()}`, [newEvent('LagProbe'), newEvent('LagProbe'), newEvent('LagProbe')]);
    expect(await lag()).toBe(before + 3);
    expect(await metricValue(app.url, 'dealerline_projection_lag_events', { projection: 'catalog' })).toBeGreaterThanOrEqual(3);
  });
});

describe('a worker without the API', () => {
  let worker: TestApp;
  beforeAll(async () => {
    worker = await startTestApp({ METRICS_PORT: '0' }, { api: false });
  });
  afterAll(async () => {
    await worker.stop();
  });

  it('serves liveness, readiness and its own metrics on METRICS_PORT, and nothing of the API', async () => {
    expect((await worker.request('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await worker.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ database: true, eventStore: true });
    const metrics = await worker.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('dealerline_projection_lag_events{projection="orders"}');
    expect(metrics.text).toContain('dealerline_process_cpu_seconds_total');
    expect((await worker.request('GET', '/v1/products', { token: worker.token('ops') })).status).toBe(404);
  });
});
