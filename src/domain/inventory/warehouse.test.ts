import { describe, it } from 'vitest';
import { specification } from '../../../test/support/decider.ts';
import { warehouseDecider } from './warehouse.ts';

const spec = specification(warehouseDecider);
const registration = { id: 'WH-EAST', name: 'East DC', regionCode: 'CN-31' };
const registered = { type: 'WarehouseRegistered' as const, data: { warehouseId: 'WH-EAST', name: 'East DC', regionCode: 'CN-31' } };

describe('warehouse decider', () => {
  it('registers a warehouse', () => {
    spec.given().when({ type: 'RegisterWarehouse', data: registration }).then([registered]);
  });

  it('refuses to register an id twice', () => {
    spec.given([registered]).when({ type: 'RegisterWarehouse', data: registration }).thenRefused('warehouse_exists', 'conflict');
  });
});
