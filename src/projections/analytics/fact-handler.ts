// What each analytics fact module provides: a handler per event type it projects.
import type { Db } from '../../db/database.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';

export type FactHandler = (db: Db, event: RecordedEvent) => Promise<void>;
