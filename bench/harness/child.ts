// Child processes: load generators and servers run apart from the harness, so that no two of
// them share an event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `node <script>` with `input` as JSON in argv and returns the JSON the child printed last
 * on stdout. `nodeFlags` lets a caller add e.g. --cpu-prof.
 */
export async function runJsonChild<Output>(
  script: string,
  input: unknown,
  options: { nodeFlags?: string[]; timeoutMs?: number } = {},
): Promise<Output> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), script, JSON.stringify(input)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${stderr.trim().slice(-2_000) || last}`);
  return JSON.parse(last) as Output;
}

/** Prints the child's result where runJsonChild looks for it. */
export function replyToParent(output: unknown): void {
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

export function inputFromParent<Input>(): Input {
  const raw = process.argv[2];
  if (!raw) throw new Error('this script is started by the benchmark harness with its input as JSON');
  return JSON.parse(raw) as Input;
}

/** Stops a long-running child (a server) and waits for it to exit. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
