// Finds KurrentDB (EventStoreDB) and Kafka for their suites: an env variable, or a container through
// testcontainers; otherwise the reason they are skipped.
import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { describe, it } from 'vitest';

export type External = { available: true; url: string; stop: () => Promise<void> } | { available: false; reason: string };

async function containerRuntime(): Promise<string | undefined> {
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

async function fromContainer(
  start: () => Promise<StartedTestContainer>,
  url: (container: StartedTestContainer) => string,
): Promise<External> {
  const container = await start();
  return { available: true, url: url(container), stop: () => container.stop().then(() => undefined) };
}

/**
 * KurrentDB 26.1 checks streams an append does not write; set KURRENTDB_IMAGE to run the suite on
 * another version (25.1 is the first with multi-stream appends).
 */
const KURRENTDB_IMAGE = process.env.KURRENTDB_IMAGE ?? 'kurrentplatform/kurrentdb:26.1';

export async function findEventStoreDb(): Promise<External> {
  const fromEnv = process.env.EVENTSTORE_CONNECTION_STRING;
  if (fromEnv) return { available: true, url: fromEnv, stop: async () => undefined };
  const noRuntime = await containerRuntime();
  if (noRuntime)
    return {
      available: false,
      reason: `EVENTSTORE_CONNECTION_STRING is unset and testcontainers found no container runtime (${noRuntime})`,
    };
  return fromContainer(
    () =>
      new GenericContainer(KURRENTDB_IMAGE)
        .withEnvironment({ KURRENTDB_CLUSTER_SIZE: '1', KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None' })
        .withExposedPorts(2113)
        .withStartupTimeout(120_000)
        .withWaitStrategy(Wait.forHealthCheck())
        .start(),
    (container) => `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
  );
}

export async function findKafka(): Promise<External> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv) return { available: true, url: fromEnv, stop: async () => undefined };
  const noRuntime = await containerRuntime();
  if (noRuntime) return { available: false, reason: `KAFKA_BROKERS is unset and testcontainers found no container runtime (${noRuntime})` };
  const { KafkaContainer } = await import('@testcontainers/kafka');
  return fromContainer(
    () => new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start(),
    (container) => `${container.getHost()}:${container.getMappedPort(9093)}`,
  );
}

/**
 * A suite that needs an external system. When it is not found, the suite is still collected, with
 * each of its tests reported as skipped (the summary counts every test that did not run, not one
 * placeholder) under a name that says why, and one console line says how many. `body` registers
 * its tests with the `test` it is given.
 */
export function describeExternal(name: string, skipReason: string | undefined, body: (test: typeof it) => void): void {
  (skipReason === undefined ? describe : describe.skip)(skipReason === undefined ? name : `${name} — skipped: ${skipReason}`, () => {
    let count = 0;
    const counted = ((title: string, ...rest: unknown[]) => {
      count += 1;
      return (it as (...args: unknown[]) => unknown)(title, ...rest);
    }) as unknown as typeof it;
    body(counted);
    if (skipReason !== undefined) console.warn(`[skipped] ${name}: ${count} tests not run — ${skipReason}`);
  });
}
