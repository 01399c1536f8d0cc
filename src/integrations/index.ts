// The adapters a configuration enables: each partner's adapter is on when its endpoint is set.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Upcasting } from '../eventstore/upcasting.ts';
import type { Adapter } from './adapter.ts';
import { createErpHttpAdapter } from './erp/http.ts';
import { createErpKafkaAdapter } from './erp/kafka.ts';
import { createLogisticsAdapter } from './logistics/adapter.ts';
import { createPaymentsAdapter } from './payments/adapter.ts';

/** The logistics and payments adapters read the order around each event they deliver. */
export type AdapterDeps = { store: EventStore; upcasting: Upcasting };

export function enabledAdapters(config: Config, logger: Logger, deps: AdapterDeps): Adapter[] {
  const adapters: Adapter[] = [];
  if (config.kafkaBrokers.length > 0) adapters.push(createErpKafkaAdapter({ brokers: config.kafkaBrokers, logger }));
  if (config.erpBaseUrl) adapters.push(createErpHttpAdapter({ baseUrl: config.erpBaseUrl }));
  if (config.logisticsBaseUrl) adapters.push(createLogisticsAdapter({ baseUrl: config.logisticsBaseUrl, ...deps }));
  if (config.paymentBaseUrl) adapters.push(createPaymentsAdapter({ baseUrl: config.paymentBaseUrl, ...deps }));
  return adapters;
}
