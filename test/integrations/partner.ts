// A partner played by a real local HTTP server: it records every call (idempotency key and body)
// and answers as the test tells it (fail, be slow, refuse), so tests can prove what arrived.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { Adapter, RetryPolicy } from '../../src/integrations/adapter.ts';
import { createPartnerClient } from '../../src/integrations/http-partner.ts';

export type PartnerCall = { key: string; path: string; body: string; payload: any; call: number; callsForKey: number };
export type PartnerAnswer = { status: number; delayMs?: number; headers?: Record<string, string> };
export type Behavior = (call: PartnerCall) => PartnerAnswer;

export type Partner = {
  url: string;
  calls: PartnerCall[];
  /** Calls answered 2xx, in the order they were answered. */
  accepted: PartnerCall[];
  behave: (behavior: Behavior) => void;
  close: () => Promise<void>;
};

export const ok: Behavior = () => ({ status: 200 });

export async function startPartner(behavior: Behavior = ok): Promise<Partner> {
  let current = behavior;
  const calls: PartnerCall[] = [];
  const accepted: PartnerCall[] = [];
  const perKey = new Map<string, number>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // Readiness probes say only that the partner is up; they are not calls.
    if (request.method === 'HEAD') {
      response.writeHead(200).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = String(request.headers['idempotency-key'] ?? '');
      const callsForKey = (perKey.get(key) ?? 0) + 1;
      perKey.set(key, callsForKey);
      const call: PartnerCall = {
        key,
        path: request.url ?? '',
        body,
        payload: body ? JSON.parse(body) : undefined,
        call: calls.length + 1,
        callsForKey,
      };
      calls.push(call);
      const answer = current(call);
      const respond = () => {
        if (response.destroyed) return;
        if (answer.status >= 200 && answer.status < 300) accepted.push(call);
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end(JSON.stringify({ status: answer.status }));
      };
      // A slow partner's answer, not a test waiting: the one timer test/ keeps outside support/wait.ts.
      // eslint-disable-next-line no-restricted-syntax
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    accepted,
    behave: (next) => {
      current = next;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export type TestPayload = { eventId: string; stream: string; revision: number; type: string; data: Record<string, unknown> };

/** An adapter posting each event of `prefix` streams to the partner, through the real partner client. */
export function partnerAdapter(
  name: string,
  partner: Partner,
  options: { prefix: string; retry?: Partial<RetryPolicy>; maxInFlight?: number; timeoutMs?: number; startFrom?: 'beginning' | 'now' },
): Adapter<TestPayload> {
  const client = createPartnerClient({ baseUrl: partner.url, timeoutMs: options.timeoutMs ?? 5_000 });
  return {
    name,
    filter: { streamPrefixes: [options.prefix] },
    startFrom: options.startFrom,
    retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 40, ...options.retry },
    maxInFlight: options.maxInFlight,
    map: (event) => [
      {
        contract: 'test.v1',
        payload: { eventId: event.id, stream: event.streamId, revision: event.revision, type: event.type, data: event.data },
      },
    ],
    deliver: (delivery, { idempotencyKey, signal }) => client.post('events', delivery.payload, { idempotencyKey, signal }),
  };
}

/** Every call for one key carried the same body: nothing was delivered twice with different content. */
export function expectSameContentPerKey(partner: Partner): void {
  const bodies = new Map<string, string>();
  for (const call of partner.calls) {
    const first = bodies.get(call.key);
    if (first === undefined) bodies.set(call.key, call.body);
    else expect(call.body, `content of ${call.key}`).toBe(first);
  }
}

/** Per stream, the first acceptance of each event came in revision order. */
export function expectOrderPerStream(partner: Partner): void {
  const seen = new Set<string>();
  const lastRevision = new Map<string, number>();
  for (const call of partner.accepted) {
    if (seen.has(call.key)) continue;
    seen.add(call.key);
    const { stream, revision } = call.payload as TestPayload;
    const previous = lastRevision.get(stream) ?? -1;
    expect(revision, `order in ${stream}`).toBeGreaterThan(previous);
    lastRevision.set(stream, revision);
  }
}

export const acceptedKeys = (partner: Partner) => new Set(partner.accepted.map((call) => call.key));
