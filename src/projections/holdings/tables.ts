// The holdings read model's table (schema `holdings`).

export type HoldingKind = 'stock' | 'credit' | 'promotion';

export type HoldingsTables = {
  'holdings.open': {
    stream_id: string;
    order_id: string;
    kind: HoldingKind;
    sku: string | null;
    warehouse_id: string | null;
    dealer_id: string | null;
    promotion_id: string | null;
    amount: number;
    since: Date;
  };
};
