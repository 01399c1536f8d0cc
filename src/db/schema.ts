// The typed database: platform tables plus every projection's read-model tables.
import type { ColumnType } from 'kysely';
import type { IntegrationTables } from '../integrations/tables.ts';
import type { AnalyticsTables } from '../projections/analytics/tables.ts';
import type { CatalogTables } from '../projections/catalog/tables.ts';
import type { CreditTables } from '../projections/credit/tables.ts';
import type { DealersTables } from '../projections/dealers/tables.ts';
import type { InventoryTables } from '../projections/inventory/tables.ts';
import type { OrdersTables } from '../projections/orders/tables.ts';
import type { PromotionsTables } from '../projections/promotions/tables.ts';
import type { UsersTables } from '../projections/users/tables.ts';
import type { AuthTables } from '../accounts/tables.ts';
import type { NotificationsTables } from '../projections/notifications/tables.ts';
import type { RecommendationsTables } from '../projections/recommendations/tables.ts';
import type { SubscriptionSecretsTables } from '../integrations/subscriptions/tables.ts';

export type PlatformTables = {
  projection_checkpoints: {
    name: string;
    position: ColumnType<string, string | undefined, string>;
    status: ColumnType<'running' | 'failed' | 'stopped', 'running' | 'failed' | 'stopped' | undefined>;
    error: string | null;
    failed_position: string | null;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  idempotency_keys: {
    scope: string;
    key: string;
    request_hash: string;
    status_code: number | null;
    response: unknown;
    created_at: ColumnType<Date, Date | undefined, never>;
    locked_until: Date;
  };
  projection_skipped_events: {
    projection: string;
    event_id: string;
    position: string;
    event_type: string;
    stream_id: string;
    error: string;
    reason: string;
    skipped_by: string;
    skipped_at: ColumnType<Date, Date | undefined, never>;
  };
};

export type Database = PlatformTables &
  CatalogTables &
  OrdersTables &
  IntegrationTables &
  PromotionsTables &
  InventoryTables &
  DealersTables &
  CreditTables &
  AnalyticsTables &
  UsersTables &
  AuthTables &
  NotificationsTables &
  SubscriptionSecretsTables &
  RecommendationsTables;
