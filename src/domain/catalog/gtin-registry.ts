// GTIN ownership (`gtin-<gtin>`): a barcode scans to exactly one product.
import { refuse, type Decider, type DomainEvent } from '../shared/decider.ts';

export const gtinStream = (gtin: string) => `gtin-${gtin}`;

export type GtinCommand =
  { type: 'AssignGtin'; data: { gtin: string; sku: string } } | { type: 'ReleaseGtin'; data: { gtin: string; sku: string } };

export type GtinEvent =
  DomainEvent<'GtinAssigned', { gtin: string; sku: string }> | DomainEvent<'GtinReleased', { gtin: string; sku: string }>;

export type GtinState = { sku: string | null };

export const gtinDecider: Decider<GtinCommand, GtinEvent, GtinState> = {
  initialState: { sku: null },
  decide(command, state) {
    const { gtin, sku } = command.data;
    if (command.type === 'AssignGtin') {
      if (state.sku === sku) return [];
      if (state.sku !== null) return refuse('gtin_taken', `GTIN ${gtin} already belongs to product ${state.sku}`, 'conflict');
      return [{ type: 'GtinAssigned', data: { gtin, sku } }];
    }
    return state.sku === sku ? [{ type: 'GtinReleased', data: { gtin, sku } }] : [];
  },
  evolve(_state, event) {
    return { sku: event.type === 'GtinAssigned' ? event.data.sku : null };
  },
};
