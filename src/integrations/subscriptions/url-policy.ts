// Where a webhook subscription may send: https to public addresses only (and, outside production,
// http to this machine's loopback for local development). Private, link-local (cloud metadata),
// shared, reserved and other special addresses are never reached, so a subscription cannot be used
// to probe or call internal networks. A host name is checked by every address it resolves to, when
// the subscription is made and again by the connection of every delivery (src/integrations/subscriptions/delivery.ts),
// so a name that later resolves elsewhere (DNS rebinding) is refused then too.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type Resolved = { address: string; family: number };

/** All the addresses a host name resolves to (getaddrinfo: the resolver a connection uses). */
export type Resolver = (hostname: string) => Promise<Resolved[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export type UrlPolicy = {
  /** In production only https, and never loopback. */
  production: boolean;
  resolve?: Resolver;
};

export type UrlCheck = { ok: true; url: URL } | { ok: false; message: string };

const RESOLVE_TIMEOUT_MS = 3_000;

const RANGE_NAMES: Readonly<Record<string, string>> = {
  private: 'a private address',
  linkLocal: 'a link-local address (such as cloud metadata)',
  uniqueLocal: 'a private (unique local) address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a shared address space address (such as cloud metadata)',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
};

/** Why an address may not be sent to, or undefined when it may. */
export function refusedAddress(address: string, policy: Pick<UrlPolicy, 'production'>): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it is.
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && !policy.production) return undefined;
  return `${address} is ${RANGE_NAMES[range] ?? `a reserved address (${range})`}`;
}

/** The host of a URL without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Every address of `hostname` (itself if it is one); throws when it does not resolve. */
export async function addressesOf(hostname: string, resolve: Resolver): Promise<string[]> {
  if (isIP(hostname)) return [hostname];
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), RESOLVE_TIMEOUT_MS).unref());
  const resolved = await Promise.race([resolve(hostname), timeout]);
  return resolved.map((entry) => entry.address);
}

/**
 * Whether a subscription may send to `raw`: an absolute https URL (http only to loopback outside
 * production), without credentials, whose host resolves only to addresses the policy allows.
 */
export async function checkSubscriptionUrl(raw: string, policy: UrlPolicy): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'must be an absolute https URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: 'must be an absolute https URL' };
  if (url.username !== '' || url.password !== '') return { ok: false, message: 'must not carry a user name or password' };
  let addresses: string[];
  try {
    addresses = await addressesOf(hostOf(url), policy.resolve ?? systemResolver);
  } catch {
    return { ok: false, message: `host ${url.hostname} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, message: `host ${url.hostname} does not resolve` };
  for (const address of addresses) {
    const refused = refusedAddress(address, policy);
    if (refused)
      return {
        ok: false,
        message: `must not lead to an internal address: ${url.hostname === address ? refused : `${url.hostname} resolves to ${refused}`}`,
      };
  }
  if (url.protocol === 'http:') {
    const loopback = addresses.every((address) => ipaddr.process(address).range() === 'loopback');
    if (policy.production || !loopback)
      return { ok: false, message: policy.production ? 'must be https' : 'must be https (http only to loopback outside production)' };
  }
  url.hash = '';
  return { ok: true, url };
}
