// The typed database: platform tables plus every projection's read-model tables.
import type { ColumnType } from 'kysely';
import type { CatalogTables } from '../projections/catalog/tables.ts';

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
};

export type Database = PlatformTables & CatalogTables;
