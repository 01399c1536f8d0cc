// Every projection the workers run, in one list.
import { analyticsProjection } from './analytics/projection.ts';
import { catalogProjection } from './catalog/projection.ts';
import { creditProjection } from './credit/projection.ts';
import { dealersProjection } from './dealers/projection.ts';
import { inventoryProjection } from './inventory/projection.ts';
import { notificationsProjection } from './notifications/projection.ts';
import { ordersProjection } from './orders/projection.ts';
import { promotionsProjection } from './promotions/projection.ts';
import { recommendationsProjection } from './recommendations/projection.ts';
import type { Projection } from './projection.ts';
import { usersProjection } from './users/projection.ts';

export const allProjections: readonly Projection[] = [
  catalogProjection,
  promotionsProjection,
  inventoryProjection,
  dealersProjection,
  creditProjection,
  ordersProjection,
  analyticsProjection,
  usersProjection,
  notificationsProjection,
  recommendationsProjection,
];
