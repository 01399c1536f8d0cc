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

export const quantitySchema = z.number().int().positive().max(1_000_000);

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

export const isoDateSchema = z.iso.date();
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
