// A dealer's order file into order lines: the header row found (names in English or Chinese),
// each row's SKU or GTIN and quantity, matched against the catalog, with "did you mean"
// suggestions from the catalog search for what does not match. Every problem names its sheet,
// row and column; the list of problems is bounded.
import { z } from 'zod';
import type pg from 'pg';
import type { Db } from '../db/database.ts';
import { orderLineInputSchema } from '../domain/ordering/order.ts';
import { gtinSchema } from '../domain/shared/values.ts';
import { importMatches, type ImportMatch } from '../projections/catalog/queries.ts';
import { searchCatalog } from '../projections/catalog/search/catalog-page.ts';
import { CatalogVocabulary } from '../projections/catalog/search/vocabulary.ts';
import type { OrderSheet, SheetRow } from './order-file.ts';
import { HttpProblem, type FieldError } from './problem.ts';

/** Lines an order may have (as POST /v1/orders). */
export const MAX_LINES = 500;
/** Problems listed at most; the rest are counted. */
const MAX_PROBLEMS = 50;
/** Rows looked at for the header (a title or a date may come first). */
const HEADER_ROWS = 10;
/** Unmatched lines given suggestions (each is a search), and suggestions per line. */
const MAX_SUGGESTED_LINES = 20;
const SUGGESTIONS = 3;

const COLUMN_NAMES = {
  sku: ['sku', 'sku编码', '商品编码', '货号', '物料编码', '产品编码', '商品代码', 'itemcode'],
  gtin: ['gtin', 'ean', 'barcode', '条码', '条形码', '商品条码'],
  qty: ['qty', 'quantity', '数量', '订货数量', '订购数量', '采购数量'],
  name: ['name', 'productname', 'product', '商品名称', '品名', '名称', '产品名称'],
} as const;
type Field = keyof typeof COLUMN_NAMES;
type Columns = Partial<Record<Field, number>>;

/** Rows that sum the order up rather than order something. */
const TOTAL_ROW = /^(合计|总计|小计|total|sum)(?![a-z])/i;

export const suggestionSchema = z.object({ sku: z.string(), name: z.string(), gtin: z.string().nullable() });

export const importLineSchema = z.object({
  row: z.number().int().describe('The row in its sheet (a CSV file: its line, the header being line 1).'),
  sheet: z.string().optional().describe('The worksheet, in a workbook.'),
  sku: z.string().nullable().describe("The catalog's SKU when matched; else the SKU as written (null for a line by GTIN alone)."),
  gtin: z.string().optional().describe('The GTIN as written, for a line that gave one.'),
  qty: z.number().int(),
  matched: z.boolean().describe('Whether an active product of the catalog has this SKU or GTIN.'),
  name: z.string().optional().describe("The matched product's name."),
  suggestions: z
    .array(suggestionSchema)
    .optional()
    .describe('For an unmatched line: the products the catalog search finds for its SKU text or name.'),
});

/** A line matched, with where its GTIN cell is (for a problem naming it). */
export type ImportLine = z.infer<typeof importLineSchema> & { gtinCell?: string };

/** Problems, at most MAX_PROBLEMS listed. */
class Problems {
  readonly list: FieldError[] = [];
  #more = 0;

  add(path: string, message: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push({ path, message });
    else this.#more += 1;
  }

  get size(): number {
    return this.list.length + this.#more;
  }

  refusal(): HttpProblem {
    const errors = this.#more > 0 ? [...this.list, { path: 'body', message: `and ${this.#more} more problem(s) not listed` }] : this.list;
    return new HttpProblem(400, 'validation_failed', `${this.size} problem(s) in the order file`, { errors });
  }
}

const COLUMN_LETTERS = (index: number): string =>
  (index < 26 ? '' : COLUMN_LETTERS(Math.floor(index / 26) - 1)) + String.fromCharCode(65 + (index % 26));

/** Where a cell is: `line 3.qty` in a CSV file, `订单!C3` in a workbook. */
function locate(sheet: OrderSheet, row: number, column?: number, field?: Field): string {
  if (sheet.kind === 'csv') return `line ${row}${field ? `.${field}` : ''}`;
  return `${sheet.name}!${column === undefined ? '' : COLUMN_LETTERS(column)}${row}`;
}

const headerKey = (cell: string) =>
  cell
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[（(][^)）]*[)）]/g, '')
    .replace(/[\s_*:：-]/g, '');

function columnsOf(row: SheetRow): Columns {
  const columns: Columns = {};
  row.cells.forEach((cell, index) => {
    const key = headerKey(cell);
    for (const field of Object.keys(COLUMN_NAMES) as Field[]) {
      if (columns[field] === undefined && (COLUMN_NAMES[field] as readonly string[]).includes(key)) columns[field] = index;
    }
  });
  return columns;
}

type Header = { sheet: OrderSheet; at: number; columns: Columns; width: number };

/** The first sheet with a header row naming a SKU or GTIN column and a quantity column. */
function headerOf(sheets: OrderSheet[]): Header {
  for (const sheet of sheets) {
    for (let at = 0; at < Math.min(HEADER_ROWS, sheet.rows.length); at++) {
      const row = sheet.rows[at]!;
      const columns = columnsOf(row);
      if ((columns.sku !== undefined || columns.gtin !== undefined) && columns.qty !== undefined)
        return { sheet, at, columns, width: row.cells.length };
    }
  }
  const first = sheets[0]!;
  const where = first.kind === 'csv' ? 'line 1' : sheets.map((sheet) => `${sheet.name}!1`).join(', ');
  throw new HttpProblem(400, 'validation_failed', 'The order file needs a header row', {
    errors: [
      {
        path: where,
        message:
          'must be a header row naming the SKU column (sku, 商品编码, 货号 or 物料编码) or the GTIN column (gtin, 条码 or 条形码), and the quantity column (qty, 数量 or 订货数量)',
      },
    ],
  });
}

/** A quantity as written: `12`, `12.0`, `１２`, `1,200`; anything else as it is, for the schema to refuse. */
function quantityOf(text: string): number | string {
  const plain = text.normalize('NFKC').replace(/^(\d{1,3}(,\d{3})+)$/, (digits) => digits.replaceAll(',', ''));
  return /^-?\d+(\.0+)?$/.test(plain) ? Number(plain) : text;
}

/** What Excel makes of a long number in a CSV cell it wrote: 6.92296E+12. */
const SHORTENED_NUMBER = /^\d(\.\d+)?e\+\d+$/i;

/** A line as the file writes it. */
type ReadLine = { row: number; skuText?: string; gtin?: string; gtinCell?: string; qty: number; name?: string };

export type ReadLines = { sheet: string | undefined; lines: ReadLine[] };

/** The order lines of the file as written, or a 400 naming every bad cell. */
export function readImportLines(sheets: OrderSheet[]): ReadLines {
  const { sheet, at, columns, width } = headerOf(sheets);
  const problems = new Problems();
  const lines: ReadLine[] = [];
  const cell = (row: SheetRow, field: Field) => (columns[field] === undefined ? '' : (row.cells[columns[field]] ?? '').trim());
  for (const row of sheet.rows.slice(at + 1)) {
    const skuText = cell(row, 'sku');
    const gtinText = cell(row, 'gtin');
    if (row.cells.every((text) => text.trim() === '')) continue;
    if (TOTAL_ROW.test(skuText) || (!skuText && !gtinText && row.cells.some((text) => TOTAL_ROW.test(text.trim())))) continue;
    // A CSV row longer than its header is a row cut wrongly, not an extra column.
    if (sheet.kind === 'csv' && row.cells.length > width && row.cells.slice(width).some((text) => text !== '')) {
      problems.add(locate(sheet, row.number), `has ${row.cells.length} columns; the header has ${width}`);
      continue;
    }
    if (lines.length + problems.size >= MAX_LINES) {
      problems.add(locate(sheet, row.number), `at most ${MAX_LINES} lines per order`);
      break;
    }
    const where = (field: Field) => locate(sheet, row.number, columns[field], field);
    const before = problems.size;
    let gtin: string | undefined;
    if (skuText) {
      const sku = orderLineInputSchema.shape.sku.safeParse(skuText);
      if (!sku.success) problems.add(where('sku'), sku.error.issues[0]!.message);
    } else if (gtinText) {
      const parsed = gtinSchema.safeParse(gtinText.normalize('NFKC'));
      if (parsed.success) gtin = parsed.data;
      else if (SHORTENED_NUMBER.test(gtinText))
        problems.add(
          where('gtin'),
          `${gtinText} is a barcode a spreadsheet shortened to a number: format the column as text and export again`,
        );
      else problems.add(where('gtin'), parsed.error.issues[0]!.message);
    } else {
      problems.add(where(columns.sku !== undefined ? 'sku' : 'gtin'), 'needs a SKU or a GTIN');
    }
    const qty = orderLineInputSchema.shape.qty.safeParse(quantityOf(cell(row, 'qty')));
    if (!qty.success) problems.add(where('qty'), qty.error.issues[0]!.message);
    if (problems.size > before || !qty.success) continue;
    const name = cell(row, 'name');
    lines.push({
      row: row.number,
      ...(skuText ? { skuText } : { gtin: gtin!, gtinCell: where('gtin') }),
      qty: qty.data,
      ...(name && { name }),
    });
  }
  if (lines.length === 0 && problems.size === 0)
    problems.add(locate(sheet, (sheet.rows[at]?.number ?? 0) + 1), 'the file has no order lines');
  if (problems.size > 0) throw problems.refusal();
  return { sheet: sheet.name, lines };
}

/** The product a line means: its SKU exactly, or in another case when only one product has it so; or its GTIN. */
function matchOf(line: ReadLine, matches: ImportMatch[]): ImportMatch | undefined {
  if (line.skuText !== undefined) {
    const exact = matches.find((match) => match.sku === line.skuText);
    if (exact) return exact;
    const lower = line.skuText.toLowerCase();
    const others = matches.filter((match) => match.sku.toLowerCase() === lower);
    return others.length === 1 ? others[0] : undefined;
  }
  return matches.find((match) => match.gtin === line.gtin);
}

export type ImportDeps = { db: Db; pool: pg.Pool };

/** Products the catalog search finds for an unmatched line: by its name if the file has one, else its SKU (and shorter beginnings of it). */
async function suggestionsFor(deps: ImportDeps, line: ReadLine, dealerId: string): Promise<z.infer<typeof suggestionSchema>[]> {
  const texts = [line.name, line.skuText, line.skuText?.slice(0, -1), line.skuText?.slice(0, -2)].filter(
    (text): text is string => !!text && text.length >= 2,
  );
  for (const q of texts) {
    const rows = await searchCatalog(deps.db, deps.pool, CatalogVocabulary.of(deps.db), {
      q,
      includeInactive: false,
      buyerDealerId: dealerId,
      allTierPrices: false,
      contractPricesOf: dealerId,
      limit: SUGGESTIONS,
    });
    if (rows.length > 0) return rows.slice(0, SUGGESTIONS).map((row) => ({ sku: row.sku, name: row.name, gtin: row.gtin }));
  }
  return [];
}

/**
 * The file's lines matched against the catalog (a hint from the catalog read model: placing the
 * order checks every SKU on the write side again), unmatched ones with suggestions.
 */
export async function matchImportLines(deps: ImportDeps, { sheet, lines }: ReadLines, dealerId: string): Promise<ImportLine[]> {
  const skus = lines.flatMap((line) => (line.skuText === undefined ? [] : [line.skuText]));
  const gtins = lines.flatMap((line) => (line.gtin === undefined ? [] : [line.gtin]));
  const matches = await importMatches(deps.db, skus, gtins);
  let suggested = 0;
  const result: ImportLine[] = [];
  for (const line of lines) {
    const match = matchOf(line, matches);
    const common = {
      row: line.row,
      ...(sheet !== undefined && { sheet }),
      ...(line.gtin !== undefined && { gtin: line.gtin, gtinCell: line.gtinCell }),
      qty: line.qty,
    };
    if (match) {
      result.push({ ...common, sku: match.sku, matched: true, name: match.name });
    } else {
      const suggestions = suggested++ < MAX_SUGGESTED_LINES ? await suggestionsFor(deps, line, dealerId) : [];
      result.push({ ...common, sku: line.skuText ?? null, matched: false, suggestions });
    }
  }
  return result;
}

const described = (suggestions: ImportLine['suggestions']) =>
  suggestions?.length ? `; did you mean ${suggestions.map((suggestion) => `${suggestion.sku} (${suggestion.name})`).join(', ')}?` : '';

/**
 * The order lines to place: matched lines by the catalog's SKU; a SKU the catalog does not know
 * as written (the review holds it as unknown_sku, as for any order); a GTIN nothing has is a 400.
 */
export function orderLinesOf(lines: ImportLine[]): { sku: string; qty: number }[] {
  const problems = new Problems();
  for (const line of lines) {
    if (line.sku === null) problems.add(line.gtinCell ?? 'body', `no product has the GTIN ${line.gtin}${described(line.suggestions)}`);
  }
  if (problems.size > 0) throw problems.refusal();
  return lines.map((line) => ({ sku: line.sku!, qty: line.qty }));
}
