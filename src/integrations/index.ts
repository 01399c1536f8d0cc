// The adapters a configuration enables: each partner's adapter is on when its endpoint is set.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Adapter } from './adapter.ts';
import { createErpHttpAdapter } from './erp/http.ts';
import { createErpKafkaAdapter } from './erp/kafka.ts';

export function enabledAdapters(config: Config, logger: Logger): Adapter[] {
  const adapters: Adapter[] = [];
  if (config.kafkaBrokers.length > 0) adapters.push(createErpKafkaAdapter({ brokers: config.kafkaBrokers, logger }));
  if (config.erpBaseUrl) adapters.push(createErpHttpAdapter({ baseUrl: config.erpBaseUrl }));
  return adapters;
}
