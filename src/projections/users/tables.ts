// The users read model's tables (schema `users`).
import type { DealerRole, Role, UserStatus } from '../../domain/accounts/user.ts';

export type UsersTables = {
  'users.users': {
    id: string;
    username: string;
    display_name: string;
    role: Role;
    dealer_id: string | null;
    dealer_role: DealerRole | null;
    status: UserStatus;
    per_order_limit_minor: number | null;
    per_month_limit_minor: number | null;
    version: number;
    created_at: Date;
    updated_at: Date;
  };
};
