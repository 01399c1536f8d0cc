// OpenAPI: the document at /openapi.json, Swagger UI at /docs, shared problem responses.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { problemSchema } from './problem.ts';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; every invalid field is listed in `errors`',
  401: 'Missing or invalid bearer token',
  403: 'The caller\'s role may not do this',
  404: 'Not found (also for another dealer\'s resources)',
  409: 'Conflict: stale If-Match or an illegal state transition',
  422: 'A business rule refused the command',
  429: 'Rate limited',
  503: 'Not ready (read models behind `minPosition`, or a dependency down); see Retry-After',
};

/** The problem+json responses a route can give, for its OpenAPI entry and serializer. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries([...statuses, 429, 503].map((status) => [status, problemSchema.describe(DESCRIPTIONS[status] ?? 'Error')]));
}

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
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
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
