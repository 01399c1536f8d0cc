// The fastify application: plugins in order (ids, auth, limits, docs), then one routes plugin per resource.
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { sessionIsActive } from '../accounts/sessions.ts';
import { analyticsRoutes } from './analytics.ts';
import { registerAccessCheck, registerAuth } from './auth.ts';
import { authRoutes } from './auth-routes.ts';
import { creditRoutes } from './credit.ts';
import { dealerRoutes } from './dealers.ts';
import type { ApiDeps } from './deps.ts';
import { exportRoutes } from './exports.ts';
import { feedRoutes } from './feed.ts';
import { healthRoutes } from './health.ts';
import { integrationRoutes } from './integrations.ts';
import { registerHttpMetrics } from './metrics.ts';
import { notificationRoutes } from './notifications.ts';
import { registerOpenApi } from './openapi.ts';
import { clientErrorProblem, frameworkErrorProblem, registerProblemHandlers } from './problem.ts';
import { fulfillmentRoutes } from './fulfillment.ts';
import { orderRoutes } from './orders.ts';
import { productRoutes } from './products.ts';
import { promotionRoutes } from './promotions.ts';
import { recommendationRoutes } from './recommendations.ts';
import { projectionRoutes } from './projections.ts';
import { registerReadYourWrites } from './read-your-writes.ts';
import { rebateRoutes } from './rebates.ts';
import { returnRoutes } from './returns.ts';
import { stockRoutes } from './stock.ts';
import { stockReportRoutes } from './stock-reports.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { registerJsonParser, registerTextInputLimits } from './text-input.ts';
import { userRoutes } from './users.ts';
import { warehouseRoutes } from './warehouses.ts';
import { webRoutes } from './web.ts';
import { webhookRoutes } from './webhooks.ts';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** An answer slower than this is logged at `warn`. */
const SLOW_REQUEST_MS = 1_000;

/** Per dealer (its users share one budget), per staff user, and per address without a valid token. */
function rateLimitKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) return `ip:${request.ip}`;
  return principal.role === 'dealer' ? `dealer:${principal.dealerId}` : `user:${principal.sub}`;
}

/**
 * The rate limit, counted on every request before its body is read, whatever the answer will be
 * (401, 403, 400, 404 included), so that refused requests are as bounded as accepted ones.
 * Liveness and readiness probes are not counted.
 */
async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    allowList: (request) => request.routeOptions.config.access === 'public' && request.url.startsWith('/health'),
  });
  const limit = app.rateLimit();
  app.addHook('onRequest', limit);
  // A refusal sent before the body arrived closes the connection: the rest of it is never read.
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode >= 400 && !request.raw.complete) reply.header('connection', 'close');
  });
}

export async function buildApp(deps: ApiDeps, logger: Logger, version = '1.0.0'): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: deps.config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Keys like `__proto__` in a body are refused instead of silently dropped.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: { customOptions: { removeAdditional: false } },
    // Bad URL encoding and over-long path parameters are answered before routing: as problems too.
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
    // One line per request, written below: at `info` only what an operator must see.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Headers only at trace, and redacted there (src/logger.ts).
    request.log.trace({ req: { method: request.method, url: request.url, headers: request.headers } }, 'incoming request');
  });
  // The access log: server errors and slow answers at error/warn, every other answer at debug, so
  // that logging costs nothing on the hot path at the default level.
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : reply.elapsedTime >= SLOW_REQUEST_MS ? 'warn' : 'debug';
    request.log[level](
      { method: request.method, url: request.url, statusCode: status, responseTimeMs: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });
  registerJsonParser(app, deps.config.bodyLimitBytes);

  registerProblemHandlers(app);
  registerHttpMetrics(app, deps.metrics);
  registerAuth(app, deps.tokens);
  registerTextInputLimits(app);
  await registerRateLimit(app, deps.config.rateLimitPerMinute);
  registerAccessCheck(app, (sessionId) => sessionIsActive(deps.db, sessionId));
  registerReadYourWrites(app, deps.clock);
  await registerOpenApi(app, version);

  await app.register(healthRoutes(deps));
  await app.register(productRoutes(deps));
  await app.register(dealerRoutes(deps));
  await app.register(creditRoutes(deps));
  await app.register(warehouseRoutes(deps));
  await app.register(stockRoutes(deps));
  await app.register(stockReportRoutes(deps));
  await app.register(promotionRoutes(deps));
  await app.register(orderRoutes(deps));
  await app.register(analyticsRoutes(deps));
  await app.register(fulfillmentRoutes(deps));
  await app.register(returnRoutes(deps));
  await app.register(rebateRoutes(deps));
  await app.register(exportRoutes(deps));
  await app.register(projectionRoutes(deps));
  await app.register(feedRoutes(deps));
  await app.register(integrationRoutes(deps));
  await app.register(webhookRoutes(deps));
  await app.register(authRoutes(deps));
  await app.register(userRoutes(deps));
  await app.register(subscriptionRoutes(deps));
  await app.register(notificationRoutes(deps));
  await app.register(recommendationRoutes(deps));
  await app.register(webRoutes());

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  return app;
}
