// One webhook delivery: a signed JSON POST to a subscription's URL whose connection only ever goes
// to addresses the URL policy allows. The check sits in the connection's own name lookup, so the
// addresses checked are the addresses connected to: a host that resolves to a public address when
// the subscription is made and to an internal one later (DNS rebinding) is refused then.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { DeliveryError } from '../adapter.ts';
import { retryAfterMs } from '../http-partner.ts';
import { signWebhook } from '../webhooks/signature.ts';
import { hostOf, refusedAddress, systemResolver, type Resolver, type UrlPolicy } from './url-policy.ts';

export type SignedPost = {
  url: string;
  body: string;
  secret: string;
  idempotencyKey: string;
  eventType: string;
  signal: AbortSignal;
  timeoutMs: number;
};

const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);
const MAX_ERROR_BODY = 300;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A name lookup for the connection that fails unless every address of the host is allowed. */
function guardedLookup(policy: UrlPolicy): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  const resolve: Resolver = policy.resolve ?? systemResolver;
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.map((entry) => refusedAddress(entry.address, policy)).find((reason) => reason !== undefined);
        if (refused || addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} resolves to ${refused ?? 'nothing'}`), { code: 'EREFUSEDADDRESS' }), []);
          return;
        }
        const wanted =
          options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]?.address ?? addresses[0]!.address, wanted[0]?.family ?? addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

/** Resolves once the receiver answered 2xx; otherwise a DeliveryError saying whether a retry could help. */
export function postSigned(post: SignedPost, policy: UrlPolicy): Promise<void> {
  const url = new URL(post.url);
  // A literal address is connected to without a lookup: it is checked here.
  const host = hostOf(url);
  const literal = isIP(host) ? refusedAddress(host, policy) : undefined;
  if (literal) return Promise.reject(new DeliveryError(`POST ${url.origin}: refused, ${literal}`, { retryable: false }));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        // A fresh connection each time: every delivery's addresses are looked up and checked anew.
        agent: false,
        lookup: guardedLookup(policy),
        signal: post.signal,
        timeout: post.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(post.body),
          'user-agent': 'Dealerline-Webhooks/1',
          'idempotency-key': post.idempotencyKey,
          'x-dealerline-event': post.eventType,
          'x-signature': signWebhook(post.secret, post.body, Math.floor(Date.now() / 1_000)),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < MAX_ERROR_BODY) text += chunk;
        });
        response.on('error', (error) =>
          reject(new DeliveryError(`POST ${url.origin}: ${error.message}`, { retryable: true, cause: error })),
        );
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve();
            return;
          }
          const retryable = status >= 500 || RETRYABLE_CLIENT_STATUSES.has(status);
          const header = response.headers['retry-after'];
          reject(
            new DeliveryError(`POST ${url.origin}${url.pathname}: HTTP ${status} ${text.slice(0, MAX_ERROR_BODY)}`.trim(), {
              retryable,
              retryAfterMs: retryable ? retryAfterMs(typeof header === 'string' ? header : null) : undefined,
            }),
          );
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${post.timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A refused address will not change by retrying soon; an operator can retry the dead letter.
      const refusedAddress = error.code === 'EREFUSEDADDRESS';
      reject(
        new DeliveryError(`POST ${url.origin}: ${refusedAddress ? 'refused, ' : ''}${error.message}`, {
          retryable: !refusedAddress,
          cause: error,
        }),
      );
    });
    request.end(post.body);
  });
}
