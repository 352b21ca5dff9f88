// The versions ingest queued for publish (state/outbox/<id>@<version>.json): what makes the next run
// publish again, so publish removes an entry last (docs/ARCHITECTURE.md, "Publish's commit order").
import type { PipelinePorts } from '../ports.js';
import { keys } from '../state/store-keys.js';

export interface QueuedVersion {
  key: string;
  id: string;
  version: number;
}

export async function listQueuedVersions(ports: PipelinePorts): Promise<QueuedVersion[]> {
  const queued: QueuedVersion[] = [];
  for await (const key of ports.store.list(keys.outboxPrefix())) {
    const [, id, version] = /^state\/outbox\/([a-z0-9-]+)@(\d+)\.json$/.exec(key) ?? [];
    if (id !== undefined && version !== undefined) queued.push({ key, id, version: Number(version) });
    else ports.logger.warn('ignoring unexpected outbox entry', { key });
  }
  return queued;
}
