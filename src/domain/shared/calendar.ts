// Which day an instant falls on, for the rules that count in days (stock sellable until its
// expiry date, reservations and picks as of today). The domain has no clock: callers pass `now`.

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);

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
