// Exactly one notification per story version: a message is sent only by the run that wins an
// atomic claim (create-if-absent) on state/notified/<id>@<version>. If sending fails the claim is
// released, so the next run retries; a crash between claim and send loses that one message rather
// than ever sending it twice.
import { PreconditionFailed } from '../errors.js';
import type { Notifier, Store } from '../ports.js';
import type { NotificationEnvelope } from '../ports.js';
import { stringifyJson } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';

export type ClaimResult = 'sent' | 'already-sent';

export async function sendOnce(
  store: Store,
  notifier: Notifier,
  id: string,
  version: number,
  message: NotificationEnvelope,
  now: Date,
): Promise<ClaimResult> {
  const key = keys.notified(id, version);
  try {
    await store.put(key, stringifyJson({ id, version, claimedAt: now.toISOString() }), { contentType: CONTENT_TYPES.json, ifNoneMatch: '*' });
  } catch (error) {
    if (error instanceof PreconditionFailed) return 'already-sent';
    throw error;
  }
  try {
    await notifier.publish(message);
  } catch (error) {
    await store.delete(key).catch(() => undefined);
    throw error;
  }
  return 'sent';
}
