// Every benchmark scenario, in the order `npm run bench` runs them. A new scenario is one module here.
import type { Scenario } from '../harness/types.ts';
import { appendsScenario } from './appends/scenario.ts';
import { catalogSearchScenario } from './catalog-search.ts';
import { driversScenario } from './drivers/scenario.ts';
import { coldOrdersScenario } from './orders/cold.ts';
import { hotSkuScenario } from './orders/hot-sku.ts';
import { ordersScenario } from './orders/orders.ts';
import { rebuildScenario } from './rebuild/scenario.ts';
import { recommendationsScenario } from './recommendations.ts';

export const scenarios: readonly Scenario[] = [
  appendsScenario,
  catalogSearchScenario,
  ordersScenario,
  coldOrdersScenario,
  hotSkuScenario,
  rebuildScenario,
  recommendationsScenario,
  driversScenario,
];
