// CPU time used by the embedded PostgreSQL (postmaster and every backend), from /proc: on a busy
// machine, CPU per operation is a far steadier figure than operations per second.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream architecture. */
const MICROS_PER_TICK = 10_000;

function statFields(pid: string): string[] | undefined {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Microseconds of CPU used so far by the server of `dataDir`: the postmaster, its live children,
 * and its children that have exited (the kernel adds a reaped child's time to its parent's cutime
 * and cstime). Without those, a backend whose connection closed during the window takes its whole
 * life's CPU out of the sum, which can make a window's difference negative. Undefined where /proc is missing.
 */
export function serverCpuMicros(dataDir: string): number | undefined {
  let postmaster: string;
  try {
    postmaster = readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')
      .split('\n')[0]!
      .trim();
    readdirSync('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const fields = statFields(pid);
    // fields[1] is the parent pid, fields[11] and fields[12] utime and stime, fields[13] and
    // fields[14] the reaped children's cutime and cstime.
    if (!fields || (pid !== postmaster && fields[1] !== postmaster)) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
    if (pid === postmaster) ticks += Number(fields[13]) + Number(fields[14]);
  }
  return ticks * MICROS_PER_TICK;
}

/** Microseconds of CPU used so far by one process (e.g. the app server child); undefined where /proc is missing. */
export function processCpuMicros(pid: number | undefined): number | undefined {
  const fields = pid === undefined ? undefined : statFields(String(pid));
  return fields ? (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK : undefined;
}
