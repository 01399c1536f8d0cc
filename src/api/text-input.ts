// Text input: refuses input Postgres cannot
// store (NUL characters, unpaired surrogates, JSON nested past jsonb's limits) with a 400 naming
// each field, instead of a 500 from the database.
import type { FastifyInstance } from 'fastify';
import { HttpProblem, type FieldError } from './problem.ts';

export const MAX_JSON_DEPTH = 32;

/** Text PostgreSQL can store: well-formed UTF-16 without NUL characters. */
export const storable = (text: string) => text.isWellFormed() && !text.includes('\u0000');

/**
 * Whether JSON nests deeper than MAX_JSON_DEPTH: one pass over the raw bytes (UTF-8 never uses
 * bytes below 0x80 inside a character), stopping at the first container too deep, before any
 * string is made of them. A megabyte of `[[[[…` costs microseconds instead of a full parse.
 */
export function nestedTooDeep(json: Uint8Array): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < json.length; index++) {
    const byte = json[index];
    if (inString) {
      if (byte === 0x5c) index++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}

export const tooDeepProblem = () =>
  new HttpProblem(400, 'validation_failed', `The body is nested more than ${MAX_JSON_DEPTH} levels deep`, {
    errors: [{ path: 'body', message: `is nested more than ${MAX_JSON_DEPTH} levels deep` }],
  });

/**
 * The JSON body parser: fastify's own (which refuses `__proto__` keys), after the nesting check,
 * so that what is refused for its shape is refused before it is parsed.
 */
export function registerJsonParser(app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    if (nestedTooDeep(body as Buffer)) done(tooDeepProblem(), undefined);
    // fastify's parser answers through done; its return value (a promise in the typings) carries nothing.
    else void parse(request, (body as Buffer).toString('utf8'), done);
  });
}

/** Every problem in one part of a request (`body`, `query`, `params`), walked without recursion. */
function unstorable(root: unknown, context: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: context, depth: 0 }];
  while (pending.length > 0 && errors.length < 50) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (!storable(value)) errors.push({ path, message: 'must not contain NUL characters or unpaired surrogates' });
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) {
        errors.push({ path, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` });
        continue;
      }
      for (const [key, item] of Object.entries(value)) {
        if (!storable(key)) errors.push({ path, message: 'has a key with NUL characters or unpaired surrogates' });
        else pending.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
      }
    }
  }
  return errors;
}

export function registerTextInputLimits(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors = [...unstorable(request.params, 'params'), ...unstorable(request.query, 'query'), ...unstorable(request.body, 'body')];
    if (errors.length > 0) {
      throw new HttpProblem(
        400,
        'validation_failed',
        `${errors.length} invalid field(s): ${errors.map((error) => error.path).join(', ')}`,
        { errors },
      );
    }
  });
}
