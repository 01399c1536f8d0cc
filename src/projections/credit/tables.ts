// The credit read model's tables (schema `credit`).
import type { ColumnType, Generated } from 'kysely';

type Bigint = ColumnType<number, number, number>;

export const LEDGER_KINDS = ['limit_set', 'reserved', 'released', 'charged', 'payment', 'credit_note'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export type CreditTables = {
  'credit.accounts': {
    dealer_id: string;
    limit_minor: Bigint;
    reserved_minor: Bigint;
    balance_minor: Bigint;
    version: number;
    updated_at: Date;
  };
  'credit.charges': {
    id: Generated<number>;
    dealer_id: string;
    order_id: string;
    shipment_id: string;
    amount_minor: Bigint;
    settled_minor: Bigint;
    /** 'YYYY-MM-DD' (dates are read as strings). */
    due_date: string;
    charged_at: Date;
  };
  'credit.ledger': {
    id: Generated<number>;
    dealer_id: string;
    position: string;
    at: Date;
    kind: LedgerKind;
    amount_minor: Bigint;
    balance_after_minor: Bigint;
    reserved_after_minor: Bigint;
    limit_after_minor: Bigint;
    order_id: string | null;
    shipment_id: string | null;
    due_date: string | null;
    payment_id: string | null;
    reference: string | null;
    credit_note_id: string | null;
    reason: string | null;
  };
};
