// OpenAPI: the document at /openapi.json, Swagger UI at /docs, shared problem responses.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from './problem.ts';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; every invalid field is listed in `errors`',
  401: 'Missing or invalid bearer token',
  403: "The caller's role may not do this",
  404: "Not found (also for another dealer's resources)",
  409: 'Conflict: stale If-Match or an illegal state transition',
  413: 'The body is too large',
  414: 'A path parameter is too long',
  415: 'Unsupported media type',
  422: 'A business rule refused the command',
  429: 'Rate limited',
  503: 'Not ready (read models behind `minPosition`, or a dependency down); see Retry-After',
};

/** The problem+json responses a route can give, for its OpenAPI entry and serializer. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries([...statuses, 429, 503].map((status) => [status, problemSchema.describe(DESCRIPTIONS[status] ?? 'Error')]));
}

type Schema = Record<string, unknown>;
type Response = { description?: string; headers?: Record<string, Schema>; content?: Record<string, { schema?: Schema }> };
type Operation = {
  operationId?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string }[];
  requestBody?: { required?: boolean };
  responses?: Record<string, Response>;
};
type Document = {
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const SUCCESS_DESCRIPTIONS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

const PROBLEM_REF = '#/components/schemas/Problem';

const RETRY_AFTER = { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } };

const TAG_DESCRIPTIONS: Record<string, string> = {
  operations: 'Health and metrics',
  catalog: 'Products and price lists (ops write, everyone reads)',
  dealers: 'Dealers, their tier, territories, terms and status',
  credit: 'Credit limits, statements, payments and credit notes',
  inventory: 'Warehouses, stock, lots and expiry',
  promotions: 'Promotions and their eligibility',
  orders: 'Quotes, orders and their automated review',
  fulfilment: 'Shipments, deliveries and prepay payments',
  returns: 'Returns and refunds',
  finance: 'Exports for auditors',
  analytics: 'Sales, bestsellers, promotions, inventory and replenishment reports',
  projections: 'Read models: state and rebuilds',
  integration: 'Event feed, partner webhooks and delivery state',
  accounts: 'Sign-in, sessions and users',
  rebates: "Volume rebate programs, their settlement, and each dealer's standing",
  notifications: 'Inbox, webhook subscriptions and recommendations',
};

const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `post /v1/orders/{id}/returns/{returnId}/approve` → `postOrdersByIdReturnsByReturnIdApprove`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'v1')
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      return param
        ? `By${pascal(param)}`
        : segment
            .split(/[^A-Za-z0-9]+/)
            .map(pascal)
            .join('');
    });
  return `${method.toLowerCase()}${words.join('')}`;
}

/**
 * Statuses the platform gives whatever the route: any request can be malformed (bad URL encoding,
 * control characters or prototype keys in the query: 400); a path parameter can be too long (414);
 * a body, even where none is expected, can be too large or of another media type; an
 * Idempotency-Key can be in use (409) or reused with another body (422); a dealer naming another
 * dealer in `?dealerId=` is told it does not exist (404).
 */
function platformStatuses(method: string, path: string, operation: Operation): number[] {
  const parameter = (where: string, name: string) =>
    operation.parameters?.some((candidate) => candidate.in === where && candidate.name === name);
  return [
    400,
    ...(path.includes('{') ? [414] : []),
    ...(operation.requestBody || ['post', 'put', 'patch'].includes(method) ? [413, 415] : []),
    ...(parameter('header', 'idempotency-key') ? [409, 422] : []),
    ...(parameter('query', 'dealerId') && /^Roles: (.*, )?dealer[,.]/m.test(operation.description ?? '') ? [404] : []),
  ];
}

function addProblemResponses(operation: Operation, statuses: number[]): void {
  const responses = (operation.responses ??= {});
  for (const status of statuses) {
    responses[status] ??= {
      description: DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
    };
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** Every `#/components/schemas/<name>` the value refers to. */
function refsIn(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/'))
        into.add(item.slice('#/components/schemas/'.length));
      else refsIn(item, into);
    }
  }
  return into;
}

/**
 * What fastify-swagger leaves for strict OpenAPI checkers: an operationId per operation, problem
 * responses as `application/problem+json` (what the API sends) with Retry-After where it applies,
 * a description per response, the tags and servers declared, and no unused components.
 */
export function finishDocument<D extends object>(input: D, optionalBodies: ReadonlySet<string> = new Set()): D {
  const document = input as Document;
  const tags = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.operationId ??= operationIdOf(method, path);
      addProblemResponses(operation, platformStatuses(method, path, operation));
      // fastify-swagger marks every body required; some commands may be sent without one.
      if (operation.requestBody && optionalBodies.has(`${method.toUpperCase()} ${path}`)) operation.requestBody.required = false;
      for (const tag of operation.tags ?? []) tags.add(tag);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === undefined || response.description === 'Default Response') {
          response.description = SUCCESS_DESCRIPTIONS[status] ?? 'Response';
        }
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && response.content && json?.schema?.$ref === PROBLEM_REF) {
          const { 'application/json': _json, ...others } = response.content;
          response.content = { 'application/problem+json': json, ...others };
        }
        if (status === '429' || status === '503') response.headers = { 'Retry-After': RETRY_AFTER, ...response.headers };
      }
    }
  }
  document.tags = [
    ...(document.tags ?? []),
    ...[...tags]
      .filter((name) => !document.tags?.some((tag) => tag.name === name))
      .map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] && { description: TAG_DESCRIPTIONS[name] }) })),
  ];
  document.servers ??= [{ url: '/', description: 'This server' }];

  const schemas = document.components?.schemas;
  if (schemas) {
    const used = refsIn({ ...document, components: { ...document.components, schemas: {} } }, new Set());
    for (const name of used) refsIn(schemas[name], used); // the set grows while it is iterated: transitive
    for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  }
  return input;
}

/** `/v1/orders/:id/cancel` → `/v1/orders/{id}/cancel`, as the document spells paths. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  /** `POST /v1/orders/{id}/cancel`: the operations whose body schema accepts no body at all. */
  const optionalBodies = new Set<string>();
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Dealerline API',
        version,
        description:
          'B2B dealer ordering: catalog, orders with automated review, credit, stock, fulfilment, finance and integration. ' +
          'Errors are RFC 9457 problem details. Every command response carries `position`; any GET accepts `minPosition` ' +
          'to read its own writes.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: (input) => {
      const body: unknown = input.schema?.body;
      if (body instanceof z.ZodType && body.safeParse(undefined).success) {
        for (const method of [input.route.method].flat()) optionalBodies.add(`${method} ${openApiPath(input.url)}`);
      }
      return jsonSchemaTransform(input);
    },
    transformObject: (input) => finishDocument(jsonSchemaTransformObject(input), optionalBodies),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
