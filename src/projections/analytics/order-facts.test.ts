import { describe, expect, it } from 'vitest';
import { discountShares } from './order-facts.ts';

const kinds = new Map([
  ['TEN', 'percent_off'],
  ['FIVE', 'amount_off'],
  ['GIFT', 'buy_x_get_y'],
]);
const line = (discountMinor: number, ...ids: string[]) => ({ discountMinor, promotions: ids.map((id) => ({ id, title: id })) });

describe('discount shares of a line', () => {
  it('gives a single promotion the whole discount', () => {
    expect(discountShares(line(1_800, 'TEN'), kinds)).toEqual(new Map([['TEN', 1_800]]));
  });

  it('shares it equally among stacked discounting promotions, the odd unit to the first', () => {
    expect(discountShares(line(1_001, 'TEN', 'FIVE'), kinds)).toEqual(
      new Map([
        ['TEN', 501],
        ['FIVE', 500],
      ]),
    );
  });

  it('leaves out promotions that give gifts rather than discounts', () => {
    expect(discountShares(line(900, 'GIFT', 'TEN'), kinds)).toEqual(
      new Map([
        ['GIFT', 0],
        ['TEN', 900],
      ]),
    );
    expect(discountShares(line(0, 'GIFT'), kinds)).toEqual(new Map([['GIFT', 0]]));
  });

  it('has nothing to share on a line without promotions', () => {
    expect(discountShares(line(0), kinds)).toEqual(new Map());
  });
});
