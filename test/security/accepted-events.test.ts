// No accepted command may stop a read model: fast-check draws valid commands of every kind at the
// edges of what the API takes (longest texts in any script, first and last days, largest
// quantities and prices), sends them through the real server, and every projection must then
// have caught up and still be running.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';
import { emptyWorld, fulfilment, runStep, steps, type Step, type WebhookSecrets } from '../support/valid-commands.ts';

const SECRETS: WebhookSecrets = { payments: 'property-payment-secret-0123456789', logistics: 'property-logistics-secret-0123456789' };

/** Enough to reach orders, shipments and returns in most runs, few enough for a shared machine. */
const RUNS = 25;

type Projection = { name: string; lag: string; status: string; error: string | null };

describe('accepted commands and the read models', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '1000000',
      PAYMENT_WEBHOOK_SECRET: SECRETS.payments,
      LOGISTICS_WEBHOOK_SECRET: SECRETS.logistics,
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Every projection caught up with the store's head, or one of them failed. */
  async function settled(): Promise<Projection[]> {
    return eventually(
      async () => {
        const states = (await app.request<Projection[]>('GET', '/v1/projections', { token: app.token('admin') })).body;
        return states.every((state) => state.lag === '0') || states.some((state) => state.status !== 'running') ? states : undefined;
      },
      30_000,
      'the projections to catch up',
    );
  }

  it('keeps every projection running whatever valid commands are accepted', async () => {
    const world = emptyWorld();
    let counter = 0;
    const unique = () => (counter++).toString(36);
    const answers = new Map<string, number[]>();
    const invalid: string[] = [];
    // Products, dealers and warehouses first in each run, so that later steps have something to act on.
    const [product, , , dealer, , warehouse] = steps;
    const run = fc.tuple(
      fc.array(fc.oneof(product!, dealer!, warehouse!), { minLength: 3, maxLength: 5 }),
      fulfilment,
      fc.array(fc.oneof(...steps), { minLength: 10, maxLength: 25 }),
    );

    await fc.assert(
      fc.asyncProperty(run, async ([setup, flow, rest]) => {
        for (const step of [...setup, flow, ...rest] as Step[]) {
          const response = await runStep(app, world, step, unique, SECRETS);
          if (!response) continue;
          answers.set(step.kind, [...(answers.get(step.kind) ?? []), response.status]);
          if (response.status === 400 || response.status >= 500)
            invalid.push(
              `${step.kind}: ${response.status} ${JSON.stringify(response.body?.errors ?? response.body)} for ${JSON.stringify(step.values)}`,
            );
        }
        expect(invalid).toEqual([]);
        const states = await settled();
        expect(states.filter((state) => state.status !== 'running')).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );

    // Not vacuous: most kinds of command were accepted at least once.
    const acceptedKinds = [...answers].filter(([, statuses]) => statuses.some((status) => status < 300)).map(([kind]) => kind);
    expect(acceptedKinds).toEqual(
      expect.arrayContaining([
        'product',
        'prices',
        'dealer',
        'dealerChange',
        'warehouse',
        'receipt',
        'adjustment',
        'promotion',
        'order',
        'fulfilment',
      ]),
    );
  });
});
