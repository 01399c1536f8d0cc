// Liveness, readiness (database, event store, enabled adapters) and Prometheus metrics.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from './deps.ts';
import { problemSchema } from './problem.ts';

const readinessSchema = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), z.boolean()) });

async function withTimeout(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: Pick<ApiDeps, 'readiness' | 'metrics'>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health/live',
      {
        config: { access: 'public' },
        schema: { tags: ['operations'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } },
        logLevel: 'warn',
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/health/ready',
      {
        config: { access: 'public' },
        schema: {
          tags: ['operations'],
          summary: 'Readiness: 200 only when the database, the event store and every enabled adapter answer',
          response: { 200: readinessSchema, 503: readinessSchema },
        },
        logLevel: 'warn',
      },
      async (_request, reply) => {
        const results = await Promise.all(deps.readiness.map(async ({ name, check }) => [name, await withTimeout(check, 2_000)] as const));
        const checks = Object.fromEntries(results);
        const ready = results.every(([, ok]) => ok);
        if (!ready) reply.code(503).header('retry-after', '5');
        return { status: ready ? ('ready' as const) : ('unavailable' as const), checks };
      },
    );

    app.get(
      '/metrics',
      {
        config: { access: 'public' },
        schema: {
          tags: ['operations'],
          summary: 'Prometheus metrics (text exposition format)',
          response: {
            200: {
              description: 'The metrics',
              content: { 'text/plain': { schema: z.string().describe('Prometheus text exposition format 0.0.4.') } },
            },
            // Unlike /health, /metrics counts against the rate limit.
            429: problemSchema.describe('Rate limited'),
          },
        },
        logLevel: 'warn',
      },
      async (_request, reply) => {
        reply.type(deps.metrics.registry.contentType);
        return deps.metrics.registry.metrics();
      },
    );
  };
}

/**
 * A process without the API (`dealerline worker`) serves only these: liveness, readiness and its
 * own metrics (the adapters' deliveries are counted where they run).
 */
export async function buildOperationsApp(
  deps: Pick<ApiDeps, 'readiness' | 'metrics'>,
  logger: FastifyBaseLogger,
): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(healthRoutes(deps));
  return app;
}
