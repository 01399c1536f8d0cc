// Prometheus metrics: process defaults, HTTP requests, event-store appends, projection lag, adapters.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createIntegrationMetrics, type IntegrationMetrics } from '../integrations/metrics.ts';

export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  commandsRefused: Counter<'code'>;
  projectionLag: Gauge<'projection'>;
  integrations: IntegrationMetrics;
};

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dealerline_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'dealerline_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    commandsRefused: new Counter({
      name: 'dealerline_commands_refused_total',
      help: 'Commands the domain refused, by reason code',
      labelNames: ['code'],
      registers: [registry],
    }),
    projectionLag: new Gauge({
      name: 'dealerline_projection_lag_events',
      help: 'Store head position minus the projection checkpoint',
      labelNames: ['projection'],
      registers: [registry],
    }),
    integrations: createIntegrationMetrics(registry),
  };
}

export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1_000);
  });
}
