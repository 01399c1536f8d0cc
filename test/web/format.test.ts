// Times in the web app are shown and typed in the business time zone the server names, whatever
// the browser's own: the form's datetime-local read in it, with its offset on that very day.
import { afterEach, describe, expect, it } from 'vitest';
import { businessInstant, businessToday, dateTime, setBusinessTimeZone } from '../../web/src/format.ts';

describe('the web app in the business time zone', () => {
  afterEach(() => setBusinessTimeZone('Asia/Shanghai'));

  it('reads a typed time in China Standard Time by default', () => {
    expect(businessInstant('2026-12-18T09:30')).toBe('2026-12-18T01:30:00.000Z');
    expect(dateTime('2026-12-18T01:30:00.000Z', 'en')).toContain('09:30');
  });

  it('reads and shows times in the zone the server names, with that day’s offset', () => {
    setBusinessTimeZone('Europe/London');
    expect(businessInstant('2026-12-18T09:30')).toBe('2026-12-18T09:30:00.000Z');
    expect(businessInstant('2026-07-01T09:30')).toBe('2026-07-01T08:30:00.000Z');
    expect(dateTime('2026-07-01T08:30:00.000Z', 'en')).toContain('09:30');
    setBusinessTimeZone('America/New_York');
    // The day clocks go forward, after the change.
    expect(businessInstant('2026-03-08T12:00')).toBe('2026-03-08T16:00:00.000Z');
    expect(businessInstant('2026-03-07T12:00')).toBe('2026-03-07T17:00:00.000Z');
    expect(businessToday()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
