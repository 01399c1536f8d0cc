// The notifications read model's tables (schema `notifications`).
import type { ColumnType, JSONColumnType } from 'kysely';

type Position = ColumnType<string, string, string>;

export type NotificationsTables = {
  'notifications.items': {
    position: Position;
    event_id: string;
    type: string;
    dealer_id: string | null;
    order_id: string | null;
    for_staff: boolean;
    facts: JSONColumnType<Record<string, unknown>, string, string>;
    occurred_at: Date;
  };
  'notifications.order_dealers': { order_id: string; dealer_id: string };
  'notifications.reads': { reader: string; notification_id: string; read_at: Date };
  'notifications.subscriptions': {
    id: string;
    dealer_id: string | null;
    url: string;
    events: string[];
    secret_hint: string;
    created_by: string;
    created_at: Date;
    created_position: Position;
    deleted_at: Date | null;
  };
};
