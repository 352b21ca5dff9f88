// The public part of a store as a comparable value: every public key with its content, timestamps
// masked (a rerun makes new versions at another time), the changes list compared without `seq`
// and order (a history cut into two runs numbers its changes differently).
import type { Store } from '#pipeline/ports.js';
import { isPublicKey } from '#pipeline/publish/public-paths.js';

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;
const RFC822 = /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})/g;

export async function publicFiles(
  store: Store,
  prefixes = ['articles/', 'exports/', 'feeds/'],
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const prefix of prefixes) {
    for await (const key of store.list(prefix)) {
      if (!isPublicKey(key)) continue;
      const body = (await store.get(key))?.body ?? '';
      files[key] = key === 'exports/v1/changes.json' ? changesAsSet(body) : maskTimestamps(body);
    }
  }
  return files;
}

export function maskTimestamps(text: string): string {
  return text.replace(ISO_INSTANT, '<instant>').replace(RFC822, '<date>');
}

function changesAsSet(body: string): string {
  const list = JSON.parse(body) as {
    changes: { seq: number; id: string; version: number; type: string; href: string }[];
  };
  const seqs = list.changes.map((change) => change.seq);
  if (new Set(seqs).size !== seqs.length) throw new Error('changes.json repeats a seq');
  return JSON.stringify(list.changes.map(({ id, version, type, href }) => `${id}@${version} ${type} ${href}`).sort());
}
