// Every upcaster of every context: how old event versions read as the current ones.
import type { Upcaster } from './upcasting.ts';

export const allUpcasters: readonly Upcaster[] = [];
