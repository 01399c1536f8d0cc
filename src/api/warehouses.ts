// Warehouse routes: ops register warehouses; staff list them.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerWarehouseSchema } from '../domain/inventory/warehouse.ts';
import { registerWarehouse } from '../processes/registrations.ts';
import { listWarehouses } from '../projections/inventory/queries.ts';
import type { Role } from './auth.ts';
import { commandContext, positionOf, send } from './commands.ts';
import type { ApiDeps } from './deps.ts';
import { idempotencyKeyHeader, withIdempotency } from './idempotency.ts';
import { problemResponses } from './openapi.ts';
import { decodeCursor, pageOf, pageQuery, paginate } from './pagination.ts';
import { refusalProblem } from './problem.ts';

const STAFF: Role[] = ['ops', 'finance', 'analyst', 'integration'];

const warehouseSchema = z
  .object({ id: z.string(), name: z.string(), regionCode: z.string(), registeredAt: z.iso.datetime() })
  .meta({ id: 'Warehouse' });

const warehouseWrittenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    regionCode: z.string(),
    position: z.string().describe('Global position of the last event of this command.'),
  })
  .meta({ id: 'WarehouseWritten' });

export function warehouseRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { commands, store, db } = deps;

  return async (app) => {
    app.post(
      '/v1/warehouses',
      {
        config: { access: ['ops'] },
        schema: {
          tags: ['inventory'],
          summary: 'Register a warehouse',
          headers: z.object({ 'idempotency-key': idempotencyKeyHeader }),
          body: registerWarehouseSchema,
          response: { 201: warehouseWrittenSchema, ...problemResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) =>
        send(
          reply,
          await withIdempotency(db, request, async () => {
            const { id } = request.body;
            const handled = await registerWarehouse(commands, request.body, commandContext(request));
            if (!handled.ok) throw refusalProblem(handled.refusal);
            return { status: 201, body: { ...request.body, id, position: await positionOf(store, handled.position) } };
          }),
        ),
    );

    app.get(
      '/v1/warehouses',
      {
        config: { access: STAFF },
        schema: {
          tags: ['inventory'],
          summary: 'List warehouses',
          querystring: z.object({ ...pageQuery }),
          response: { 200: pageOf(warehouseSchema), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const rows = await listWarehouses(db, { limit, after: decodeCursor(cursor, z.string()) });
        return paginate(
          rows,
          limit,
          (row) => ({ ...row, registeredAt: row.registeredAt.toISOString() }),
          (row) => row.id,
        );
      },
    );
  };
}
