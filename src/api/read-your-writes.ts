// `minPosition` on every GET: wait (up to 5 s) until the read models have reached a position.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReadModelClock } from '../projections/read-model-clock.ts';
import { HttpProblem } from './problem.ts';

export const positionSchema = z.string().regex(/^\d{1,20}$/, 'must be a position: a decimal string');

const minPositionField = positionSchema.optional().describe('Wait (up to 5 s, then 503) until read models include this position.');

const WAIT_MS = 5_000;

/** Every GET route gets the documented `minPosition` query field and the wait. */
export function registerReadYourWrites(app: FastifyInstance, clock: ReadModelClock): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('GET') || !route.url.startsWith('/v1/') || !route.schema) return;
    const query = route.schema.querystring;
    if (query === undefined) route.schema.querystring = z.object({ minPosition: minPositionField });
    else if (query instanceof z.ZodObject) route.schema.querystring = query.extend({ minPosition: minPositionField });
    else throw new Error(`GET ${route.url}: querystring must be a zod object`);
  });

  app.addHook('preHandler', async (request) => {
    if (request.method !== 'GET') return;
    const minPosition = (request.query as { minPosition?: string } | undefined)?.minPosition;
    if (minPosition === undefined) return;
    const caughtUp = await clock.waitFor(minPosition, WAIT_MS);
    if (!caughtUp.reached) {
      throw new HttpProblem(
        503,
        'read_models_behind',
        `Read models have not reached position ${minPosition} yet (${caughtUp.behind.join(', ')})`,
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
  });
}
