// The browser app (dealer portal and operations console): its built files at `/`, and
// index.html for every other page path, so the app's own router can take the URL.
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the API and its documents own: an unknown one there is the API's 404, never the app. */
const SERVER_PATHS = /^(v1|health|docs|metrics|openapi\.json)(\/|$)/;

/** Built file names carry a content hash: they never change, so browsers may keep them. */
const HASHED_ASSETS = 'assets/';

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
    await app.register(fastifyStatic, { root, serve: false, preCompressed: true });

    app.get<{ Params: { '*': string } }>('/*', { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
      const file = path.posix.normalize(request.params['*'] || '.');
      if (SERVER_PATHS.test(file) || file.startsWith('..')) return reply.callNotFound();
      if (file !== 'index.html' && isFile(path.join(root, file))) {
        return file.startsWith(HASHED_ASSETS) ? reply.sendFile(file, { immutable: true, maxAge: '365d' }) : reply.sendFile(file, { maxAge: 0 });
      }
      // A missing asset is a 404, not the page: a browser would try to run HTML as a script.
      if (file.startsWith(HASHED_ASSETS)) return reply.callNotFound();
      if (!isFile(path.join(root, 'index.html'))) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      // Every other path is a page of the app: its router reads the URL.
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  };
}
