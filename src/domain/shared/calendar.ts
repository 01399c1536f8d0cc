// Which day an instant falls on, for the rules that count in days (stock sellable until its
// expiry date, reservations and picks as of today). The domain has no clock: callers pass `now`.

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);

/** The calendar day `days` after `day` (both `YYYY-MM-DD`). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The earliest expiry date of the lots an order of `day` may take with `minRemainingDays` of shelf life (none for 0). */
export const minExpiryFor = (day: string, minRemainingDays: number): string | null => (minRemainingDays > 0 ? addDays(day, minRemainingDays) : null);

/** The manufacturer's time zone: months that limits and periods count in. */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar month (`YYYY-MM`) an instant falls in, in the business time zone. */
export function businessMonthOf(now: Date, timeZone: string = BUSINESS_TIME_ZONE): string {
  let format = monthFormats.get(timeZone);
  if (!format) monthFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' })));
  const parts = format.formatToParts(now);
  return `${parts.find((part) => part.type === 'year')!.value}-${parts.find((part) => part.type === 'month')!.value}`;
}
