// Independent clients the outputs are checked with (Debian packages: newsboat, hugo, jekyll, chromium,
// python3-feedparser, python3-jsonschema). CI installs them and sets REQUIRE_CLIENTS=1, so there a
// missing client fails the run; on a developer machine without one, its tests are skipped.
import { execFileSync } from 'node:child_process';

/** Debian's python3, which has the Debian modules (a pyenv python3 earlier on PATH does not). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const found = new Map<string, boolean>();

/** True when `command --version` (or the given probe) runs. */
export function hasClient(command: string, probe: string[] = ['--version']): boolean {
  const key = [command, ...probe].join(' ');
  if (!found.has(key)) {
    let ok = true;
    try {
      execFileSync(command, probe, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      ok = false;
    }
    found.set(key, ok);
  }
  return found.get(key)!;
}

/** True when Debian's python3 can import every module named. */
export function hasPythonModules(...modules: string[]): boolean {
  return hasClient(DEBIAN_PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')]);
}

/**
 * Whether tests needing `client` run here: true when it is installed; false (skip) when it is not,
 * unless REQUIRE_CLIENTS (or the older REQUIRE_NEWSBOAT) is set, as CI does: then it throws.
 */
export function requireClient(name: string, available: boolean): boolean {
  if (available) return true;
  if (process.env.REQUIRE_CLIENTS || process.env.REQUIRE_NEWSBOAT) {
    throw new Error(`${name} is required here (REQUIRE_CLIENTS is set) but is not installed: see .ci/run`);
  }
  return false;
}
