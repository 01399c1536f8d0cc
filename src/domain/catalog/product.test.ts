import { describe, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { productDecider, type ProductDetails } from './product.ts';

const product: ProductDetails = {
  sku: 'TEA-1',
  name: 'Green Tea',
  brand: 'Jade',
  category: 'beverages',
  gtin: null,
  unit: 'case',
  caseSize: 12,
  shelfLifeDays: 365,
  basePriceMinor: 1000,
  currency: 'CNY',
};
const registered = { type: 'ProductRegistered' as const, data: product };
const registration = {
  sku: 'TEA-1',
  name: 'Green Tea',
  brand: 'Jade',
  category: 'beverages',
  unit: 'case',
  caseSize: 12,
  shelfLifeDays: 365,
  basePriceMinor: 1000,
  currency: 'CNY',
};
const spec = specification(productDecider);

describe('product decider', () => {
  it('registers a new product', () => {
    spec.given().when({ type: 'RegisterProduct', data: registration }).then([registered]);
  });

  it('refuses to register a SKU twice', () => {
    spec.given([registered]).when({ type: 'RegisterProduct', data: registration }).thenRefused('product_exists', 'conflict');
  });

  it('records only the fields that really change', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateProduct', data: { sku: 'TEA-1', changes: { name: 'Green Tea', basePriceMinor: 1100 } } })
      .then([{ type: 'ProductUpdated', data: { sku: 'TEA-1', changes: { basePriceMinor: 1100 } } }]);
  });

  it('writes nothing for a change that changes nothing', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateProduct', data: { sku: 'TEA-1', changes: { name: 'Green Tea' } } })
      .thenNothing();
  });

  it('changes keywords only when the list differs (no keywords before the first)', () => {
    const keywords = { type: 'ProductUpdated' as const, data: { sku: 'TEA-1', changes: { keywords: ['lvcha', '绿茶'] } } };
    spec
      .given([registered])
      .when({ type: 'UpdateProduct', data: { sku: 'TEA-1', changes: { keywords: [] } } })
      .thenNothing();
    spec.given([registered]).when({ type: 'UpdateProduct', data: keywords.data }).then([keywords]);
    spec
      .given([registered, keywords])
      .when({ type: 'UpdateProduct', data: { sku: 'TEA-1', changes: { keywords: ['lvcha', '绿茶'] } } })
      .thenNothing();
  });

  it('refuses to change an unknown product', () => {
    spec
      .given()
      .when({ type: 'UpdateProduct', data: { sku: 'TEA-1', changes: { name: 'x' } } })
      .thenRefused('product_not_found', 'not_found');
  });

  it('sets prices, and ignores the same prices again', () => {
    const prices = { sku: 'TEA-1', tiers: { gold: 900 }, dealers: { 'D-1': 850 } };
    spec
      .given([registered])
      .when({ type: 'SetProductPrices', data: prices })
      .then([{ type: 'ProductPricesSet', data: prices }]);
    spec
      .given([registered, { type: 'ProductPricesSet', data: prices }])
      .when({ type: 'SetProductPrices', data: prices })
      .thenNothing();
  });
});
