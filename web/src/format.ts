// Money in yuan and times in the business time zone (the server's BUSINESS_TIME_ZONE, China
// Standard Time unless set otherwise), whatever the browser's own zone and language.
import { instantOfWallTime } from '../../src/domain/shared/calendar.ts';

const yuan = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 });

/** `123450` minor units → `¥1,234.50` (the zh-CN pattern in both languages: it is how the trade writes yuan). */
export function money(minor: number | null | undefined, currency = 'CNY'): string {
  if (minor === null || minor === undefined) return '—';
  if (currency !== 'CNY') return new Intl.NumberFormat('zh-CN', { style: 'currency', currency }).format(minor / 100);
  return yuan.format(minor / 100);
}

let timeZone = 'Asia/Shanghai';

/** The business time zone times are shown and typed in; the app sets it from GET /v1/me once signed in. */
export function setBusinessTimeZone(zone: string): void {
  timeZone = zone;
}

export function businessTimeZone(): string {
  return timeZone;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** A time typed in a form (`2026-12-18T09:30`, a datetime-local) read in the business zone, as an ISO instant. */
export function businessInstant(local: string): string {
  // The server's own calendar arithmetic: the zone's offset on that day, from the time zone database.
  return new Date(instantOfWallTime(Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`), timeZone).at).toISOString();
}

export function dateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  return formatter(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** A calendar day (`2026-12-18`) is shown as it is written, never shifted by a time zone. */
export function day(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value))
    return formatter(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`));
  return formatter(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(value));
}

/** Today in the business zone as `YYYY-MM-DD`, e.g. for report ranges. */
export function businessToday(offsetDays = 0): string {
  return formatter('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + offsetDays * 86_400_000));
}

export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  return `${(ratio * 100).toFixed(1)}%`;
}

export function yuanToMinor(yuanAmount: number): number {
  return Math.round(yuanAmount * 100);
}
