// The Notifier port for local runs: appends each message as one JSON line to notifications.jsonl.
// One write call per line with O_APPEND, so lines from overlapping runs never interleave. The
// outbox can tell whether a message was sent already (its dedupe key is in a line), so a publish
// that stopped between sending and recording never sends twice: locally, exactly once.
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NotificationEnvelope, Notifier } from '../pipeline/ports.js';

export class OutboxNotifier implements Notifier {
  constructor(readonly file: string) {}

  async publish(message: NotificationEnvelope): Promise<{ messageId: string }> {
    const line = JSON.stringify(message);
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${line}\n`, { encoding: 'utf8', flag: 'a' });
    return { messageId: messageIdOf(line) };
  }

  /** Reads the whole outbox: called only to settle a claim a stopped run left unrecorded. */
  async findSent(dedupeKey: string): Promise<string | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    for (const line of text.split('\n')) {
      if (!line.includes(dedupeKey)) continue;
      let message: Partial<NotificationEnvelope>;
      try {
        message = JSON.parse(line) as Partial<NotificationEnvelope>;
      } catch {
        continue; // a line cut short by a crash was never a message
      }
      if (message.MessageAttributes?.dedupeKey?.StringValue === dedupeKey) return messageIdOf(line);
    }
    return undefined;
  }
}

/** The outbox's message id: derived from the line, so finding a line gives back the id it was sent with. */
function messageIdOf(line: string): string {
  return `outbox-${createHash('sha256').update(line, 'utf8').digest('hex').slice(0, 32)}`;
}
