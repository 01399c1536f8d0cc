// The regions the business knows (`index-regions`): those of its warehouses and of its dealers'
// territories, listed when a warehouse is registered or a dealer first names one. A small
// write-side index: a promotion's regional budgets may only name regions listed here.
import type { Decider, DomainEvent } from '../shared/decider.ts';

export const regionIndexStream = 'index-regions';

export type RegionIndexCommand = { type: 'ListRegions'; data: { regionCodes: readonly string[] } };

export type RegionIndexEvent = DomainEvent<'RegionListed', { regionCode: string }>;

export const regionIndexEventTypes = ['RegionListed'] as const;

export type RegionIndexState = { regions: ReadonlySet<string> };

export const regionIndexDecider: Decider<RegionIndexCommand, RegionIndexEvent, RegionIndexState> = {
  initialState: { regions: new Set() },
  decide(command, state) {
    return [...new Set(command.data.regionCodes)]
      .filter((regionCode) => !state.regions.has(regionCode))
      .map((regionCode) => ({ type: 'RegionListed', data: { regionCode } }));
  },
  evolve(state, event) {
    return { regions: new Set(state.regions).add(event.data.regionCode) };
  },
};
