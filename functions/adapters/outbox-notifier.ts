// The Notifier port for local runs: appends each message as one JSON line to notifications.jsonl.
// One write call per line with O_APPEND, so lines from overlapping runs never interleave.
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NotificationEnvelope, Notifier } from '../pipeline/ports.js';

export class OutboxNotifier implements Notifier {
  constructor(readonly file: string) {}

  async publish(message: NotificationEnvelope): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(message)}\n`, { encoding: 'utf8', flag: 'a' });
  }
}
