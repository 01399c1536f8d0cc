// RFC 9457 problem details: the one shape every error response takes, and the error handler.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Refusal } from '../domain/shared/decider.ts';
import { ConcurrencyError } from '../eventstore/port.ts';
import { isTransientDatabaseError } from '../db/errors.ts';

export const PROBLEM_BASE = 'https://dealerline.dev/problems/';

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
    reasons: z.array(z.object({ code: z.string(), detail: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;
export type FieldError = z.infer<typeof fieldErrorSchema>;

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  428: 'Precondition required',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** An error that is already a problem response; throw it from a handler. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  /** A command the domain refused (counted in `dealerline_commands_refused_total`), not bad input. */
  readonly refusal: boolean;

  constructor(
    status: number,
    code: string,
    detail: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; refusal?: boolean } = {},
  ) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.refusal = options.refusal ?? false;
  }
}

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `${PROBLEM_BASE}${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && { errors }),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type('application/problem+json').send(body);
}

const REFUSAL_STATUS: Record<Refusal['kind'], number> = { rule: 422, conflict: 409, not_found: 404 };

export function refusalProblem(refusal: Refusal): HttpProblem {
  return new HttpProblem(REFUSAL_STATUS[refusal.kind], refusal.code, refusal.detail, { refusal: true });
}

export const notFound = (what: string) => new HttpProblem(404, 'not_found', `${what} was not found`);

/** A path like `body.lines.0.qty` from a validation context and a JSON pointer. */
function fieldPath(context: string | undefined, pointer: string): string {
  const segments = pointer.split('/').filter((segment) => segment !== '');
  return [context === 'querystring' ? 'query' : (context ?? 'body'), ...segments].join('.');
}

/** The parts of a request in the order fastify validates them, with where each is found. */
const REQUEST_PARTS = [
  ['params', (request: FastifyRequest) => request.params],
  ['body', (request: FastifyRequest) => request.body],
  ['querystring', (request: FastifyRequest) => request.query],
  ['headers', (request: FastifyRequest) => request.headers],
] as const;

/**
 * fastify stops at the first invalid part of a request (params, body, query, headers, in that
 * order); API.md wants every invalid field listed. So the parts after the failing one, not yet
 * validated (still as sent), are checked against their zod schemas here.
 */
function laterPartErrors(context: string | undefined, request: FastifyRequest): FieldError[] {
  const failed = REQUEST_PARTS.findIndex(([part]) => part === context);
  if (failed < 0) return [];
  const schemas = request.routeOptions.schema as Record<string, unknown> | undefined;
  const errors: FieldError[] = [];
  for (const [part, valueOf] of REQUEST_PARTS.slice(failed + 1)) {
    const schema = schemas?.[part];
    if (!(schema instanceof z.ZodType)) continue;
    try {
      const result = schema.safeParse(valueOf(request));
      if (!result.success) {
        for (const issue of result.error.issues)
          errors.push({ path: fieldPath(part, issue.path.map(String).join('/')), message: issue.message });
      }
    } catch {
      // A schema that cannot be checked synchronously: its part is validated on the next attempt.
    }
  }
  return errors;
}

function validationErrors(error: FastifyError, request: FastifyRequest): FieldError[] {
  const context = error.validationContext;
  const issues = hasZodFastifySchemaValidationErrors(error) ? error.validation : (error.validation ?? []);
  const errors = issues.map((issue) => ({ path: fieldPath(context, issue.instancePath), message: issue.message ?? 'is invalid' }));
  return [...errors, ...laterPartErrors(context, request)];
}

const FASTIFY_CLIENT_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_body'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_body'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_body'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'invalid_body'],
  FST_ERR_INVALID_URL: [400, 'invalid_url'],
};

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpProblem) {
      if (error.refusal) request.server.metrics?.commandsRefused.inc({ code: error.code });
      return sendProblem(reply, problem(error.status, error.code, error.message, error.errors), error.headers);
    }
    if (error.validation) {
      const errors = validationErrors(error, request);
      return sendProblem(
        reply,
        problem(400, 'validation_failed', `${errors.length} invalid field(s): ${errors.map((e) => e.path).join(', ')}`, errors),
      );
    }
    if (error instanceof ConcurrencyError) {
      return sendProblem(reply, problem(409, 'version_conflict', 'The resource was changed by someone else; reload it and retry'));
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (known) {
      const [status, code] = known;
      // A 400 names what is invalid: here the body (or the URL) as a whole.
      const errors = status === 400 ? [{ path: code === 'invalid_url' ? 'url' : 'body', message: error.message }] : undefined;
      return sendProblem(reply, problem(status, code, error.message, errors));
    }
    if (error.statusCode === 429) {
      return sendProblem(reply, problem(429, 'rate_limited', error.message));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      const errors = error.statusCode === 400 ? [{ path: 'request', message: error.message }] : undefined;
      return sendProblem(reply, problem(error.statusCode, 'bad_request', error.message, errors));
    }
    if (isTransientDatabaseError(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return sendProblem(reply, problem(503, 'unavailable', 'The database is unavailable; retry shortly'), { 'retry-after': '2' });
    }
    if (isResponseSerializationError(error))
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    else request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, problem(500, 'internal_error', 'An unexpected error occurred; it has been logged'));
  });
}

/** fastify's `frameworkErrors`: what it refuses before routing (bad URL encoding, an over-long parameter). */
export function frameworkErrorProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, problem(414, 'uri_too_long', 'A path parameter is too long'));
  } else if (error.code === 'FST_ERR_BAD_URL') {
    sendProblem(reply, problem(400, 'invalid_url', error.message, [{ path: 'url', message: 'is not validly percent-encoded' }]));
  } else {
    reply.log.error({ err: error }, 'unhandled framework error');
    sendProblem(reply, problem(500, 'internal_error', 'An unexpected error occurred; it has been logged'));
  }
}

/**
 * fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request
 * (headers over the limit, a bad Content-Length, a malformed request line), answered as a
 * problem too, then the connection closed, as Node itself does.
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are larger than the server accepts']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request was not received in time']
        : [400, 'bad_request', 'The request is not valid HTTP/1.1 (request line, headers or Content-Length)'];
  const body = JSON.stringify(problem(status, code, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
