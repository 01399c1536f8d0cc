// Every projection the workers run, in one list.
import { catalogProjection } from './catalog/projection.ts';
import type { Projection } from './projection.ts';

export const allProjections: readonly Projection[] = [catalogProjection];
