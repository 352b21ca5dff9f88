// Runs the real CLI (bin/syndicate.ts) in a child process, as a user would.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  /** The signal that ended the process, if one did (a kill -9: SIGKILL). */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `preload`: a module loaded into the CLI's process before it starts (--import). */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; preload?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const preload = options.preload ? ['--import', options.preload] : [];
    const child = spawn(process.execPath, ['--import', 'tsx', ...preload, `${ROOT}/bin/syndicate.ts`, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
