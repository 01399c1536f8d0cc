// Finds EventStoreDB and Kafka for their suites: an env variable, or a container through
// testcontainers; otherwise the reason they are skipped.
import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';

export type External = { available: true; url: string; stop: () => Promise<void> } | { available: false; reason: string };

async function containerRuntime(): Promise<string | undefined> {
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

async function fromContainer(start: () => Promise<StartedTestContainer>, url: (container: StartedTestContainer) => string): Promise<External> {
  const container = await start();
  return { available: true, url: url(container), stop: () => container.stop().then(() => undefined) };
}

export async function findEventStoreDb(): Promise<External> {
  const fromEnv = process.env.EVENTSTORE_CONNECTION_STRING;
  if (fromEnv) return { available: true, url: fromEnv, stop: async () => undefined };
  const noRuntime = await containerRuntime();
  if (noRuntime) return { available: false, reason: `EVENTSTORE_CONNECTION_STRING is unset and testcontainers found no container runtime (${noRuntime})` };
  return fromContainer(
    () =>
      new GenericContainer('eventstore/eventstore:24.10')
        .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' })
        .withExposedPorts(2113)
        .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
        .start(),
    (container) => `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
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
