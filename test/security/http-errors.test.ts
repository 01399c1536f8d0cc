// Requests Node's HTTP parser refuses before fastify routes them (headers too large, a bad
// Content-Length, a malformed request line) are answered as problem+json like every other error.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

/** Sends raw bytes and reads the answer until the server closes the connection. */
function raw(url: string, payload: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(payload));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body });
    });
  });
}

describe('errors of the HTTP layer', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const cases: [name: string, request: string, status: number, code: string][] = [
    [
      'headers over the limit',
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    [
      'a Content-Length that is no number',
      'POST /v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}',
      400,
      'bad_request',
    ],
    [
      'two different Content-Lengths',
      'POST /v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      400,
      'bad_request',
    ],
    ['a malformed request line', 'GET\u0001 / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
  ];

  it.each(cases)('answers %s with problem+json', async (_name, request, status, code) => {
    const response = await raw(app.url, request);
    expect(response.status).toBe(status);
    expect(response.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({
      status,
      code,
      type: `https://dealerline.dev/problems/${code}`,
      title: expect.any(String),
      detail: expect.any(String),
    });
  });

  it('keeps serving after them', async () => {
    expect((await app.request('GET', '/health/live')).status).toBe(200);
  });
});
