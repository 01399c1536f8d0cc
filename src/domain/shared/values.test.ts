import { describe, expect, it } from 'vitest';
import { isoDateSchema, isoDateTimeSchema, MAX_QUANTITY, MAX_UNIT_PRICE_MINOR, unitPriceMinorSchema } from './values.ts';

describe('value ranges', () => {
  it('takes dates PostgreSQL and four-digit ISO years can hold, and no others', () => {
    for (const day of ['1900-01-01', '2024-02-29', '9999-12-31']) expect(isoDateSchema.safeParse(day).success, day).toBe(true);
    for (const day of ['0000-01-01', '1899-12-31', '2025-02-29', '10000-01-01'])
      expect(isoDateSchema.safeParse(day).success, day).toBe(false);
  });

  it('takes instants whose UTC time is in range, whatever their offset', () => {
    for (const instant of ['1900-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '9999-12-31T23:00:00+08:00']) {
      expect(isoDateTimeSchema.safeParse(instant).success, instant).toBe(true);
    }
    for (const instant of ['0000-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00', '1900-01-01T00:30:00+01:00']) {
      expect(isoDateTimeSchema.safeParse(instant).success, instant).toBe(false);
    }
  });

  it('bounds unit prices so that the largest order (500 lines of the most units) totals an exact integer', () => {
    expect(500 * MAX_QUANTITY * MAX_UNIT_PRICE_MINOR).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(unitPriceMinorSchema.safeParse(MAX_UNIT_PRICE_MINOR).success).toBe(true);
    expect(unitPriceMinorSchema.safeParse(MAX_UNIT_PRICE_MINOR + 1).success).toBe(false);
  });
});
