// The ERP's HTTP adapter (ERP_BASE_URL): every business event POSTed to <base>/events in the v1
// contract, with the event id as Idempotency-Key.
import type { Adapter } from '../adapter.ts';
import { createPartnerClient } from '../http-partner.ts';
import { ERP_CONTRACT_V1, ERP_STREAM_PREFIXES, toErpEventV1, type ErpEventV1 } from './contract.ts';

export function createErpHttpAdapter(options: { baseUrl: string; timeoutMs?: number }): Adapter<ErpEventV1> {
  const client = createPartnerClient({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });
  return {
    name: 'erp-http',
    filter: { streamPrefixes: ERP_STREAM_PREFIXES },
    map(event) {
      const payload = toErpEventV1(event);
      return payload ? [{ contract: ERP_CONTRACT_V1, payload }] : null;
    },
    deliver(delivery, { idempotencyKey, signal }) {
      return client.post('events', delivery.payload, { idempotencyKey, signal });
    },
  };
}
