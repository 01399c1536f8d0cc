// The credit projection's set-based path against its per-event path: limits, reservations and
// releases folded, between charges, payments and credit notes handled per event, leave exactly the
// rows the per-event path leaves and fail on the same event; a page of reservations is a few statements.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { describe, expect, it } from 'vitest';
import { creditProjection } from '../../src/projections/credit/projection.ts';
import { applyPageInTransaction, ensureCheckpoint } from '../../src/projections/runner.ts';
import { batchHarness, random, type Planned } from '../support/batch-harness.ts';

/**
 * A credit ledger over three dealers: limits set and changed, orders reserving, released, charged
 * (in part, some), payments and credit notes. `messy` adds what makes the per-event path fail or
 * PostgreSQL cast: a reservation for a dealer without an account, amounts '7', 2.5 and null, a
 * reservation or release without an order.
 */
function planCredit(seed: number, count: number, messy: boolean): Planned[] {
  const { pick, chance, next } = random(seed);
  const dealers = ['D-1', 'D-2', 'D-3'];
  const opened = new Set<string>();
  const reserved = new Map<string, { dealerId: string; amountMinor: number }>();
  // What PostgreSQL casts comes up often; what fails, rarely enough that a messy plan gets far.
  const amount = (base: number) => {
    if (messy && chance(0.04)) return '7';
    if (messy && chance(0.006)) return pick([2.5, null]);
    return base + Math.floor(next() * base);
  };
  const orderOf = (orderId: string) => (messy && chance(0.04) ? undefined : orderId);
  const events: Planned[] = [];
  let serial = 0;
  while (events.length < count) {
    serial += 1;
    const dealerId = messy && chance(0.004) ? 'D-9' : pick(dealers);
    const stream = `credit-${dealerId}`;
    const roll = next();
    if ((dealerId !== 'D-9' && !opened.has(dealerId)) || roll < 0.08) {
      opened.add(dealerId);
      events.push({ stream, type: 'CreditLimitSet', data: { dealerId, limitMinor: amount(50_000) } });
    } else if (roll < 0.5 || dealerId === 'D-9') {
      const orderId = `O-${seed}-${serial}`;
      const amountMinor = amount(1_000);
      if (typeof amountMinor === 'number') reserved.set(orderId, { dealerId, amountMinor });
      events.push({ stream, type: 'CreditReserved', data: { dealerId, orderId: orderOf(orderId), amountMinor } });
    } else {
      const open = [...reserved].filter(([, reservation]) => reservation.dealerId === dealerId);
      const [orderId, reservation] = open.length > 0 ? pick(open) : [`O-${seed}-${serial}`, { dealerId, amountMinor: 100 }];
      if (roll < 0.65) {
        reserved.delete(orderId);
        events.push({
          stream,
          type: 'CreditReleased',
          data: { dealerId, orderId: orderOf(orderId), amountMinor: messy ? amount(reservation.amountMinor) : reservation.amountMinor },
        });
      } else if (roll < 0.8) {
        reserved.delete(orderId);
        const amountMinor = chance(0.3) ? Math.ceil(reservation.amountMinor / 2) : reservation.amountMinor;
        events.push({
          stream,
          type: 'CreditCharged',
          data: { dealerId, orderId, shipmentId: `S-${seed}-${serial}`, amountMinor, dueDate: '2025-02-28' },
        });
      } else if (roll < 0.9) {
        events.push({
          stream,
          type: 'PaymentReceived',
          data: { dealerId, paymentId: `P-${seed}-${serial}`, amountMinor: amount(800), reference: `REF-${serial}` },
        });
      } else {
        const creditNote = {
          creditNoteId: `CN-${seed}-${serial}`,
          amountMinor: amount(200),
          reason: 'damaged',
          orderId: chance(0.5) ? orderId : null,
        };
        events.push({ stream, type: 'CreditNoteIssued', data: { dealerId, ...creditNote } });
      }
    }
  }
  return events;
}

/** Counts the statements run through the kysely instance it is plugged into. */
class StatementCount implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count += 1;
    return args.result;
  }
}

describe('the credit batch handler', () => {
  const harness = batchHarness();
  const { open, expectSameAsPerEvent } = harness;

  for (const [seed, messy] of [
    [21, false],
    [22, false],
    [23, false],
    [24, true],
    [27, true],
    [30, true],
    [36, true],
    [40, true],
  ] as const) {
    it(
      `leaves the rows the per-event path leaves, and fails where it fails (seed ${seed}${messy ? ', messy' : ''})`,
      { timeout: 60_000 },
      async () => {
        await open(planCredit(seed, 150, messy));
        const reference = await expectSameAsPerEvent(creditProjection);
        if (!messy) expect(reference).toHaveProperty('rows');
      },
    );
  }

  it('fails on a reservation for a dealer without an account, even one whose limit the same fold sets later', async () => {
    await open([
      { stream: 'credit-D-1', type: 'CreditLimitSet', data: { dealerId: 'D-1', limitMinor: 5_000 } },
      { stream: 'credit-D-1', type: 'CreditReserved', data: { dealerId: 'D-1', orderId: 'O-1', amountMinor: 300 } },
      { stream: 'credit-D-2', type: 'CreditReserved', data: { dealerId: 'D-2', orderId: 'O-2', amountMinor: 300 } },
      { stream: 'credit-D-2', type: 'CreditLimitSet', data: { dealerId: 'D-2', limitMinor: 5_000 } },
    ]);
    const reference = await expectSameAsPerEvent(creditProjection);
    expect(reference).toMatchObject({ failed: { position: '3' } });
  });

  it('writes a page of 500 reservations with a handful of statements', { timeout: 60_000 }, async () => {
    const dealers = ['D-1', 'D-2', 'D-3'];
    await open([
      ...dealers.map((dealerId) => ({ stream: `credit-${dealerId}`, type: 'CreditLimitSet', data: { dealerId, limitMinor: 10_000_000 } })),
      ...Array.from({ length: 497 }, (_, index) => {
        const dealerId = dealers[index % dealers.length]!;
        return {
          stream: `credit-${dealerId}`,
          type: 'CreditReserved',
          data: { dealerId, orderId: `O-${index}`, amountMinor: 100 + index },
        };
      }),
    ]);
    const { store, upcasting } = harness;
    const statements = new StatementCount();
    const db = harness.db.withPlugin(statements);
    await ensureCheckpoint(db, creditProjection.name);
    const page = await store.readAll({ after: '0', maxCount: 500, filter: creditProjection.filter });
    expect(page.events).toHaveLength(500);
    const declined: unknown[] = [];
    statements.count = 0;
    await applyPageInTransaction(db, creditProjection, creditProjection.name, '0', page, upcasting, {
      onBatchRecovered: (failure) => declined.push(failure),
    });
    expect(declined).toEqual([]);
    // The checkpoint's lock and update; the accounts read, upserted; the ledger inserted.
    expect(statements.count).toBeLessThanOrEqual(5);
    const ledger = await harness.db.selectFrom('credit.ledger').select(['position', 'reserved_after_minor']).orderBy('id').execute();
    expect(ledger).toHaveLength(500);
    expect(ledger.map((row) => row.position)).toEqual(page.events.map((event) => event.position));
    // The last reservation's dealer holds every reservation of theirs by then.
    const lastDealer = 496 % dealers.length;
    const held = Array.from({ length: 497 }, (_, index) => index).filter((index) => index % dealers.length === lastDealer);
    expect(ledger.at(-1)?.reserved_after_minor).toBe(held.reduce((sum, index) => sum + 100 + index, 0));
  });
});
