// The integration schema's tables: adapter checkpoints, dead letters, the webhook inbox.
import type { ColumnType, Generated } from 'kysely';

export type DeadLetterStatus = 'open' | 'retry_requested' | 'retrying' | 'delivered';

export type IntegrationTables = {
  'integration.checkpoints': {
    adapter: string;
    position: string;
    last_error: string | null;
    last_error_at: Date | null;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  'integration.dead_letters': {
    id: ColumnType<number, never, never>;
    adapter: string;
    event_id: string;
    event_type: string;
    stream_id: string;
    revision: number;
    position: string;
    event: unknown;
    attempts: number;
    last_error: string;
    status: ColumnType<DeadLetterStatus, DeadLetterStatus | undefined, DeadLetterStatus>;
    created_at: ColumnType<Date, never, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
    resolved_at: Date | null;
  };
  'integration.webhook_inbox': {
    source: string;
    message_id: string;
    type: string;
    payload: unknown;
    status: ColumnType<'received' | 'processed', 'received' | 'processed' | undefined, 'received' | 'processed'>;
    locked_until: Date;
    received_at: Generated<Date>;
    processed_at: Date | null;
  };
};
