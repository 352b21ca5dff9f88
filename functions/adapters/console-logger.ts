// The Logger port for the CLI: one line per event on stderr, so stdout stays the run's summary.
import type { Logger } from '../pipeline/ports.js';

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

export function consoleLogger(
  level: LogLevel = 'warn',
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const log = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return;
    const detail = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(`${at}: ${message}${detail}`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
