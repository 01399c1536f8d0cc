// The README and docs/ say only what works: every relative link and anchor leads somewhere, every
// `npm run X` is a script, the configuration table is exactly what src/config.ts reads, every API
// call the docs show (curl examples and `METHOD /v1/...` mentions) is a route the app serves, the
// benchmark figures are the last report's, and the front door stays small.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { bodyFields, servedRoutes, type ServedRoute } from './support/routes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

type Doc = { file: string; text: string };

async function docs(): Promise<Doc[]> {
  const files = [
    'README.md',
    ...(await readdir(path.join(root, 'docs'))).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
  ];
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(root, file), 'utf8') })));
}

/** The text outside fenced code blocks (links in code are examples, not links). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** The contents of fenced code blocks. */
const codeBlocks = (text: string) => [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)].map((match) => match[1]!);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const text = match[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

describe('README and docs/', () => {
  let all: Doc[];
  beforeAll(async () => {
    all = await docs();
  });

  it('link only to files and headings that exist', async () => {
    const broken: string[] = [];
    let checked = 0;
    for (const { file, text } of all) {
      // Inline code is not a link either.
      const links = [
        ...prose(text)
          .replace(/`[^`\n]*`/g, '')
          .matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?: "[^"]*")?\)/g),
      ].map((match) => match[1]!);
      for (const link of links) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        checked += 1;
        const [target = '', anchor] = link.split('#') as [string, string | undefined];
        const resolved =
          target === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(target));
        if (!resolved.startsWith(root) || !(await exists(resolved))) {
          broken.push(`${file}: ${link} (no such file)`);
          continue;
        }
        if (anchor !== undefined) {
          if (!resolved.endsWith('.md')) {
            broken.push(`${file}: ${link} (an anchor into a file that is not Markdown)`);
            continue;
          }
          if (!anchors(await readFile(resolved, 'utf8')).has(anchor)) broken.push(`${file}: ${link} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('name only npm scripts that exist', async () => {
    const { scripts } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const named = new Set(
      all.flatMap(({ text }) => [...text.matchAll(/\bnpm run (?:(?:-s|--silent) )?([a-z][\w:-]*)/g)].map((match) => match[1]!)),
    );
    expect([...named].filter((name) => !(name in scripts))).toEqual([]);
    expect([...named]).toEqual(expect.arrayContaining(['dealerline', 'bench', 'typecheck', 'lint']));
    expect(scripts).toHaveProperty('start');
    expect(scripts).toHaveProperty('test');
  });

  it("document exactly the environment variables src/config.ts reads, in the README's configuration table", async () => {
    // What loadConfig reads, observed: every variable it looks up in the environment it is given.
    const read = new Set<string>();
    const env = new Proxy<NodeJS.ProcessEnv>(
      { NODE_ENV: 'test' },
      {
        get(target, key) {
          if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) read.add(key);
          return Reflect.get(target, key);
        },
      },
    );
    loadConfig(env);
    expect(read.size).toBeGreaterThan(15);

    const readme = all.find(({ file }) => file === 'README.md')!.text;
    const section = readme.slice(readme.indexOf('\n## Configuration\n'));
    const table = section.slice(0, section.indexOf('\n## ', 1));
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    const documented = new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!)));

    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
    expect([...documented].filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it('keep the README a front door', () => {
    const readme = all.find(({ file }) => file === 'README.md')!.text;
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(10_240);
  });

  it('read as reference, not as a work diary', () => {
    const diary = /\b(this morning|this afternoon|this evening|this session|yesterday|we tried|I tried)\b/i;
    expect(all.filter(({ text }) => diary.test(text)).map(({ file, text }) => `${file}: "${diary.exec(text)![0]}"`)).toEqual([]);
  });

  it("show the last full benchmark report's figures in docs/performance.md", async () => {
    const performance = all.find(({ file }) => file === 'docs/performance.md')!.text;
    const begin = '<!-- bench:begin -->\n';
    const shown = performance.slice(performance.indexOf(begin) + begin.length, performance.indexOf('<!-- bench:end -->'));
    const latest = await readFile(path.join(root, 'bench/results/latest.md'), 'utf8');
    // bench/run.ts writes the same report one heading level down.
    expect(shown).toBe(latest.replace(/^#/gm, '##'));
  });
});

describe('API calls in README and docs/', () => {
  let app: TestApp;
  let routes: (ServedRoute & { segments: string[] })[];
  let document: { components?: { schemas?: Record<string, unknown> } };
  beforeAll(async () => {
    app = await startTestApp({}, { workers: false });
    routes = (await servedRoutes(app)).map((route) => ({ ...route, segments: route.path.split('/') }));
    document = (await app.request('GET', '/openapi.json')).body;
  });

  /**
   * Whether a route serves a path as the docs write it. A parameter takes any value, except a
   * lower-case word (`review-queue`): that is a fixed part of some path, so a misspelt one is not
   * mistaken for an id.
   */
  const serves = (route: { method: string; segments: string[] }, method: string, segments: readonly string[]) =>
    route.method === method &&
    route.segments.length === segments.length &&
    route.segments.every((part, index) => (part.startsWith(':') ? !/^[a-z]+(-[a-z]+)*$/.test(segments[index]!) : part === segments[index]));
  afterAll(async () => {
    await app?.stop();
  });

  type Call = { method: string; path: string; example: string; body?: string };

  /** `METHOD path` of every curl command in the docs' code blocks (continued lines joined), with its literal JSON body. */
  function curlCalls(text: string): Call[] {
    const calls: Call[] = [];
    for (const block of codeBlocks(text)) {
      const commands = block.replace(/\\\n\s*/g, ' ').split('\n');
      for (const command of commands) {
        for (const curl of command.split(/(?=\bcurl )/).filter((part) => part.startsWith('curl '))) {
          const url = /(?:\$BASE|\$\{BASE\}|https?:\/\/[^/'"\s]+)(\/[^'"\s?]*)/.exec(curl)?.[1];
          if (!url) continue;
          const explicit = /(?:-X|--request) +([A-Z]+)/.exec(curl)?.[1];
          const method = explicit ?? (/\s(?:-d|--data|--data-binary|--data-raw|-F)\s/.test(curl) ? 'POST' : 'GET');
          const body = /\s(?:-d|--data|--data-raw) '(\{[^']*\})'/.exec(curl)?.[1];
          calls.push({ method, path: url, example: curl.trim().slice(0, 160), ...(body === undefined ? {} : { body }) });
        }
      }
    }
    return calls;
  }

  /** `GET /v1/orders/{id}`-style mentions in the prose and tables; `a|b` segments mean both. */
  function mentionedCalls(text: string): Call[] {
    const calls: Call[] = [];
    for (const match of text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) +(\/v1\/[^\s`'"?)*,;]*)/g)) {
      const [example, method, raw] = match as unknown as [string, string, string];
      let paths = [raw.replace(/[.:]+$/, '')];
      while (paths.some((candidate) => candidate.includes('|'))) {
        paths = paths.flatMap((candidate) => {
          const segments = candidate.split('/');
          const index = segments.findIndex((segment) => segment.includes('|'));
          if (index < 0) return [candidate];
          return segments[index]!.split('|').map((choice) => [...segments.slice(0, index), choice, ...segments.slice(index + 1)].join('/'));
        });
      }
      for (const candidate of paths) calls.push({ method, path: candidate, example });
    }
    return calls;
  }

  /** Shell variables, placeholders and {params} stand for one path segment each. */
  const concrete = (path: string) => path.replace(/\$\{?[A-Za-z_]+\}?|<[^>/]+>|\{[^}/]+\}/g, 'X-1').split('/');

  it('are routes the app serves, with that method', async () => {
    const all = await docs();
    const calls = all.flatMap(({ file, text }) => [...curlCalls(text), ...mentionedCalls(text)].map((call) => ({ ...call, file })));
    const unknown = calls
      .filter((call) => call.path.startsWith('/v1/') || call.path.startsWith('/health/') || call.path === '/metrics')
      .filter((call) => {
        return !routes.some((route) => serves(route, call.method, concrete(call.path)));
      })
      .map((call) => `${call.file}: ${call.method} ${call.path}  (${call.example})`);
    expect(unknown).toEqual([]);
    const fromCurl = all.flatMap(({ text }) => curlCalls(text));
    expect(fromCurl.length).toBeGreaterThan(40);
  });

  it('send JSON bodies the routes accept (no 400: every field named and shaped as the schema says)', async () => {
    const all = await docs();
    const withBodies = all.flatMap(({ file, text }) =>
      curlCalls(text).flatMap((call) => (call.body === undefined ? [] : [{ ...call, body: call.body, file }])),
    );
    expect(withBodies.length).toBeGreaterThanOrEqual(10);
    const refused: string[] = [];
    for (const call of withBodies) {
      const segments = concrete(call.path);
      const route = routes.find((candidate) => serves(candidate, call.method, segments))!;
      // The role the route is for (a dealer's routes with a dealer's token), so the body meets the check a caller meets.
      const role =
        route.declared === 'public' || route.declared === undefined || route.declared.length === 0 ? 'admin' : route.declared[0]!;
      const token = role === 'dealer' ? app.token('dealer', 'D-1001') : app.token(role);
      const body = JSON.parse(call.body) as Record<string, unknown>;
      // A field the schema does not name would be dropped without a word: the docs must not show one.
      const fields = bodyFields(route, document);
      const unknown = Object.keys(body).filter((field) => !fields.includes(field));
      if (unknown.length > 0) refused.push(`${call.file}: ${call.example} → fields the route does not take: ${unknown.join(', ')}`);
      const response = await app.request(call.method, segments.join('/'), { token, body });
      if (response.status === 400 || response.status === 415)
        refused.push(`${call.file}: ${call.example} → ${response.status} ${JSON.stringify(response.body.errors ?? response.body.detail)}`);
    }
    expect(refused).toEqual([]);
  });
});
