// Loaded into a CLI process (runCli's `preload`) by the kill tests: the process kills itself with
// SIGKILL (kill -9: no handler, no cleanup, no finally) at the point KILL_AT names:
//   after-put <key prefix> [n]   once the n-th (default first) write of a key with that prefix is done
//   in-lock <key prefix>         while holding the lock of such a key, its new content in a temporary file
//   after-notify [n]             once the n-th notification is in the outbox, before its claim records it
//   taking-lock <key prefix>     the moment the lock file of such a key appears, before anything else runs
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { FsStore } from '#adapters/fs-store.js';
import { OutboxNotifier } from '#adapters/outbox-notifier.js';

const [point = '', prefix = '', nth = '1'] = (process.env.KILL_AT ?? '').split(' ');
const kill = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};
let seen = 0;

if (point === 'after-put' || point === 'in-lock') {
  const put = FsStore.prototype.put;
  FsStore.prototype.put = async function (this: FsStore, key, body, options) {
    const matches = key.startsWith(prefix);
    if (matches && point === 'in-lock' && options.ifNoneMatch === undefined) {
      // The lock is taken inside put; kill from within its action, when the temporary file exists too.
      const self = this as unknown as {
        withLock: (target: string, action: () => Promise<unknown>) => Promise<unknown>;
      };
      const withLock = self.withLock;
      self.withLock = (target, _action) => withLock.call(this, target, async () => kill());
    }
    const result = await put.call(this, key, body, options);
    if (matches && point === 'after-put' && ++seen === Number(nth)) kill();
    return result;
  };
}

if (point === 'after-notify') {
  const publish = OutboxNotifier.prototype.publish;
  OutboxNotifier.prototype.publish = async function (this: OutboxNotifier, message) {
    const result = await publish.call(this, message);
    if (++seen === Number(prefix || '1')) kill();
    return result;
  };
}

if (point === 'taking-lock') {
  // Whatever call creates the lock file (open 'wx', or link of a finished file), die as it returns:
  // what is on disk then is all a run killed while taking the lock leaves.
  const fs = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
  const isTarget = (file: unknown) =>
    typeof file === 'string' && file.endsWith('.lock') && file.replaceAll('\\', '/').includes(`/${prefix}`);
  const { open, link } = fs;
  fs.open = (async (file: Parameters<typeof open>[0], ...rest: unknown[]) => {
    const handle = await (open as (...args: unknown[]) => ReturnType<typeof open>)(file, ...rest);
    if (isTarget(file) && rest[0] === 'wx') kill();
    return handle;
  }) as typeof open;
  fs.link = (async (existing: Parameters<typeof link>[0], target: Parameters<typeof link>[1]) => {
    await link(existing, target);
    if (isTarget(target)) kill();
  }) as typeof link;
  syncBuiltinESMExports();
}
