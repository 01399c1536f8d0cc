// Value schemas shared across contexts: identifiers, money, codes.
import { z } from 'zod';

export const skuSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

export const dealerIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

export const entityIdSchema = dealerIdSchema;

/** Dealer tiers are codes chosen by operations, e.g. `gold`, `silver`, `key_account`. */
export const tierSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lower-case code of 1-32 characters');

/** Region codes, e.g. an ISO 3166-2 subdivision (`CN-31`) or a sales region code (`EAST-1`). */
export const regionCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, 'must be 1-16 upper-case letters, digits or dashes');

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
  .default('CNY');

/** Money in minor units (cents). */
export const amountMinorSchema = z.number().int().min(0).max(1_000_000_000_000);

export const MAX_QUANTITY = 1_000_000;
export const quantitySchema = z.number().int().positive().max(MAX_QUANTITY);

/**
 * A unit price, in minor units. Bounded so that the largest order (500 lines of MAX_QUANTITY
 * units each) still totals below 2^53: every amount of an order stays an exact
 * integer in JSON, JavaScript and int8, and no price × quantity can overflow.
 */
export const MAX_UNIT_PRICE_MINOR = 10_000_000;
export const unitPriceMinorSchema = z.number().int().min(0).max(MAX_UNIT_PRICE_MINOR);

function gtinCheckDigitValid(gtin: string): boolean {
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((total, digit, index) => total + digit * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** GTIN-8, -12, -13 or -14 with a valid check digit. */
export const gtinSchema = z
  .string()
  .trim()
  .regex(/^(\d{8}|\d{12}|\d{13}|\d{14})$/, 'must be 8, 12, 13 or 14 digits')
  .refine(gtinCheckDigitValid, 'has a wrong check digit');

/**
 * The calendar every date and instant a command carries must fall in: one PostgreSQL `date` and
 * `timestamptz` hold, and JavaScript's `toISOString` writes with four-digit years. Year 0 or 12345
 * would be accepted by an ISO 8601 pattern and then stop every read model that stores it.
 */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '9999-12-31';
const EARLIEST_INSTANT = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
const LATEST_INSTANT = Date.parse(`${LATEST_DATE}T23:59:59.999Z`);
/** NaN passes: text that is no date at all is the format check's to report, once. */
const inCalendar = (time: number) => Number.isNaN(time) || (time >= EARLIEST_INSTANT && time <= LATEST_INSTANT);
const calendarMessage = `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`;

export const isoDateSchema = z.iso.date().refine((day) => inCalendar(Date.parse(`${day}T00:00:00Z`)), calendarMessage);
/** An instant with an offset; also in range once converted to UTC (9999-12-31T23:00-05:00 is not). */
export const isoDateTimeSchema = z.iso.datetime({ offset: true }).refine((instant) => inCalendar(Date.parse(instant)), calendarMessage);
