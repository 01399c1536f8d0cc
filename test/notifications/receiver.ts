// A webhook receiver played by a real local HTTP server: it checks each delivery's signature,
// records it, answers as the test says, and can go down and come back on the same port.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/integrations/webhooks/signature.ts';

export type Delivery = {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, any>;
  idempotencyKey: string;
  signatureValid: boolean;
  raw: string;
};

export type Answer = (delivery: Delivery) => number;

export type Receiver = {
  url: string;
  secret: string;
  /** Every delivery that reached it, answered or not. */
  calls: Delivery[];
  /** Deliveries answered 2xx, in the order they were answered. */
  accepted: Delivery[];
  answer: (answer: Answer) => void;
  /** Stops listening: connections are refused until `up`. */
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startReceiver(secret: string): Promise<Receiver> {
  let answer: Answer = () => 200;
  const calls: Delivery[] = [];
  const accepted: Delivery[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = request.headers['x-signature'];
      const parsed = JSON.parse(body.toString('utf8')) as Omit<Delivery, 'idempotencyKey' | 'signatureValid' | 'raw'>;
      const delivery: Delivery = {
        ...parsed,
        idempotencyKey: String(request.headers['idempotency-key']),
        signatureValid: verifyWebhookSignature(
          secret,
          typeof header === 'string' ? header : undefined,
          body,
          Math.floor(Date.now() / 1_000),
        ).valid,
        raw: body.toString('utf8'),
      };
      calls.push(delivery);
      const status = answer(delivery);
      if (status >= 200 && status < 300) accepted.push(delivery);
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  };
  let server: Server = createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const stop = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return {
    url: `http://127.0.0.1:${port}/hooks/dealerline`,
    secret,
    calls,
    accepted,
    answer: (next) => {
      answer = next;
    },
    down: stop,
    up: async () => {
      server = createServer(handle);
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    close: async () => {
      if (server.listening) await stop();
    },
  };
}

/** The first accepted delivery of each id, in the order they were first accepted. */
export function firstAccepted(receiver: Receiver): Delivery[] {
  const seen = new Set<string>();
  return receiver.accepted.filter((delivery) => !seen.has(delivery.id) && seen.add(delivery.id));
}
