// Business days in Europe/Berlin (BUSINESS_TIME_ZONE), across daylight-saving changes: days of 23
// and 25 hours, midnights at 22:00 or 23:00 UTC, each fact on its business day and never on the UTC
// one. (One time zone per process: the Shanghai edges are in business-calendar.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { paymentsAt, placeAt, placedPerDay, sellableAt, setUp, statement, tiersAt, type Fixture } from './business-calendar.ts';

let app: TestApp;
let fixture: Fixture;

beforeAll(async () => {
  app = await startTestApp({ BUSINESS_TIME_ZONE: 'Europe/Berlin' });
  fixture = await setUp(app, 'BER');
});
afterAll(async () => {
  await app.stop();
});

describe('business days in Europe/Berlin', () => {
  it('names the zone to every caller on GET /v1/me, which the web app shows and reads times in', async () => {
    for (const role of ['ops', 'finance', 'analyst'] as const) {
      expect((await app.request('GET', '/v1/me', { token: app.token(role) })).body.timeZone).toBe('Europe/Berlin');
    }
    expect((await app.request('GET', '/v1/me', { token: app.token('dealer', 'D-ANY') })).body.timeZone).toBe('Europe/Berlin');
  });

  it('counts orders on their Berlin day and month, on the day the clocks go forward and at the end of that month', async () => {
    // 2026-03-29 00:30 in Berlin (still UTC+1) is 23:30 UTC on 2026-03-28.
    const dstDay = await placeAt(app, fixture, 'BER-O0', 1, new Date('2026-03-28T23:30:00Z'));
    // 2026-03-31 23:59 and 2026-04-01 00:01 in Berlin (UTC+2 now) are 21:59 and 22:01 UTC on 2026-03-31.
    const lastMinute = await placeAt(app, fixture, 'BER-O1', 10, new Date('2026-03-31T21:59:00Z'));
    const firstMinute = await placeAt(app, fixture, 'BER-O2', 10, new Date('2026-03-31T22:01:00Z'));
    // 11 000 in March, 10 000 in April: both within 15 000 a month; a second April order is not.
    expect([dstDay.status, lastMinute.status, firstMinute.status]).not.toContain('awaiting_dealer_approval');
    const later = await placeAt(app, fixture, 'BER-O3', 10, new Date('2026-04-01T08:00:00Z'));
    expect(later.status).toBe('awaiting_dealer_approval');

    expect(await placedPerDay(app, later.position, '2026-03-28', '2026-04-03')).toEqual({
      timeZone: 'Europe/Berlin',
      '2026-03-29': 1,
      '2026-03-31': 1,
      '2026-04-01': 2,
    });
  });

  it('moves a lot into a tier as the Berlin day starts, on the day the clocks go forward, and takes it out of sale as its expiry day starts', async () => {
    // 2027-03-29, 30 days before 2027-04-28, starts at 22:00 UTC on 2027-03-28 (the clocks went forward that night).
    expect(
      await tiersAt(app, fixture, 'EDGE', '2027-04-28', [new Date('2027-03-28T21:59:59.999Z'), new Date('2027-03-28T22:00:00Z')]),
    ).toEqual(['yellow 31 2027-03-28', 'red 30 2027-03-29']);
    const before = await sellableAt(app, fixture, new Date('2027-04-27T21:59:59.999Z'));
    expect(before - (await sellableAt(app, fixture, new Date('2027-04-27T22:00:00Z')))).toBe(5);
  });

  it('reads statement periods as Berlin days: the 25-hour day the clocks go back, and across the end of the month', async () => {
    const position = await paymentsAt(app, fixture.dealerId, [
      new Date('2026-10-24T21:59:00Z'), // PAY-1: 2026-10-24 23:59 (UTC+2)
      new Date('2026-10-24T22:01:00Z'), // PAY-2: 2026-10-25 00:01
      new Date('2026-10-25T22:59:00Z'), // PAY-3: 2026-10-25 23:59 (UTC+1 since 03:00)
      new Date('2026-10-25T23:01:00Z'), // PAY-4: 2026-10-26 00:01
      new Date('2026-10-31T22:59:00Z'), // PAY-5: 2026-10-31 23:59
      new Date('2026-10-31T23:01:00Z'), // PAY-6: 2026-11-01 00:01
    ]);
    const read = (query: string) => statement(app, fixture.dealerId, query, position);
    expect(await read('from=2026-10-25&to=2026-10-25')).toEqual({ timeZone: 'Europe/Berlin', payments: ['PAY-2', 'PAY-3'] });
    expect(await read('from=2026-10-26&to=2026-10-31')).toEqual({ timeZone: 'Europe/Berlin', payments: ['PAY-4', 'PAY-5'] });
    expect(await read('from=2026-11-01')).toEqual({ timeZone: 'Europe/Berlin', payments: ['PAY-6'] });
    expect(await read('to=2026-10-24')).toEqual({ timeZone: 'Europe/Berlin', payments: ['PAY-1'] });
  });
});
