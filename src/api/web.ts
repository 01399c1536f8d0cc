// The browser app (dealer portal and operations console): its built files under /assets, and
// index.html for the app's pages, whose router then reads the URL.
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * Where the app's pages live (a section, and an item in it: `/portal/orders/O-1`); any other path
 * stays the API's, where an unknown one is its 404 problem.
 */
const PAGES = [
  '/',
  '/signin',
  '/portal',
  '/portal/:section',
  '/portal/:section/:item',
  '/console',
  '/console/:section',
  '/console/:section/:item',
];

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Dealerline</title>
<p>The web app is not built yet: run <code>npm run build:web</code> (<code>npm start</code> does it when needed).</p>`;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function webRoutes(root = WEB_DIST): FastifyPluginAsync {
  return async (app) => {
    // Brotli or gzip copies made by the build are sent to browsers that accept them.
    await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
    const options = { config: { access: 'public' as const }, schema: { hide: true }, logLevel: 'warn' as const };

    const page = async (_request: unknown, reply: FastifyReply) => {
      if (!isFile(path.join(root, 'index.html'))) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };
    for (const url of PAGES) app.get(url, options, page);

    // Built file names carry a content hash: they never change, so browsers may keep them.
    app.get<{ Params: { file: string } }>('/assets/:file', options, async (request, reply) => {
      const file = `assets/${request.params.file}`;
      if (request.params.file.includes('/') || request.params.file.startsWith('.') || !isFile(path.join(root, file)))
        return reply.callNotFound();
      return reply.sendFile(file, { immutable: true, maxAge: '365d' });
    });
  };
}
