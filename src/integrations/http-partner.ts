// The outbound HTTP client for partners: JSON POSTs with a timeout and `Idempotency-Key`, failures
// classified for the delivery runner (5xx, 408, 429 and network errors retryable; other 4xx not).
import { DeliveryError } from './adapter.ts';

export type PartnerClientOptions = {
  baseUrl: string;
  /** Per attempt. */
  timeoutMs?: number;
  headers?: Record<string, string>;
};

export type PartnerClient = {
  /** Resolves on a 2xx; otherwise throws a DeliveryError. */
  post(path: string, body: unknown, options: { idempotencyKey: string; signal?: AbortSignal }): Promise<void>;
  /** Readiness: the partner answers a HEAD of the base URL with anything but a 5xx (a 404 or 405 still means it is up). */
  reachable(timeoutMs?: number): Promise<boolean>;
};

const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);
const MAX_ERROR_BODY = 300;

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function createPartnerClient(options: PartnerClientOptions): PartnerClient {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async post(path, body, { idempotencyKey, signal }) {
      const url = new URL(path.replace(/^\//, ''), base);
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { ...options.headers, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        signal?.throwIfAborted();
        const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : 'network error';
        throw new DeliveryError(`POST ${url.pathname}: ${reason}`, { retryable: true, cause: error });
      }
      // The body is drained either way so the connection can be reused.
      const text = await response.text().catch(() => '');
      if (response.ok) return;
      const retryable = response.status >= 500 || RETRYABLE_CLIENT_STATUSES.has(response.status);
      throw new DeliveryError(`POST ${url.pathname}: HTTP ${response.status} ${text.slice(0, MAX_ERROR_BODY)}`.trim(), {
        retryable,
        retryAfterMs: retryable ? retryAfterMs(response.headers.get('retry-after')) : undefined,
      });
    },
    async reachable(probeTimeoutMs = 2_000) {
      try {
        const response = await fetch(base, { method: 'HEAD', signal: AbortSignal.timeout(probeTimeoutMs) });
        return response.status < 500;
      } catch {
        return false;
      }
    },
  };
}
