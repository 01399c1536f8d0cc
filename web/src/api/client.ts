// The one way the app calls the API: bearer token, JSON or raw bodies, problem+json errors as
// ApiProblem, and one silent token refresh (then sign-out) when the API answers 401.
export type FieldError = { path: string; message: string };

/** An RFC 9457 problem the API answered with, or a network failure (status 0). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly errors: FieldError[];
  readonly reasons: { code: string; detail: string }[];
  readonly retryAfter: string | null;

  constructor(
    status: number,
    body: Partial<{ title: string; detail: string; code: string; errors: FieldError[]; reasons: { code: string; detail: string }[] }>,
    retryAfter: string | null = null,
  ) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = body.code ?? (status === 0 ? 'network' : `http_${status}`);
    this.title = body.title ?? '';
    this.errors = body.errors ?? [];
    this.reasons = body.reasons ?? [];
    this.retryAfter = retryAfter;
  }

  /** The messages for one field, matched on the end of the problem's path (`body.lines.0.qty` ← `lines.0.qty`). */
  fieldMessages(field: string): string[] {
    return this.errors.filter((error) => error.path === field || error.path.endsWith(`.${field}`)).map((error) => error.message);
  }
}

export type AuthHooks = {
  accessToken: () => string | undefined;
  /** Gets a new access token with the refresh token; false when there is none or it was refused. */
  refresh: () => Promise<boolean>;
  signedOut: () => void;
};

let auth: AuthHooks = { accessToken: () => undefined, refresh: async () => false, signedOut: () => undefined };

export function setAuthHooks(hooks: AuthHooks): void {
  auth = hooks;
}

export type RequestOptions = {
  body?: unknown;
  /** Sent as it is (a file), with `contentType`. */
  raw?: Blob | string;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A token to use instead of the session's (checking a pasted token), never refreshed. */
  token?: string;
};

export function withQuery(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(method: string, path: string, options: RequestOptions, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType) headers['content-type'] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  try {
    return await fetch(withQuery(path, options.query), { method, headers, body, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(0, {});
  }
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { detail: text.slice(0, 300) };
  }
  return new ApiProblem(response.status, body, response.headers.get('retry-after'));
}

/** The raw response of a successful call (downloads); throws ApiProblem otherwise. */
export async function apiResponse(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const token = options.token ?? auth.accessToken();
  let response = await send(method, path, options, token);
  if (response.status === 401 && token && !options.token) {
    if (await auth.refresh()) response = await send(method, path, options, auth.accessToken());
    if (response.status === 401) auth.signedOut();
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

/**
 * The event-store position of this tab's latest command. Every later read asks for it
 * (`minPosition`), so a screen never shows data from before the user's own change.
 */
let lastWrite: bigint | null = null;

function noteWrite(body: unknown): void {
  const position = (body as { position?: unknown } | null)?.position;
  if (typeof position !== 'string' || !/^\d+$/.test(position)) return;
  const value = BigInt(position);
  if (lastWrite === null || value > lastWrite) lastWrite = value;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const readsOwnWrites = method === 'GET' && lastWrite !== null && path.startsWith('/v1/');
  const response = await apiResponse(
    method,
    path,
    readsOwnWrites ? { ...options, query: { minPosition: String(lastWrite), ...options.query } } : options,
  );
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body = (text ? JSON.parse(text) : undefined) as T;
  if (method !== 'GET') noteWrite(body);
  return body;
}

export const get = <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) => api<T>('GET', path, { query, signal });
export const post = <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
  api<T>('POST', path, { ...options, body: body ?? {} });
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, { body });
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, { body });

/** A key for Idempotency-Key: random, also where `crypto.randomUUID` is missing (plain http off localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
