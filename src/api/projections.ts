// Admin routes for projections: positions and lag, rebuild without downtime, resume after a failure.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RebuildInProgressError, rebuildProjection } from '../projections/rebuild.ts';
import { projectionStates, resumeProjection } from '../projections/status.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponses } from './openapi.ts';
import { HttpProblem, notFound } from './problem.ts';

const projectionStateSchema = z
  .object({
    name: z.string(),
    position: z.string(),
    lag: z.string().describe('Store head position minus the checkpoint.'),
    status: z.enum(['running', 'failed', 'stopped', 'rebuilding']),
    error: z.string().nullable(),
    rebuildPosition: z.string().nullable(),
  })
  .meta({ id: 'ProjectionState' });

export function projectionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const byName = (name: string) => {
    const projection = deps.projections.find((candidate) => candidate.name === name);
    if (!projection) throw notFound(`Projection ${name}`);
    return projection;
  };

  return async (app) => {
    app.get(
      '/v1/projections',
      {
        config: { access: [] },
        schema: {
          tags: ['projections'],
          summary: 'Projections with position, lag and status',
          response: { 200: z.array(projectionStateSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async () => projectionStates(deps.db, deps.store, deps.projections),
    );

    app.post(
      '/v1/projections/:name/rebuild',
      {
        config: { access: [] },
        schema: {
          tags: ['projections'],
          summary: 'Rebuild a projection from position 0 into fresh tables, then swap them in',
          description: 'Returns at once; the API keeps serving the current tables meanwhile. Watch progress in GET /v1/projections.',
          params: z.object({ name: z.string().max(100) }),
          response: { 202: z.object({ name: z.string(), status: z.literal('rebuilding') }), ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const projection = byName(request.params.name);
        const log = request.log.child({ projection: projection.name });
        const started = new Promise<void>((resolve, reject) => {
          rebuildProjection(projection, {
            db: deps.db,
            store: deps.store,
            locks: deps.locks,
            upcasting: deps.upcasting,
            onProgress: () => resolve(),
          }).then(
            (result) => {
              log.info(result, 'rebuild finished');
              resolve();
            },
            (error: unknown) => {
              if (error instanceof RebuildInProgressError) reject(new HttpProblem(409, 'rebuild_in_progress', error.message));
              else log.error({ err: error }, 'rebuild failed');
              resolve();
            },
          );
        });
        await started;
        return reply.code(202).send({ name: projection.name, status: 'rebuilding' as const });
      },
    );

    app.post(
      '/v1/projections/:name/resume',
      {
        config: { access: [] },
        schema: {
          tags: ['projections'],
          summary: 'Resume a failed projection from its checkpoint (after fixing the cause)',
          params: z.object({ name: z.string().max(100) }),
          response: { 200: projectionStateSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const projection = byName(request.params.name);
        await resumeProjection(deps.db, projection.name);
        const states = await projectionStates(deps.db, deps.store, [projection]);
        return states[0]!;
      },
    );
  };
}
