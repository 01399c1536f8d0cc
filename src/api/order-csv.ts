// CSV order import: `sku,qty` rows into order lines, or a 400 naming every bad line.
import { parse } from 'csv-parse/sync';
import { orderLineInputSchema } from '../domain/ordering/order.ts';
import type { CartLine } from '../domain/ordering/cart.ts';
import { HttpProblem, type FieldError } from './problem.ts';

const MAX_LINES = 500;

/** Lines are numbered as in the file: the header is line 1. */
export function parseOrderCsv(text: string): CartLine[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new HttpProblem(400, 'validation_failed', 'The CSV could not be read', {
      errors: [{ path: line ? `line ${line}` : 'body', message: error instanceof Error ? error.message : 'is not valid CSV' }],
    });
  }
  const [header, ...rows] = records;
  const columns = header?.record.map((cell) => cell.toLowerCase());
  if (!columns || columns.length !== 2 || columns[0] !== 'sku' || columns[1] !== 'qty') {
    throw new HttpProblem(400, 'validation_failed', 'The CSV needs the header "sku,qty"', {
      errors: [{ path: 'line 1', message: 'must be the header sku,qty' }],
    });
  }
  const errors: FieldError[] = [];
  const lines: CartLine[] = [];
  for (const { record, info } of rows) {
    const at = `line ${info.lines}`;
    if (record.length !== 2) {
      errors.push({ path: at, message: `has ${record.length} columns; expected sku,qty` });
      continue;
    }
    const qtyText = record[1]!;
    const parsed = orderLineInputSchema.safeParse({ sku: record[0], qty: /^-?\d+$/.test(qtyText) ? Number(qtyText) : qtyText });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ path: `${at}.${issue.path.join('.')}`, message: issue.message });
      continue;
    }
    lines.push(parsed.data);
  }
  if (rows.length === 0) errors.push({ path: 'line 2', message: 'the file has no order lines' });
  if (rows.length > MAX_LINES) errors.push({ path: `line ${MAX_LINES + 2}`, message: `at most ${MAX_LINES} lines per order` });
  if (errors.length > 0) throw new HttpProblem(400, 'validation_failed', `${errors.length} problem(s) in the CSV`, { errors });
  return lines;
}
