// Cursor paging for every list: `?limit=&cursor=` in, `{ items, nextCursor }` out.
import { z } from 'zod';
import { isoDateSchema, isoDateTimeSchema } from '../domain/shared/values.ts';
import { HttpProblem } from './problem.ts';
import { storable } from './text-input.ts';

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1-500 (default 50).'),
  cursor: z.string().max(500).optional().describe('The `nextCursor` of the previous page.'),
};

export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Dates and instants in cursors, typed as the columns they are compared with: a cursor is client
 * input, and one the database cannot compare (a day that does not exist, a NUL) must be a 400.
 */
export const cursorPart = { instant: isoDateTimeSchema, day: isoDateSchema };

/** Decodes a cursor made by encodeCursor; a tampered one is a 400 naming the field. */
export function decodeCursor<Schema extends z.ZodType>(cursor: string | undefined, schema: Schema): z.infer<Schema> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success && storableStrings(parsed.data)) return parsed.data;
  } catch {
    // fall through to the problem below
  }
  throw new HttpProblem(400, 'validation_failed', 'The cursor is not one this API issued', {
    errors: [{ path: 'query.cursor', message: 'is not a valid cursor' }],
  });
}

/** Whether every string in a decoded cursor could be sent to the database. */
function storableStrings(value: unknown): boolean {
  if (typeof value === 'string') return storable(value);
  if (value !== null && typeof value === 'object') return Object.values(value).every(storableStrings);
  return true;
}

/** Given `limit + 1` rows, the page and the cursor for the rest. */
export function paginate<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, cursorOf: (row: Row) => unknown) {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { items: page.map(toItem), nextCursor: more ? encodeCursor(cursorOf(page[page.length - 1]!)) : null };
}
