// Prometheus metrics: process defaults, HTTP requests, event-store appends, projection lag, adapters.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createIntegrationMetrics, type IntegrationMetrics } from '../integrations/metrics.ts';

export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  commandsRefused: Counter<'code'>;
  projectionLag: Gauge<'projection'>;
  /** Where the projection lag is read from at each scrape (the process that serves the projections' states). */
  measureProjectionLagWith: (read: () => Promise<readonly { name: string; lag: string }[]>) => void;
  /**
   * Appends refused because the stream moved on since it was read (another request, or another
   * replica, wrote it first); the command is decided again. `by`: `stream` (a command on one
   * stream) or `streams` (a decision over several, an order placement).
   */
  appendConflicts: Counter<'by'>;
  /**
   * Idempotency-Key claims by outcome: `owned` (this request runs it), `merged` (the same key asked
   * for at once in this process: one INSERT asked for both), `in_progress` (the database already
   * held the key for an attempt still running: a race that reached the database), `replayed`
   * (answered from the stored response), `taken_over` (a dead attempt's lease expired).
   */
  idempotencyClaims: Counter<'outcome'>;
  /** Feed long-polls waiting for an event now. */
  feedWaiting: Gauge;
  integrations: IntegrationMetrics;
};

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dealerline_' });
  let readLag: (() => Promise<readonly { name: string; lag: string }[]>) | undefined;
  return {
    measureProjectionLagWith: (read) => {
      readLag = read;
    },
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
      // Read at each scrape, so the figure is as fresh as the scrape.
      async collect() {
        for (const state of (await readLag?.()) ?? []) this.labels(state.name).set(Number(state.lag));
      },
    }),
    appendConflicts: new Counter({
      name: 'dealerline_append_conflicts_total',
      help: 'Appends refused on an expected revision (the stream moved on); the command is decided again',
      labelNames: ['by'],
      registers: [registry],
    }),
    idempotencyClaims: new Counter({
      name: 'dealerline_idempotency_claims_total',
      help: 'Idempotency-Key claims by outcome (owned, merged, in_progress, replayed, taken_over)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    feedWaiting: new Gauge({ name: 'dealerline_feed_waiting', help: 'Feed long-polls waiting for an event', registers: [registry] }),
    integrations: createIntegrationMetrics(registry),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's metrics, for code that has a request but not the deps (withIdempotency). */
    metrics?: Metrics;
  }
}

export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1_000);
  });
}
