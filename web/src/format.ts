// Money in yuan and times in China Standard Time, whatever the browser's own zone and language.
const yuan = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 });

/** `123450` minor units → `¥1,234.50` (the zh-CN pattern in both languages: it is how the trade writes yuan). */
export function money(minor: number | null | undefined, currency = 'CNY'): string {
  if (minor === null || minor === undefined) return '—';
  if (currency !== 'CNY') return new Intl.NumberFormat('zh-CN', { style: 'currency', currency }).format(minor / 100);
  return yuan.format(minor / 100);
}

export const TIME_ZONE = 'Asia/Shanghai';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...options });
    dateTimeFormats.set(key, format);
  }
  return format;
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

/** Today in Shanghai as `YYYY-MM-DD`, e.g. for report ranges. */
export function todayInShanghai(offsetDays = 0): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );
  return parts;
}

export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  return `${(ratio * 100).toFixed(1)}%`;
}

export function yuanToMinor(yuanAmount: number): number {
  return Math.round(yuanAmount * 100);
}
