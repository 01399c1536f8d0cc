// The credit ledger on real PostgreSQL: the limit invariant under racing processes, payments
// counted once, the credit position with overdue amounts, the statement with running balance,
// bad input and role checks over HTTP.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import {
  availableOf,
  creditLedgerDecider,
  creditStream,
  outstandingOf,
  type CreditCommand,
  type CreditEvent,
  type CreditLedgerState,
} from '../../src/domain/credit/credit-ledger.ts';
import { dealerDecider, dealerStream } from '../../src/domain/dealers/dealer.ts';
import { createCommandHandler, type CommandContext, type CommandHandler } from '../../src/eventstore/command-handler.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { creditProjection } from '../../src/projections/credit/projection.ts';
import { dealersProjection } from '../../src/projections/dealers/projection.ts';
import { rebuildProjection } from '../../src/projections/rebuild.ts';
import { appendedSince, startTestApp, type TestApp } from '../support/app.ts';

const context = (now = new Date()): CommandContext => ({ actor: 'test', role: 'admin', correlationId: randomUUID(), now });

type Process = { commands: CommandHandler; close: () => Promise<void> };

describe('credit', () => {
  let app: TestApp;
  let ops: string;
  let finance: string;
  const processes: Process[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    ops = app.token('ops');
    finance = app.token('finance');
    // Separate pools, stores and handlers: what several API replicas racing on one ledger look like.
    for (let i = 0; i < 4; i++) {
      const pool = createPool(app.database.url, { max: 5 });
      const store = new PostgresEventStore(pool);
      processes.push({
        commands: createCommandHandler(store, { upcasting: app.running.infrastructure.upcasting }),
        close: async () => {
          await store.close();
          await pool.end();
        },
      });
    }
  });
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.close()));
    await app.stop();
  });

  const registerDealer = async (id: string, creditLimitMinor: number) => {
    const response = await app.request('POST', '/v1/dealers', {
      token: ops,
      body: { id, name: `Dealer ${id}`, tier: 'gold', territories: ['CN-31'], creditLimitMinor, paymentTermsDays: 30 },
    });
    expect(response.status).toBe(201);
    return response.body.position as string;
  };

  const onLedger = (dealerId: string, command: CreditCommand, now?: Date, commands = app.running.infrastructure.commands) =>
    commands.handle(creditLedgerDecider, creditStream(dealerId), command, context(now));

  const ledgerEvents = async (dealerId: string) =>
    (await app.running.infrastructure.store.readStream(creditStream(dealerId))).map(
      (event) => ({ type: event.type, data: event.data }) as CreditEvent,
    );

  /** Folds the stream, checking the invariant after every reservation; returns the final state. */
  const foldCheckingInvariant = (events: CreditEvent[]): CreditLedgerState =>
    events.reduce((state, event) => {
      const next = creditLedgerDecider.evolve(state, event);
      if (event.type === 'CreditReserved') expect(next.reservedMinor + outstandingOf(next)).toBeLessThanOrEqual(next.limitMinor);
      return next;
    }, creditLedgerDecider.initialState);

  const head = () => app.running.infrastructure.store.headPosition();

  describe('the limit invariant under concurrency', () => {
    it('never lets reservations racing from several processes exceed the limit, and uses the limit', async () => {
      const dealerId = 'RACE-1';
      const limitMinor = 1_000_000;
      await registerDealer(dealerId, limitMinor);
      const amounts = Array.from({ length: 40 }, () => 40_000 + Math.floor(Math.random() * 120_000));
      const results = await Promise.all(
        amounts.map((amountMinor, i) =>
          onLedger(
            dealerId,
            { type: 'ReserveCredit', data: { dealerId, orderId: `R1-${i}`, amountMinor } },
            undefined,
            processes[i % processes.length]!.commands,
          ),
        ),
      );

      const accepted = amounts.filter((_, i) => results[i]!.ok);
      const refused = amounts.filter((_, i) => !results[i]!.ok);
      for (const result of results) if (!result.ok) expect(result.refusal.code).toBe('credit_limit_exceeded');
      expect(accepted.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);

      const state = foldCheckingInvariant(await ledgerEvents(dealerId));
      const reserved = accepted.reduce((sum, amount) => sum + amount, 0);
      expect(state.reservedMinor).toBe(reserved);
      expect(reserved).toBeLessThanOrEqual(limitMinor);
      // The limit was really used: no refused order would fit in what is left.
      for (const amount of refused) expect(amount).toBeGreaterThan(limitMinor - reserved);

      const credit = await app.request('GET', `/v1/dealers/${dealerId}/credit?minPosition=${await head()}`, { token: finance });
      expect(credit.body).toMatchObject({
        limitMinor,
        reservedMinor: reserved,
        outstandingMinor: 0,
        availableMinor: limitMinor - reserved,
      });
    });

    it('keeps the invariant while reservations, releases, charges, payments and limit cuts race', async () => {
      const dealerId = 'RACE-2';
      await registerDealer(dealerId, 600_000);
      const first = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: `A-${i}`, amountMinor: 25_000 } }),
        ),
      );
      expect(first.every((result) => result.ok)).toBe(true);

      const random = (n: number) => Math.floor(Math.random() * n);
      const commands: CreditCommand[] = [
        ...Array.from({ length: 6 }, (_, i): CreditCommand => ({ type: 'ReleaseCredit', data: { dealerId, orderId: `A-${i}` } })),
        ...Array.from({ length: 8 }, (_, i): CreditCommand => ({
          type: 'ChargeCredit',
          data: { dealerId, orderId: `A-${6 + i}`, shipmentId: `SH-${i}`, amountMinor: 10_000 + random(15_000), dueDate: '2030-01-01' },
        })),
        ...Array.from({ length: 6 }, (_, i): CreditCommand => ({
          type: 'RecordPayment',
          data: { dealerId, paymentId: `PAY-${i}`, amountMinor: 5_000 + random(20_000), reference: `PAY-${i}` },
        })),
        { type: 'SetCreditLimit', data: { dealerId, limitMinor: 550_000 } } satisfies CreditCommand,
        ...Array.from({ length: 40 }, (_, i): CreditCommand => ({
          type: 'ReserveCredit',
          data: { dealerId, orderId: `B-${i}`, amountMinor: 10_000 + random(40_000) },
        })),
      ].sort(() => Math.random() - 0.5);
      const results = await Promise.all(
        commands.map((command, i) => onLedger(dealerId, command, undefined, processes[i % processes.length]!.commands)),
      );
      for (const [i, result] of results.entries()) {
        if (!result.ok) expect([commands[i]!.type, result.refusal.code]).toEqual(['ReserveCredit', 'credit_limit_exceeded']);
      }
      expect(results.filter((result, i) => result.ok && commands[i]!.type === 'ReserveCredit').length).toBeGreaterThan(0);

      const state = foldCheckingInvariant(await ledgerEvents(dealerId));
      const credit = await app.request('GET', `/v1/dealers/${dealerId}/credit?minPosition=${await head()}`, { token: finance });
      expect(credit.body).toMatchObject({
        limitMinor: state.limitMinor,
        reservedMinor: state.reservedMinor,
        outstandingMinor: outstandingOf(state),
        availableMinor: availableOf(state),
      });
    });
  });

  describe('payments', () => {
    it('counts racing payments with the same reference once', async () => {
      const dealerId = 'PAY-RACE';
      await registerDealer(dealerId, 100_000);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          app.request('POST', `/v1/dealers/${dealerId}/payments`, { token: finance, body: { amountMinor: 7_500, reference: 'BANK-0001' } }),
        ),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, ...Array(18).fill(200), 201].sort());
      for (const response of responses)
        expect(response.body).toMatchObject({ paymentId: 'BANK-0001', amountMinor: 7_500, credit: { creditBalanceMinor: 7_500 } });
      const payments = (await ledgerEvents(dealerId)).filter((event) => event.type === 'PaymentReceived');
      expect(payments).toHaveLength(1);

      const otherAmount = await app.request('POST', `/v1/dealers/${dealerId}/payments`, {
        token: finance,
        body: { amountMinor: 9_000, reference: 'BANK-0001' },
      });
      expect(otherAmount.status).toBe(409);
      expect(otherAmount.body.code).toBe('payment_already_recorded');
    });

    it('replays the first answer for the same Idempotency-Key, and refuses the key with another body', async () => {
      const dealerId = 'PAY-KEY';
      await registerDealer(dealerId, 100_000);
      const headers = { 'idempotency-key': 'pay-key-1' };
      const token = app.token('integration');
      const first = await app.request('POST', `/v1/dealers/${dealerId}/payments`, {
        token,
        headers,
        body: { amountMinor: 100, reference: 'K-1' },
      });
      expect(first.status).toBe(201);
      const replayed = await app.request('POST', `/v1/dealers/${dealerId}/payments`, {
        token,
        headers,
        body: { amountMinor: 100, reference: 'K-1' },
      });
      expect(replayed.status).toBe(201);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.body.position).toBe(first.body.position);
      const reused = await app.request('POST', `/v1/dealers/${dealerId}/payments`, {
        token,
        headers,
        body: { amountMinor: 100, reference: 'K-2' },
      });
      expect(reused.status).toBe(422);
    });
  });

  describe('credit position and statement', () => {
    it('reports overdue charges by due date, settling payments and credit notes against the oldest first', async () => {
      const dealerId = 'OVD-1';
      await registerDealer(dealerId, 1_000_000);
      await onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 300_000 } });
      await onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: 'O-2', amountMinor: 200_000 } });
      await onLedger(dealerId, {
        type: 'ChargeCredit',
        data: { dealerId, orderId: 'O-1', shipmentId: 'S-1', amountMinor: 300_000, dueDate: '2020-01-10' },
      });
      const charged = await onLedger(dealerId, {
        type: 'ChargeCredit',
        data: { dealerId, orderId: 'O-2', shipmentId: 'S-2', amountMinor: 200_000, dueDate: '2099-01-01' },
      });
      const read = async (position: string | undefined) =>
        (
          await app.request('GET', `/v1/dealers/${dealerId}/credit?minPosition=${position ?? (await head())}`, {
            token: app.token('dealer', dealerId),
          })
        ).body;
      expect(await read(charged.ok ? charged.position : undefined)).toEqual({
        dealerId,
        currency: 'CNY',
        limitMinor: 1_000_000,
        reservedMinor: 0,
        outstandingMinor: 500_000,
        availableMinor: 500_000,
        creditBalanceMinor: 0,
        overdueMinor: 300_000,
        overdueSince: '2020-01-10',
        timeZone: 'Asia/Shanghai',
      });

      const paid = await app.request('POST', `/v1/dealers/${dealerId}/payments`, {
        token: finance,
        body: { amountMinor: 250_000, reference: 'TT-1' },
      });
      expect(paid.status).toBe(201);
      expect(await read(paid.body.position)).toMatchObject({ outstandingMinor: 250_000, overdueMinor: 50_000, overdueSince: '2020-01-10' });

      const overpaid = await app.request('POST', `/v1/dealers/${dealerId}/payments`, {
        token: finance,
        body: { amountMinor: 300_000, reference: 'TT-2' },
      });
      expect(await read(overpaid.body.position)).toMatchObject({
        outstandingMinor: 0,
        creditBalanceMinor: 50_000,
        overdueMinor: 0,
        overdueSince: null,
        availableMinor: 1_000_000,
      });

      // The credit balance settles the next charge first.
      await onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: 'O-3', amountMinor: 100_000 } });
      const third = await onLedger(dealerId, {
        type: 'ChargeCredit',
        data: { dealerId, orderId: 'O-3', shipmentId: 'S-3', amountMinor: 100_000, dueDate: '2020-02-01' },
      });
      expect(await read(third.ok ? third.position : undefined)).toMatchObject({
        outstandingMinor: 50_000,
        creditBalanceMinor: 0,
        overdueMinor: 50_000,
        overdueSince: '2020-02-01',
      });

      const note = await app.request('POST', `/v1/dealers/${dealerId}/credit-notes`, {
        token: finance,
        body: { creditNoteId: 'CN-OVD-1', amountMinor: 50_000, reason: 'damaged cases', orderId: 'O-3' },
      });
      expect(note.status).toBe(201);
      expect(note.body).toMatchObject({ creditNoteId: 'CN-OVD-1', orderId: 'O-3', credit: { outstandingMinor: 0 } });
      const noteAgain = await app.request('POST', `/v1/dealers/${dealerId}/credit-notes`, {
        token: finance,
        body: { creditNoteId: 'CN-OVD-1', amountMinor: 50_000, reason: 'damaged cases', orderId: 'O-3' },
      });
      expect(noteAgain.status).toBe(200);
      expect(await read(note.body.position)).toMatchObject({ outstandingMinor: 0, overdueMinor: 0 });

      const ledger = await app.request('GET', `/v1/dealers/${dealerId}/ledger`, { token: finance });
      expect(
        ledger.body.items.map((entry: any) => [entry.kind, entry.amountMinor, entry.balanceAfterMinor, entry.reservedAfterMinor]),
      ).toEqual([
        ['limit_set', 1_000_000, 0, 0],
        ['reserved', 300_000, 0, 300_000],
        ['reserved', 200_000, 0, 500_000],
        ['charged', 300_000, 300_000, 200_000],
        ['charged', 200_000, 500_000, 0],
        ['payment', 250_000, 250_000, 0],
        ['payment', 300_000, -50_000, 0],
        ['reserved', 100_000, -50_000, 100_000],
        ['charged', 100_000, 50_000, 0],
        ['credit_note', 50_000, 0, 0],
      ]);
      expect(ledger.body.items[3]).toMatchObject({
        orderId: 'O-1',
        shipmentId: 'S-1',
        dueDate: '2020-01-10',
        position: expect.stringMatching(/^\d+$/),
      });
      expect(ledger.body.items[5]).toMatchObject({ paymentId: 'TT-1', reference: 'TT-1' });
      expect(ledger.body.items[9]).toMatchObject({ creditNoteId: 'CN-OVD-1', orderId: 'O-3', reason: 'damaged cases' });
    });

    it('filters the statement by period and pages it with a cursor', async () => {
      const dealerId = 'STMT-1';
      const at = (day: string) => new Date(`${day}T10:00:00Z`);
      const registration = {
        dealerId,
        name: 'Statement Dealer',
        tier: 'silver',
        territories: ['CN-31'],
        paymentTermsDays: 30,
        prepay: false,
      };
      await app.running.infrastructure.commands.handle(
        dealerDecider,
        dealerStream(dealerId),
        { type: 'RegisterDealer', data: registration },
        context(at('2024-01-01')),
      );
      await onLedger(dealerId, { type: 'OpenCreditAccount', data: { dealerId, limitMinor: 500_000 } }, at('2024-01-01'));
      await onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 100_000 } }, at('2024-01-05'));
      await onLedger(
        dealerId,
        { type: 'ChargeCredit', data: { dealerId, orderId: 'O-1', shipmentId: 'S-1', amountMinor: 100_000, dueDate: '2024-02-09' } },
        at('2024-01-10'),
      );
      await onLedger(
        dealerId,
        { type: 'RecordPayment', data: { dealerId, paymentId: 'W-1', amountMinor: 60_000, reference: 'W-1' } },
        at('2024-02-03'),
      );
      await onLedger(
        dealerId,
        { type: 'RecordPayment', data: { dealerId, paymentId: 'W-2', amountMinor: 40_000, reference: 'W-2' } },
        at('2024-02-20'),
      );

      const token = app.token('dealer', dealerId);
      const period = await app.request('GET', `/v1/dealers/${dealerId}/ledger?from=2024-01-10&to=2024-02-03&minPosition=${await head()}`, {
        token,
      });
      expect(period.status).toBe(200);
      expect(period.body.items.map((entry: any) => [entry.kind, entry.at, entry.balanceAfterMinor])).toEqual([
        ['charged', '2024-01-10T10:00:00.000Z', 100_000],
        ['payment', '2024-02-03T10:00:00.000Z', 40_000],
      ]);
      const exact = await app.request('GET', `/v1/dealers/${dealerId}/ledger?from=2024-02-03T10:00:00Z&to=2024-02-20T10:00:00Z`, { token });
      expect(exact.body.items.map((entry: any) => entry.paymentId)).toEqual(['W-1']);

      const kinds: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await app.request('GET', `/v1/dealers/${dealerId}/ledger?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token });
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        kinds.push(...page.body.items.map((entry: any) => entry.kind));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(kinds).toEqual(['limit_set', 'reserved', 'charged', 'payment', 'payment']);
    });

    it('changes the limit for ops and finance; a lowered limit shows what is over it', async () => {
      const dealerId = 'LIM-1';
      await registerDealer(dealerId, 100_000);
      await onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 80_000 } });
      const lowered = await app.request('PUT', `/v1/dealers/${dealerId}/credit-limit`, { token: finance, body: { limitMinor: 50_000 } });
      expect(lowered.status).toBe(200);
      expect(lowered.body).toMatchObject({
        limitMinor: 50_000,
        reservedMinor: 80_000,
        availableMinor: -30_000,
        position: expect.any(String),
      });
      const refused = await onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: 'O-2', amountMinor: 1 } });
      expect(refused.ok === false && refused.refusal.code).toBe('credit_limit_exceeded');
      const raised = await app.request('PUT', `/v1/dealers/${dealerId}/credit-limit`, { token: ops, body: { limitMinor: 200_000 } });
      expect(raised.body).toMatchObject({ limitMinor: 200_000, availableMinor: 120_000 });
      // The limit may also be sent under the name POST /v1/dealers gives it.
      const named = await app.request('PUT', `/v1/dealers/${dealerId}/credit-limit`, { token: ops, body: { creditLimitMinor: 150_000 } });
      expect(named.status, named.text).toBe(200);
      expect(named.body).toMatchObject({ limitMinor: 150_000, availableMinor: 70_000 });
      const before = await app.running.infrastructure.store.headPosition();
      const neither = await app.request('PUT', `/v1/dealers/${dealerId}/credit-limit`, { token: ops, body: {} });
      expect(neither.body.errors).toEqual([{ path: 'body.limitMinor', message: expect.stringContaining('required') }]);
      const both = await app.request('PUT', `/v1/dealers/${dealerId}/credit-limit`, {
        token: ops,
        body: { limitMinor: 1, creditLimitMinor: 2 },
      });
      expect(both.body.errors.map((error: any) => error.path)).toEqual(['body.creditLimitMinor']);
      expect(await appendedSince(app, before)).toEqual([]);
      const unknown = await app.request('PUT', '/v1/dealers/LIM-NOPE/credit-limit', { token: ops, body: { limitMinor: 1 } });
      expect(unknown.status).toBe(404);
      expect((await ledgerEvents('LIM-NOPE')).length).toBe(0);
    });
  });

  it('rebuilds the dealers and credit read models from the events to the same content', async () => {
    const dealerId = 'REBUILD-1';
    await registerDealer(dealerId, 300_000);
    await onLedger(dealerId, { type: 'ReserveCredit', data: { dealerId, orderId: 'O-1', amountMinor: 200_000 } });
    await onLedger(dealerId, {
      type: 'ChargeCredit',
      data: { dealerId, orderId: 'O-1', shipmentId: 'S-1', amountMinor: 150_000, dueDate: '2021-01-01' },
    });
    await onLedger(dealerId, { type: 'RecordPayment', data: { dealerId, paymentId: 'P-1', amountMinor: 100_000, reference: 'P-1' } });
    expect((await app.request('GET', `/v1/dealers/${dealerId}/credit?minPosition=${await head()}`, { token: finance })).status).toBe(200);
    const { db, store, locks, upcasting } = app.running.infrastructure;
    const snapshot = async () => ({
      dealers: await db.selectFrom('dealers.dealers').selectAll().orderBy('id').execute(),
      accounts: await db.selectFrom('credit.accounts').selectAll().orderBy('dealer_id').execute(),
      charges: await db
        .selectFrom('credit.charges')
        .select(['dealer_id', 'shipment_id', 'amount_minor', 'settled_minor', 'due_date'])
        .orderBy('id')
        .execute(),
      // Entry ids are only an order (a rolled-back live transaction may leave gaps); compare without them.
      ledger: (await db.selectFrom('credit.ledger').selectAll().orderBy('id').execute()).map(({ id: _id, ...entry }) => entry),
    });
    const before = await snapshot();
    for (const projection of [dealersProjection, creditProjection]) await rebuildProjection(projection, { db, store, locks, upcasting });
    expect(await snapshot()).toEqual(before);
  });

  it('rejects bad input with every invalid field named, and writes nothing', async () => {
    await registerDealer('BAD-1', 100_000);
    const before = await head();
    const payment = await app.request('POST', '/v1/dealers/BAD-1/payments', { token: finance, body: { amountMinor: 0, reference: '  ' } });
    expect(payment.status).toBe(400);
    expect(payment.headers.get('content-type')).toContain('application/problem+json');
    expect(payment.body.errors.map((error: any) => error.path).sort()).toEqual(['body.amountMinor', 'body.reference']);
    const limit = await app.request('PUT', '/v1/dealers/BAD-1/credit-limit', { token: ops, body: { limitMinor: 12.5 } });
    expect(limit.status).toBe(400);
    expect(limit.body.errors.map((error: any) => error.path)).toEqual(['body.limitMinor']);
    const note = await app.request('POST', '/v1/dealers/BAD-1/credit-notes', {
      token: finance,
      body: { amountMinor: -5, reason: '', orderId: 'no spaces' },
    });
    expect(note.body.errors.map((error: any) => error.path).sort()).toEqual(['body.amountMinor', 'body.orderId', 'body.reason']);
    const period = await app.request('GET', '/v1/dealers/BAD-1/ledger?from=yesterday&to=2024-13-01', { token: finance });
    expect(period.status).toBe(400);
    expect(period.body.errors.map((error: any) => error.path).sort()).toEqual(['query.from', 'query.to']);
    const badId = await app.request('GET', '/v1/dealers/bad%20id/credit', { token: finance });
    expect(badId.status).toBe(400);
    const unknownDealer = await app.request('POST', '/v1/dealers/NOPE-1/payments', {
      token: finance,
      body: { amountMinor: 10, reference: 'X-1' },
    });
    expect(unknownDealer.status).toBe(404);
    expect(await head()).toBe(before);
  });

  it('lets a dealer read only its own credit and statement, and only finance and integration record payments', async () => {
    const position = await registerDealer('ROLE-1', 100_000);
    await registerDealer('ROLE-2', 100_000);
    const own = app.token('dealer', 'ROLE-1');
    expect((await app.request('GET', `/v1/dealers/ROLE-1/credit?minPosition=${position}`, { token: own })).status).toBe(200);
    expect((await app.request('GET', '/v1/dealers/ROLE-1/ledger', { token: own })).status).toBe(200);
    for (const path of ['/v1/dealers/ROLE-2/credit', '/v1/dealers/ROLE-2/ledger', '/v1/dealers/ROLE-2']) {
      const other = await app.request('GET', path, { token: own });
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('not_found');
    }
    const payment = { amountMinor: 10, reference: 'ROLE-PAY' };
    expect((await app.request('POST', '/v1/dealers/ROLE-1/payments', { token: own, body: payment })).status).toBe(403);
    expect((await app.request('POST', '/v1/dealers/ROLE-1/payments', { token: ops, body: payment })).status).toBe(403);
    expect((await app.request('PUT', '/v1/dealers/ROLE-1/credit-limit', { token: own, body: { limitMinor: 1 } })).status).toBe(403);
    expect(
      (await app.request('POST', '/v1/dealers/ROLE-1/credit-notes', { token: ops, body: { amountMinor: 1, reason: 'x' } })).status,
    ).toBe(403);
    expect((await app.request('GET', '/v1/dealers/ROLE-1/credit', { token: app.token('analyst') })).status).toBe(403);
    expect((await app.request('GET', '/v1/dealers/ROLE-1/credit')).status).toBe(401);
    expect((await app.request('POST', '/v1/dealers/ROLE-1/payments', { token: app.token('integration'), body: payment })).status).toBe(201);
  });
});
