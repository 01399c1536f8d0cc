// The business calendar: which day and month an instant falls on, and which instants a day,
// month or range of days spans, in the manufacturer's time zone (BUSINESS_TIME_ZONE, configured
// once at start). Every day the system counts in — sales days, "today" for stock, expiry tiers,
// due and overdue dates, monthly limits, periods given as dates — is a business day from here.
// Instants stay UTC in events and JSON. The domain has no clock: callers pass `now`.
// Offsets come from the time zone database through Intl; none is written by hand.

export const DEFAULT_BUSINESS_TIME_ZONE = 'Asia/Shanghai';

/** Whether `name` is an IANA time zone this runtime knows (`Asia/Shanghai`, `Europe/Berlin`, `UTC`); a bare offset (`+08:00`) is not one. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

let configured = DEFAULT_BUSINESS_TIME_ZONE;

/** Sets the business time zone for this process (the composition root, from the configuration). */
export function configureBusinessTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${timeZone}`);
  configured = timeZone;
}

/** The business time zone days and months are counted in. */
export const businessTimeZone = (): string => configured;

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** The date and time on a wall clock in `timeZone` at an instant. */
function wallClockAt(time: number, timeZone: string): WallClock {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormats.set(timeZone, format);
  }
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of format.formatToParts(time)) {
    if (part.type in clock) clock[part.type as keyof WallClock] = Number(part.value);
  }
  return clock;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const dayText = (year: number, month: number, day: number) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

/** `YYYY-MM-DD` as year, month (1-12) and day. */
function partsOf(day: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`Not a day (YYYY-MM-DD): ${day}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The day on the wall calendar of `timeZone` at an instant. */
function dayAt(time: number, timeZone: string): string {
  const clock = wallClockAt(time, timeZone);
  return dayText(clock.year, clock.month, clock.day);
}

/** Per zone, the last day answered and the instants it spans: events come in time order, so most instants fall on it. */
const lastDays = new Map<string, { day: string; from: number; to: number }>();

/** The business day (`YYYY-MM-DD`) an instant falls on. */
export function businessDayOf(at: Date, timeZone: string = configured): string {
  const time = at.getTime();
  const last = lastDays.get(timeZone);
  if (last && time >= last.from && time < last.to) return last.day;
  const day = dayAt(time, timeZone);
  lastDays.set(timeZone, {
    day,
    from: startOfBusinessDay(day, timeZone).getTime(),
    to: startOfBusinessDay(addDays(day, 1), timeZone).getTime(),
  });
  return day;
}

/** The hour (0-23) on the business time zone's clocks at an instant. */
export const businessHourOf = (at: Date, timeZone: string = configured): number => wallClockAt(at.getTime(), timeZone).hour;

/** The business month (`YYYY-MM`) an instant falls in. */
export function businessMonthOf(at: Date, timeZone: string = configured): string {
  return businessDayOf(at, timeZone).slice(0, 7);
}

/** The calendar day `days` after `day` (both `YYYY-MM-DD`; calendar arithmetic, no time zone). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = partsOf(day);
  const next = new Date(Date.UTC(year, month - 1, date + days));
  return dayText(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/** Calendar days from `from` to `to` (negative when `to` is earlier): 2026-03-01 to 2026-03-02 is 1, whatever the clocks did. */
export function daysBetween(from: string, to: string): number {
  const [fromYear, fromMonth, fromDay] = partsOf(from);
  const [toYear, toMonth, toDay] = partsOf(to);
  return Math.round((Date.UTC(toYear, toMonth - 1, toDay) - Date.UTC(fromYear, fromMonth - 1, fromDay)) / 86_400_000);
}

/** Whether `value` is a `YYYY-MM-DD` day that exists (not 2026-02-30). */
export function isCalendarDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The date a `Date` holds as a UTC calendar date, for values that are dates and not instants
 * (a spreadsheet cell's date is stored as midnight UTC of the day it shows).
 */
export const calendarDateOf = (date: Date): string => dayText(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());

/**
 * The instant at which the wall clock of `timeZone` reads `local` (a wall time written as UTC
 * milliseconds, e.g. `Date.parse('2026-12-18T09:30:00Z')`), and whether it ever does (not where the
 * clocks skip it). The offset is looked up at the guess and once more, for a change between.
 */
export function instantOfWallTime(local: number, timeZone: string = configured): { at: number; exists: boolean } {
  const localOf = (time: number) => {
    const clock = wallClockAt(time, timeZone);
    return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  };
  let at = local - (localOf(local) - local);
  at = local - (localOf(at) - at);
  return { at, exists: localOf(at) === local };
}

/** The first instant of a business day: its local midnight, or the first minute it has when the clocks skip midnight. */
export function startOfBusinessDay(day: string, timeZone: string = configured): Date {
  const [year, month, date] = partsOf(day);
  const midnight = instantOfWallTime(Date.UTC(year, month - 1, date), timeZone);
  if (midnight.exists) return new Date(midnight.at);
  // Midnight does not exist that day: the first instant on the business day, within the hours around it.
  let low = midnight.at - 86_400_000;
  let high = midnight.at + 86_400_000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (dayAt(middle, timeZone) >= day) high = middle;
    else low = middle;
  }
  return new Date(high);
}

export type Span = { from: Date; to: Date };

/** The instants of business days `from` up to (excluding) `to`: `from` inclusive, `to` exclusive. */
export function businessDaysSpan(from: string, to: string, timeZone: string = configured): Span {
  return { from: startOfBusinessDay(from, timeZone), to: startOfBusinessDay(to, timeZone) };
}

/** The instants a business day spans (23, 24 or 25 hours). */
export const businessDaySpan = (day: string, timeZone: string = configured): Span => businessDaysSpan(day, addDays(day, 1), timeZone);

/** The instants a business month (`YYYY-MM`) spans. */
export function businessMonthSpan(month: string, timeZone: string = configured): Span {
  const first = `${month}-01`;
  const [year, monthNumber] = partsOf(first);
  const next = monthNumber === 12 ? dayText(year + 1, 1, 1) : dayText(year, monthNumber + 1, 1);
  return businessDaysSpan(first, next, timeZone);
}

/** The earliest expiry date of the lots an order of `day` may take with `minRemainingDays` of shelf life (none for 0). */
export const minExpiryFor = (day: string, minRemainingDays: number): string | null =>
  minRemainingDays > 0 ? addDays(day, minRemainingDays) : null;
