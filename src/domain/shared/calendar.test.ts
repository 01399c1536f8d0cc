import { describe, expect, it } from 'vitest';
import {
  addDays,
  businessDayOf,
  businessDaySpan,
  businessDaysSpan,
  businessMonthOf,
  businessMonthSpan,
  calendarDateOf,
  daysBetween,
  isCalendarDay,
  isTimeZone,
  startOfBusinessDay,
} from './calendar.ts';

const SHANGHAI = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const at = (instant: string) => new Date(instant);

describe('the business calendar', () => {
  it('puts 23:59 and 00:01 Shanghai time on the last and first day of their months, not on the UTC day', () => {
    // 2026-01-31 23:59 in Shanghai is 15:59 UTC the same day; 2026-02-01 00:01 there is still 2026-01-31 in UTC.
    expect(businessDayOf(at('2026-01-31T15:59:00Z'), SHANGHAI)).toBe('2026-01-31');
    expect(businessMonthOf(at('2026-01-31T15:59:00Z'), SHANGHAI)).toBe('2026-01');
    expect(businessDayOf(at('2026-01-31T16:01:00Z'), SHANGHAI)).toBe('2026-02-01');
    expect(businessMonthOf(at('2026-01-31T16:01:00Z'), SHANGHAI)).toBe('2026-02');
    // 07:30 in Shanghai is the previous day in UTC.
    expect(businessDayOf(at('2026-03-09T23:30:00Z'), SHANGHAI)).toBe('2026-03-10');
  });

  it('answers the instants a business day and month span', () => {
    expect(businessDaySpan('2026-02-01', SHANGHAI)).toEqual({ from: at('2026-01-31T16:00:00Z'), to: at('2026-02-01T16:00:00Z') });
    expect(businessMonthSpan('2026-12', SHANGHAI)).toEqual({ from: at('2026-11-30T16:00:00Z'), to: at('2026-12-31T16:00:00Z') });
    expect(businessDaysSpan('2026-01-31', '2026-02-02', SHANGHAI)).toEqual({
      from: at('2026-01-30T16:00:00Z'),
      to: at('2026-02-01T16:00:00Z'),
    });
  });

  it('counts Berlin days across the daylight-saving changes: 23 hours in March, 25 in October', () => {
    // Clocks go forward on 2026-03-29 at 02:00 (UTC+1 to UTC+2) and back on 2026-10-25 at 03:00.
    expect(businessDaySpan('2026-03-29', BERLIN)).toEqual({ from: at('2026-03-28T23:00:00Z'), to: at('2026-03-29T22:00:00Z') });
    expect(businessDaySpan('2026-10-25', BERLIN)).toEqual({ from: at('2026-10-24T22:00:00Z'), to: at('2026-10-25T23:00:00Z') });
    expect(businessDayOf(at('2026-03-29T22:30:00Z'), BERLIN)).toBe('2026-03-30');
    expect(businessDayOf(at('2026-03-28T23:30:00Z'), BERLIN)).toBe('2026-03-29');
    expect(businessMonthSpan('2026-03', BERLIN)).toEqual({ from: at('2026-02-28T23:00:00Z'), to: at('2026-03-31T22:00:00Z') });
    expect(businessMonthOf(at('2026-03-31T22:30:00Z'), BERLIN)).toBe('2026-04');
    expect(businessMonthOf(at('2026-03-31T21:59:00Z'), BERLIN)).toBe('2026-03');
  });

  it('answers the same whatever it was asked before (it remembers the last day it answered)', () => {
    const instants = [
      '2026-03-28T22:59:59.999Z',
      '2026-03-28T23:00:00Z',
      '2026-03-29T21:59:59.999Z',
      '2026-03-29T22:00:00Z',
      '2026-03-29T12:00:00Z',
      '2026-03-28T23:00:00Z',
    ];
    const days = ['2026-03-28', '2026-03-29', '2026-03-29', '2026-03-30', '2026-03-29', '2026-03-29'];
    expect(instants.map((instant) => businessDayOf(at(instant), BERLIN))).toEqual(days);
    expect([...instants].reverse().map((instant) => businessDayOf(at(instant), BERLIN))).toEqual([...days].reverse());
    expect(instants.map((instant) => businessDayOf(at(instant), SHANGHAI))).toEqual([
      '2026-03-29',
      '2026-03-29',
      '2026-03-30',
      '2026-03-30',
      '2026-03-29',
      '2026-03-29',
    ]);
  });

  it('starts a day at its first instant where the clocks skip midnight', () => {
    // America/Santiago moved from -04 to -03 at midnight on 2024-09-08: that day starts at 01:00 local, 04:00 UTC.
    expect(startOfBusinessDay('2024-09-08', 'America/Santiago')).toEqual(at('2024-09-08T04:00:00Z'));
    expect(businessDayOf(at('2024-09-08T03:59:59.999Z'), 'America/Santiago')).toBe('2024-09-07');
  });

  it('does calendar arithmetic on days whatever the clocks do', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-26', '2026-10-24')).toBe(-2);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-2-01')).toBe(false);
    expect(calendarDateOf(at('2026-05-04T00:00:00Z'))).toBe('2026-05-04');
  });

  it('knows IANA zones and nothing else', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('+08:00')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
