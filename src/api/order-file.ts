// A dealer's order file as rows of text cells: an .xlsx workbook (order-file-xlsx.ts) or CSV in
// UTF-8 (with or without BOM), UTF-16 with BOM, GBK or GB18030, with `,`, `;` or tab between cells.
// What it is comes from its first bytes more than from its Content-Type: browsers and ERP
// exports label files loosely.
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { readWorkbook } from './order-file-xlsx.ts';
import { HttpProblem } from './problem.ts';

export type SheetRow = { number: number; cells: string[] };

/** One sheet of rows: a CSV file is one sheet without a name. */
export type OrderSheet = { kind: 'csv' | 'xlsx'; name: string | undefined; rows: SheetRow[] };

/** Rows read at most from a file or a sheet, blank ones included; the order's own line cap is lower. */
export const MAX_ROWS = 5_000;

export const ORDER_FILE_TYPES = [
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
] as const;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((byte, index) => bytes[index] === byte);

const BOMS: [readonly number[], string][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/** The charset parameter of a Content-Type, lower case. */
function charsetOf(contentType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase();
}

const unsupportedCharset = (charset: string) =>
  new HttpProblem(415, 'unsupported_media_type', `The charset ${charset} is not supported: send UTF-8, GBK or GB18030`);

/**
 * The text of a CSV body: a byte order mark decides; else a declared charset other than UTF-8;
 * else UTF-8 if the bytes are valid UTF-8, or GB18030 (a superset of GBK and GB2312, what Excel
 * saves CSV in on a Chinese Windows) if they are not.
 */
export function decodeCsv(bytes: Uint8Array, contentType: string): string {
  const bom = BOMS.find(([magic]) => startsWith(bytes, magic));
  const declared = charsetOf(contentType);
  let text: string;
  if (bom) {
    text = iconv.decode(Buffer.from(bytes.subarray(bom[0].length)), bom[1]);
  } else if (declared && !['utf-8', 'utf8', 'us-ascii'].includes(declared)) {
    if (!iconv.encodingExists(declared)) throw unsupportedCharset(declared);
    text = iconv.decode(Buffer.from(bytes), declared);
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Declared UTF-8 but not: refused. Undeclared: what Excel saves CSV in on a Chinese Windows.
      if (declared)
        throw new HttpProblem(400, 'validation_failed', `The body is not valid ${declared} text`, {
          errors: [{ path: 'body', message: `is not valid ${declared}` }],
        });
      text = iconv.decode(Buffer.from(bytes), 'gb18030');
    }
  }
  if (text.includes('\u0000'))
    throw new HttpProblem(400, 'validation_failed', 'The file is not text', {
      errors: [{ path: 'body', message: 'holds binary data; send CSV text or an .xlsx workbook' }],
    });
  return text;
}

/** `,`, `;` or tab: whichever the first line holds most of, outside quotes (a comma when none). */
export function delimiterOf(text: string): string {
  const firstLine = /^[^\r\n]*/.exec(text)![0].replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((delimiter) => [delimiter, firstLine.split(delimiter).length - 1] as const);
  const [best] = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best;
}

function readCsv(text: string): OrderSheet {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: delimiterOf(text),
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      to: MAX_ROWS,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new HttpProblem(400, 'validation_failed', 'The CSV could not be read', {
      errors: [{ path: line ? `line ${line}` : 'body', message: error instanceof Error ? error.message : 'is not valid CSV' }],
    });
  }
  return { kind: 'csv', name: undefined, rows: records.map(({ record, info }) => ({ number: info.lines, cells: record })) };
}

/** The sheets of an order file (a CSV file has one). */
export async function readOrderFile(bytes: Uint8Array, contentType: string): Promise<OrderSheet[]> {
  if (bytes.length === 0)
    throw new HttpProblem(400, 'validation_failed', 'The file is empty', { errors: [{ path: 'body', message: 'is empty' }] });
  if (startsWith(bytes, ZIP)) return readWorkbook(bytes, MAX_ROWS);
  if (startsWith(bytes, OLE)) {
    throw new HttpProblem(415, 'unsupported_media_type', 'Old Excel workbooks (.xls) are not read: save the file as .xlsx or CSV');
  }
  if (contentType.startsWith('application/vnd.openxmlformats')) {
    throw new HttpProblem(400, 'validation_failed', 'The file is not an .xlsx workbook', {
      errors: [{ path: 'body', message: 'is not a readable .xlsx workbook' }],
    });
  }
  return [readCsv(decodeCsv(bytes, contentType))];
}
