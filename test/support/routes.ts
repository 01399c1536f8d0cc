// The routes the running app serves, read from fastify's own route table, each with its OpenAPI
// operation and the access it declares; the security tests iterate over these, so new routes are
// covered without anyone listing them.
import type { FastifyInstance } from 'fastify';
import { ROLES, type Role } from '../../src/api/auth.ts';
import type { TestApp } from './app.ts';

export type Access = 'public' | readonly Role[];

export type OpenApiOperation = {
  description?: string;
  parameters?: { name: string; in: string; schema?: any }[];
  requestBody?: { content?: Record<string, { schema?: any }> };
};

export type ServedRoute = {
  method: string;
  /** As fastify declares it: `/v1/dealers/:id/credit`. */
  path: string;
  /** `POST /v1/dealers/{}/payments`: the method and the path with parameter names erased. */
  key: string;
  params: string[];
  /** Undefined when the route is hidden from the OpenAPI document. */
  operation: OpenApiOperation | undefined;
  /** What the route says of itself in its OpenAPI description (`Roles: ...` / `Public.`). */
  declared: Access | undefined;
};

export const COMMAND_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

const PARAM = /:([A-Za-z0-9_]+)(\([^)]*\))?|\{([A-Za-z0-9_]+)\}/g;

/** `GET /v1/orders/{id}` and `GET /v1/orders/:orderId` both become `GET /v1/orders/{}`. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(PARAM, '{}')}`;
}

/**
 * Every method and path in fastify's route table. fastify does not expose the table as data, so
 * this reads `printRoutes()` (one leaf per line, each child's path relative to its parent) and
 * then checks every path it made with `hasRoute`, so a change in that format fails loudly.
 */
export function fastifyRoutes(app: FastifyInstance): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const ancestors: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    ancestors.length = depth;
    // A parametric node shared by routes that name the parameter differently prints `:a|:b`.
    ancestors.push(match[2]!.split('|')[0]!);
    const path = ancestors.join('');
    for (const method of match[3]!.split(', ')) routes.push({ method, path });
  }
  for (const route of routes) {
    // find-my-way cannot look a wildcard up by its pattern; those print unambiguously anyway.
    if (!route.path.includes('*') && !app.hasRoute({ method: route.method, url: route.path })) {
      throw new Error(`Could not read the route table: ${route.method} ${route.path} is not a route`);
    }
  }
  return routes;
}

export function declaredAccess(description: string | undefined): Access | undefined {
  if (!description) return undefined;
  if (/(^|\n)Public\.$/m.test(description)) return 'public';
  const roles = /(?:^|\n)Roles: ([a-z, ]+)\.$/m.exec(description)?.[1];
  if (roles === undefined) return undefined;
  return roles.split(', ').filter((role): role is Role => role !== 'admin' && (ROLES as readonly string[]).includes(role));
}

/**
 * The API's routes: fastify's table without the HEAD twins of GET routes and without Swagger UI's
 * assets, each matched with its operation in the served `/openapi.json`. Fails if the document
 * names an operation fastify does not serve.
 */
export async function servedRoutes(app: TestApp): Promise<ServedRoute[]> {
  const document = (await app.request('GET', '/openapi.json')).body;
  const operations = new Map<string, OpenApiOperation>();
  for (const [path, byMethod] of Object.entries<Record<string, OpenApiOperation>>(document.paths)) {
    for (const [method, operation] of Object.entries(byMethod)) operations.set(routeKey(method, path), operation);
  }
  const routes = fastifyRoutes(app.running.app!)
    .filter((route) => route.method !== 'HEAD' && route.path !== '/docs' && !route.path.startsWith('/docs/'))
    .map((route): ServedRoute => {
      const key = routeKey(route.method, route.path);
      const operation = operations.get(key);
      return {
        ...route,
        key,
        params: [...route.path.matchAll(PARAM)].map((match) => match[1] ?? match[3]!),
        operation,
        declared: declaredAccess(operation?.description),
      };
    });
  const served = new Set(routes.map((route) => route.key));
  const undocumentedInTable = [...operations.keys()].filter((key) => !served.has(key));
  if (undocumentedInTable.length > 0) throw new Error(`OpenAPI operations missing from the route table: ${undocumentedInTable.join(', ')}`);
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** The path with each `:param` replaced by `value(param)` (URL-encoded unless `raw`). */
export function fillPath(route: Pick<ServedRoute, 'path'>, value: (param: string) => string, raw = false): string {
  return route.path.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, (_match, name: string) =>
    raw ? value(name) : encodeURIComponent(value(name)),
  );
}

/** A route's JSON body schema, with one `$ref` resolved. */
export function bodySchema(route: ServedRoute, document: { components?: { schemas?: Record<string, any> } }): any {
  const schema = route.operation?.requestBody?.content?.['application/json']?.schema;
  const ref = typeof schema?.$ref === 'string' ? /([^/]+)$/.exec(schema.$ref)?.[1] : undefined;
  return ref ? document.components?.schemas?.[ref] : schema;
}

/** The fields a route's JSON body schema names, for targeted bad input. */
export function bodyFields(route: ServedRoute, document: { components?: { schemas?: Record<string, any> } }): string[] {
  const schema = bodySchema(route, document);
  const variants = [schema, ...(schema?.anyOf ?? []), ...(schema?.oneOf ?? [])];
  return [...new Set(variants.flatMap((variant) => Object.keys(variant?.properties ?? {})))];
}

/** The query parameters a route's OpenAPI operation names. */
export function queryParameters(route: ServedRoute): string[] {
  return (route.operation?.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
}
