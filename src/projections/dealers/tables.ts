// The dealers read model's tables (schema `dealers`).
import type { Generated } from 'kysely';
import type { DealerStatus } from '../../domain/dealers/dealer.ts';

export type DealersTables = {
  'dealers.dealers': {
    id: string;
    name: string;
    tier: string;
    territories: string[];
    payment_terms_days: number;
    prepay: boolean;
    status: DealerStatus;
    suspension_reason: string | null;
    min_remaining_days: Generated<number>;
    version: number;
    registered_at: Date;
    updated_at: Date;
  };
};
