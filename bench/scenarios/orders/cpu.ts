// CPU used during a measured window by the app server, PostgreSQL (every backend) and the load
// generator (this process): per order it is much steadier than orders/s on a shared machine, and
// bounds throughput at cores ÷ CPU per order.
import { processCpuMicros, serverCpuMicros } from '../../harness/server-cpu.ts';

export type CpuSplit = { serverMs: number; postgresMs: number; harnessMs: number };

type Reading = { server: number | undefined; postgres: number | undefined; harness: number };

/** The CPU of the server's processes together (undefined when one cannot be read). */
function serversCpuMicros(pids: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const micros = processCpuMicros(pid);
    if (micros === undefined) return undefined;
    total += micros;
  }
  return total;
}

/** Starts reading at `delayMs` (after the warm-up); `stop()` returns the CPU ms used since (the server: all of `serverPids`). */
export function cpuWindow(serverPids: readonly (number | undefined)[], postgresDataDir: string, delayMs: number): { stop: () => CpuSplit } {
  const read = (): Reading => {
    const harness = process.cpuUsage();
    return { server: serversCpuMicros(serverPids), postgres: serverCpuMicros(postgresDataDir), harness: harness.user + harness.system };
  };
  let start: Reading | undefined;
  const timer = setTimeout(() => (start = read()), delayMs);
  return {
    stop() {
      clearTimeout(timer);
      const end = read();
      const ms = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? Number.NaN : (b - a) / 1_000);
      return {
        serverMs: ms(start?.server, end.server),
        postgresMs: ms(start?.postgres, end.postgres),
        harnessMs: ms(start?.harness, end.harness),
      };
    },
  };
}

/** CPU readings every `intervalMs` while a load runs, so that any stretch of it can be costed afterwards. */
export class CpuTimeline {
  readonly #readings: (Reading & { at: number })[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #read: () => Reading & { at: number };

  constructor(serverPid: number | undefined, postgresDataDir: string, intervalMs = 100) {
    this.#read = () => {
      const harness = process.cpuUsage();
      return {
        at: performance.now(),
        server: processCpuMicros(serverPid),
        postgres: serverCpuMicros(postgresDataDir),
        harness: harness.user + harness.system,
      };
    };
    this.#readings.push(this.#read());
    this.#timer = setInterval(() => this.#readings.push(this.#read()), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#readings.push(this.#read());
  }

  /** CPU ms used between two performance.now() instants (to the nearest reading). */
  between(from: number, to: number): CpuSplit {
    const nearest = (at: number) =>
      this.#readings.reduce((best, reading) => (Math.abs(reading.at - at) < Math.abs(best.at - at) ? reading : best));
    const [a, b] = [nearest(from), nearest(to)];
    const ms = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? Number.NaN : (y - x) / 1_000);
    return { serverMs: ms(a.server, b.server), postgresMs: ms(a.postgres, b.postgres), harnessMs: ms(a.harness, b.harness) };
  }
}
