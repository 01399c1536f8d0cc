// CPU used during a measured window by the app server, PostgreSQL (every backend) and the load
// generator (this process): per order it is much steadier than orders/s on a shared machine, and
// bounds throughput at cores ÷ CPU per order.
import { processCpuMicros, serverCpuMicros } from '../../harness/server-cpu.ts';

export type CpuSplit = { serverMs: number; postgresMs: number; harnessMs: number };

type Reading = { server: number | undefined; postgres: number | undefined; harness: number };

/** Starts reading at `delayMs` (after the warm-up); `stop()` returns the CPU ms used since. */
export function cpuWindow(serverPid: number | undefined, postgresDataDir: string, delayMs: number): { stop: () => CpuSplit } {
  const read = (): Reading => {
    const harness = process.cpuUsage();
    return { server: processCpuMicros(serverPid), postgres: serverCpuMicros(postgresDataDir), harness: harness.user + harness.system };
  };
  let start: Reading | undefined;
  const timer = setTimeout(() => (start = read()), delayMs);
  return {
    stop() {
      clearTimeout(timer);
      const end = read();
      const ms = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? Number.NaN : (b - a) / 1_000);
      return { serverMs: ms(start?.server, end.server), postgresMs: ms(start?.postgres, end.postgres), harnessMs: ms(start?.harness, end.harness) };
    },
  };
}
