// The credit projection, set-based, for limits, reservations and releases: each dealer's account
// (read once) moved in memory event by event, with a ledger row after each, then one upsert of
// the accounts and one insert of the ledger rows in event order. The same rows as `handle` on
// each event in turn; charges, payments and credit notes stay per event.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CreditLimitSetData, CreditReleasedData, CreditReservedData } from '../../domain/credit/credit-ledger.ts';
import type { RecordedEvent } from '../../eventstore/port.ts';
import { BatchDeclined, checked, checkedInstant, columnList, instant, recordset, type Column } from '../batch.ts';
import type { BatchHandler, Fold } from '../projection.ts';
import type { LedgerKind } from './tables.ts';

const DEALER_ID: Column = { name: 'dealer_id', type: 'text' };
const LIMIT: Column = { name: 'limit_minor', type: 'int8' };
const RESERVED: Column = { name: 'reserved_minor', type: 'int8' };
const BALANCE: Column = { name: 'balance_minor', type: 'int8' };
const AMOUNT: Column = { name: 'amount_minor', type: 'int8' };
const ORDER_ID: Column = { name: 'order_id', type: 'text', nullable: true };
const VERSION: Column = { name: 'version', type: 'int4' };
const ACCOUNT_COLUMNS: Column[] = [DEALER_ID, LIMIT, RESERVED, BALANCE, VERSION, { name: 'updated_at', type: 'timestamptz' }];
const LEDGER_COLUMNS: Column[] = [
  DEALER_ID,
  { name: 'position', type: 'text' },
  { name: 'at', type: 'timestamptz' },
  { name: 'kind', type: 'text' },
  AMOUNT,
  { name: 'balance_after_minor', type: 'int8' },
  { name: 'reserved_after_minor', type: 'int8' },
  { name: 'limit_after_minor', type: 'int8' },
  ORDER_ID,
];
/** The ledger rows' order in the fold: the INSERT takes them in it, so their ids follow the events. */
const SEQ: Column = { name: 'seq', type: 'int4' };

const FOLDED = new Set(['CreditLimitSet', 'CreditReserved', 'CreditReleased']);

type Account = { limit_minor: number; reserved_minor: number; balance_minor: number; version: number; updated_at: string };

type LedgerRow = {
  dealer_id: string;
  position: string;
  at: string;
  kind: LedgerKind;
  amount_minor: number;
  balance_after_minor: number;
  reserved_after_minor: number;
  limit_after_minor: number;
  order_id: string | null;
};

class CreditFold implements Fold {
  /** By dealer: the account as the events so far leave it, or null while there is none. */
  readonly #accounts = new Map<string, Account | null>();
  readonly #ledger: LedgerRow[] = [];

  get size(): number {
    return this.#accounts.size + this.#ledger.length;
  }

  /** Reads the stored accounts of the dealers these events touch that the fold does not know yet. */
  async #learn(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    const unknown = new Set<string>();
    for (const event of events) {
      const dealerId = checked(DEALER_ID, (event.data as { dealerId?: unknown }).dealerId) as string;
      if (!this.#accounts.has(dealerId)) unknown.add(dealerId);
    }
    if (unknown.size === 0) return;
    const stored = await db
      .selectFrom('credit.accounts')
      .select(['dealer_id', 'limit_minor', 'reserved_minor', 'balance_minor', 'version', 'updated_at'])
      .where('dealer_id', '=', (eb) => eb.fn.any(eb.val([...unknown])))
      .execute();
    for (const dealerId of unknown) this.#accounts.set(dealerId, null);
    for (const { dealer_id: dealerId, updated_at: updatedAt, ...values } of stored) {
      // A stored amount past a JS safe integer reads rounded: the per-event path would go on from that.
      for (const column of [LIMIT, RESERVED, BALANCE]) checked(column, values[column.name as keyof typeof values]);
      this.#accounts.set(dealerId, { ...values, updated_at: updatedAt.toISOString() });
    }
  }

  /** The dealer's account after a reservation or release moved its reserved amount by `change`. */
  #move(event: RecordedEvent, dealerId: string, change: number): Account {
    const account = this.#accounts.get(dealerId);
    if (!account) throw new BatchDeclined(`${event.type} for dealer ${dealerId}, who has no credit account`);
    account.reserved_minor = checked(RESERVED, account.reserved_minor + change);
    return account;
  }

  async add(db: Db, events: readonly RecordedEvent[]): Promise<void> {
    await this.#learn(db, events);
    for (const event of events) {
      const at = checkedInstant(event.metadata.occurredAt);
      const version = checked(VERSION, event.revision);
      const { dealerId } = event.data as { dealerId: string };
      let account: Account;
      let amount: number;
      let orderId: string | null = null;
      switch (event.type) {
        case 'CreditLimitSet': {
          amount = checked(LIMIT, (event.data as CreditLimitSetData).limitMinor);
          // The upsert: a new account starts with nothing reserved or owed; a stored one keeps both.
          account = this.#accounts.get(dealerId) ?? { limit_minor: 0, reserved_minor: 0, balance_minor: 0, version, updated_at: at };
          account.limit_minor = amount;
          this.#accounts.set(dealerId, account);
          break;
        }
        case 'CreditReserved':
        case 'CreditReleased': {
          const d = event.data as CreditReservedData | CreditReleasedData;
          amount = checked(AMOUNT, d.amountMinor);
          orderId = checked(ORDER_ID, d.orderId ?? null);
          account = this.#move(event, dealerId, event.type === 'CreditReserved' ? amount : -amount);
          break;
        }
        default:
          throw new BatchDeclined(`${event.type} is not folded`);
      }
      account.version = version;
      account.updated_at = at;
      this.#ledger.push({
        dealer_id: dealerId,
        position: event.position,
        at,
        kind: event.type === 'CreditLimitSet' ? 'limit_set' : event.type === 'CreditReserved' ? 'reserved' : 'released',
        amount_minor: amount,
        balance_after_minor: account.balance_minor,
        reserved_after_minor: account.reserved_minor,
        limit_after_minor: account.limit_minor,
        order_id: orderId,
      });
    }
  }

  async write(db: Db): Promise<void> {
    const accounts: Record<string, unknown>[] = [];
    for (const [dealerId, account] of this.#accounts) {
      if (account) accounts.push({ dealer_id: dealerId, ...account, updated_at: instant(account.updated_at) });
    }
    if (accounts.length > 0) {
      const updates = ACCOUNT_COLUMNS.slice(1).map((column) => sql`${sql.id(column.name)} = excluded.${sql.id(column.name)}`);
      await sql`INSERT INTO ${sql.table('credit.accounts')} (${columnList(ACCOUNT_COLUMNS)})
        SELECT * FROM ${recordset('a', ACCOUNT_COLUMNS, accounts)}
        ON CONFLICT (dealer_id) DO UPDATE SET ${sql.join(updates)}`.execute(db);
    }
    if (this.#ledger.length > 0) {
      const rows = this.#ledger.map((row, seq) => ({ ...row, at: instant(row.at), seq }));
      await sql`INSERT INTO ${sql.table('credit.ledger')} (${columnList(LEDGER_COLUMNS)})
        SELECT ${columnList(LEDGER_COLUMNS)} FROM ${recordset('l', [...LEDGER_COLUMNS, SEQ], rows)} ORDER BY seq`.execute(db);
    }
  }
}

/** Folds limits, reservations and releases; charges, payments and credit notes go through `handle`. */
export const creditBatch: BatchHandler = {
  folds: (event) => FOLDED.has(event.type),
  fold: () => new CreditFold(),
};
