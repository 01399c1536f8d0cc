// Prometheus metrics per adapter: deliveries, failed attempts, dead letters, lag.
import { Counter, Gauge, type Registry } from 'prom-client';

export type IntegrationMetrics = {
  delivered: Counter<'adapter'>;
  failedAttempts: Counter<'adapter'>;
  deadLettered: Counter<'adapter'>;
  lag: Gauge<'adapter'>;
};

export function createIntegrationMetrics(registry: Registry): IntegrationMetrics {
  return {
    delivered: new Counter({
      name: 'dealerline_integration_deliveries_total',
      help: 'Deliveries the partner accepted, per adapter',
      labelNames: ['adapter'],
      registers: [registry],
    }),
    failedAttempts: new Counter({
      name: 'dealerline_integration_failed_attempts_total',
      help: 'Delivery attempts that failed (retried or dead-lettered), per adapter',
      labelNames: ['adapter'],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'dealerline_integration_dead_letters_total',
      help: 'Events dead-lettered after the retry budget or a permanent refusal, per adapter',
      labelNames: ['adapter'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'dealerline_integration_lag_events',
      help: 'Store head position minus the adapter checkpoint',
      labelNames: ['adapter'],
      registers: [registry],
    }),
  };
}
