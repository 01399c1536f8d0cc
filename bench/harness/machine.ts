// What the figures were measured on: CPU, cores, RAM, disk, Node and PostgreSQL versions, load.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { BenchPostgres } from './postgres.ts';

export type Machine = {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  postgres: string;
  dataDirFilesystem: string;
  loadAverageAtStart: string;
};

function cpuModel(): string {
  const model = os.cpus()[0]?.model.trim() ?? 'unknown';
  if (model !== 'unknown' && !/^(AMD|Intel)\s*\w*$/i.test(model)) return model;
  // Virtual machines often report a bare vendor name; lscpu sometimes knows more.
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    const name = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1]?.trim();
    return name && name !== model ? `${model} (${name})` : model;
  } catch {
    return model;
  }
}

/** The filesystem type of the mount holding `dir` (fsync costs differ wildly between ext4, tmpfs, overlay). */
function filesystemOf(dir: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter((fields) => fields.length > 2 && dir.startsWith(fields[1]!));
    const best = mounts.sort((a, b) => b[1]!.length - a[1]!.length)[0];
    return best ? `${best[2]} (${best[0]} on ${best[1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(postgres: BenchPostgres): Promise<Machine> {
  const version = await postgres.admin(
    async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
  );
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: `${version} (embedded, fsync on, synchronous_commit on)`,
    dataDirFilesystem: filesystemOf(postgres.dataDir),
    loadAverageAtStart: os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
  };
}
