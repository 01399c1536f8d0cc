// The holdings read model's table (schema `holdings`).

export type HoldingKind = 'stock' | 'credit' | 'promotion';

export type HoldingsTables = {
  'holdings.open': { stream_id: string; order_id: string; kind: HoldingKind; amount: number; since: Date };
};
