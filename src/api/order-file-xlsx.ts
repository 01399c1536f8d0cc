// An .xlsx order file as sheets of text cells (exceljs), after checking from the zip's own
// directory that it unpacks to a bounded size: a small upload must not unpack to gigabytes.
import ExcelJS from 'exceljs';
import { calendarDateOf } from '../domain/shared/calendar.ts';
import { HttpProblem } from './problem.ts';

/** A worksheet's rows with any text in them, by their row number. */
export type WorksheetRows = { kind: 'xlsx'; name: string; rows: { number: number; cells: string[] }[] };

/** What a workbook may unpack to, and hold: an order of a few hundred lines is well under 1 MB. */
const MAX_UNPACKED_BYTES = 30 * 1024 * 1024;
const MAX_ENTRIES = 1_000;
/** Columns read per row: order files have a handful. */
const MAX_COLUMNS = 50;

const unreadable = (message = 'is not a readable .xlsx workbook') =>
  new HttpProblem(400, 'validation_failed', 'The workbook could not be read', { errors: [{ path: 'body', message }] });

/** The sum of the uncompressed sizes the zip's central directory declares, or a refusal. */
function unpackedSize(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: 22 bytes and a comment of up to 65 535, at the end.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw unreadable();
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (entries > MAX_ENTRIES) throw unreadable(`holds ${entries} files; a workbook has a few dozen`);
  let total = 0;
  for (let entry = 0; entry < entries; entry++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw unreadable();
    const size = view.getUint32(at + 24, true);
    // 0xFFFFFFFF: the size is in a zip64 record, so 4 GB or more.
    total += size === 0xffffffff ? Number.POSITIVE_INFINITY : size;
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return total;
}

type CellValue = ExcelJS.CellValue;

/** A cell as the text a dealer sees in it: numbers in full (a GTIN too), formulas by their result. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return calendarDateOf(value);
  if ('richText' in value)
    return value.richText
      .map((run) => run.text)
      .join('')
      .trim();
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result);
  if ('text' in value) return cellText(value.text);
  if ('error' in value) return String(value.error);
  return '';
}

function rowsOf(worksheet: ExcelJS.Worksheet, maxRows: number): WorksheetRows['rows'] {
  const rows: WorksheetRows['rows'] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (rows.length >= maxRows) return;
    const cells: string[] = [];
    const width = Math.min(row.cellCount, MAX_COLUMNS);
    for (let column = 1; column <= width; column++) cells.push(cellText(row.getCell(column).value));
    if (cells.some((cell) => cell !== '')) rows.push({ number, cells });
  });
  return rows;
}

/** The workbook's sheets, at most `maxRows` rows each. */
export async function readWorkbook(bytes: Uint8Array, maxRows: number): Promise<WorksheetRows[]> {
  const size = unpackedSize(bytes);
  if (size > MAX_UNPACKED_BYTES) {
    throw new HttpProblem(
      413,
      'payload_too_large',
      `The workbook unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB; an order file needs far less`,
    );
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  } catch {
    throw unreadable();
  }
  const sheets = workbook.worksheets.map((worksheet): WorksheetRows => ({
    kind: 'xlsx',
    name: worksheet.name,
    rows: rowsOf(worksheet, maxRows),
  }));
  if (sheets.length === 0) throw unreadable('has no worksheet');
  return sheets;
}
