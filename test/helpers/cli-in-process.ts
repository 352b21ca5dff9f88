// The CLI in this process, through main(argv, io): what a user would read on stdout and stderr, and
// the exit status, without a process of its own (bin/syndicate.ts only calls main). Tests where the
// process itself is the point (a kill, a signal, TZ, the SDK's own output) use runCli instead.
import type { PacerClock } from '#adapters/http/request-pacer.js';
import { main } from '#cli/main.js';
import type { CliResult } from './cli.js';

export async function runInProcess(args: string[], options: { clock?: PacerClock } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { code, stdout, stderr };
}
