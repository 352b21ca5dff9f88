// One notification per story version (docs/ARCHITECTURE.md, "Notifications: what exactly once
// means"). A message is sent only by the run holding the claim state/notified/<id>/v<version>.json,
// created if absent and marked with the run's token. A claim that already exists is read back:
// the run's own (its first reply was lost) is kept; one that records a MessageId was sent; one
// another run holds is left to it until its lease runs out, then taken over, after asking the
// notifier whether the message was accepted already. Once the notifier accepts a message its
// MessageId is recorded, and nothing of ours sends that version again: recording is retried, the
// send never is.
import { PreconditionFailed } from '../errors.js';
import type { NotificationEnvelope, Notifier, Store } from '../ports.js';
import { type Versioned, readJson, stringifyJson } from '../state/json-objects.js';
import { CONTENT_TYPES, keys } from '../state/store-keys.js';
import { dedupeKey } from './notification-message.js';

/** Longer than any run can hold a claim before sending (a Lambda lives at most 15 minutes). */
export const CLAIM_LEASE_MS = 20 * 60 * 1000;
const RECORD_ATTEMPTS = 5;

export interface NotificationClaim {
  id: string;
  version: number;
  /** The run holding the claim. */
  token?: string;
  claimedAt: string;
  /** Set once the notifier accepted the message. */
  messageId?: string;
  sentAt?: string;
}

/** `waiting`: another run holds the claim and may be sending right now; try again later. */
export type ClaimResult = 'sent' | 'already-sent' | 'waiting';

export interface ClaimingRun {
  /** This run's token (the same for every claim it makes). */
  token: string;
  now: Date;
}

export async function sendOnce(
  store: Store,
  notifier: Notifier,
  id: string,
  version: number,
  message: NotificationEnvelope,
  run: ClaimingRun,
): Promise<ClaimResult> {
  const key = keys.notified(id, version);
  const claim = await takeClaim(store, notifier, key, { id, version, token: run.token, claimedAt: run.now.toISOString() }, run);
  if (claim === 'already-sent' || claim === 'waiting') return claim;
  let messageId: string;
  try {
    ({ messageId } = await notifier.publish(message));
  } catch (error) {
    // Not accepted (or not known to be): let the next run try, rather than lose the message.
    await releaseClaim(store, key, run.token).catch(() => undefined);
    throw error;
  }
  await recordSent(store, key, claim, messageId, run);
  return 'sent';
}

/** The claim, held by this run; or what to do instead. */
async function takeClaim(
  store: Store,
  notifier: Notifier,
  key: string,
  mine: NotificationClaim,
  run: ClaimingRun,
): Promise<Versioned<NotificationClaim> | 'already-sent' | 'waiting'> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { etag } = await store.put(key, stringifyJson(mine), { contentType: CONTENT_TYPES.json, ifNoneMatch: '*' });
      return { value: mine, etag };
    } catch (error) {
      // Retried like S3's client retries: if the failed create did happen, the retry meets it (412).
      if (!(error instanceof PreconditionFailed)) {
        if (attempt >= RECORD_ATTEMPTS) throw error;
        continue;
      }
    }
    const existing = await readJson<NotificationClaim>(store, key);
    if (!existing) continue; // released meanwhile: claim it again
    const claim = existing.value;
    if (claim.messageId || claim.token === undefined) return 'already-sent'; // claims made before tokens existed were sends
    if (claim.token === run.token) return existing; // ours: the reply to our create was lost
    const accepted = await notifier.findSent?.(dedupeKey(mine.id, mine.version));
    if (accepted) {
      await markSent(store, key, existing, accepted, run.now).catch(() => undefined);
      return 'already-sent';
    }
    if (run.now.getTime() - Date.parse(claim.claimedAt) < CLAIM_LEASE_MS) return 'waiting';
    // The holder stopped before recording a send: take the claim over.
    try {
      const { etag } = await store.put(key, stringifyJson(mine), { contentType: CONTENT_TYPES.json, ifMatch: existing.etag });
      return { value: mine, etag };
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 5) throw error;
    }
  }
}

/** Records the MessageId on our claim, retrying our own writes; never sends again. */
async function recordSent(store: Store, key: string, claim: Versioned<NotificationClaim>, messageId: string, run: ClaimingRun): Promise<void> {
  let current = claim;
  for (let attempt = 1; ; attempt++) {
    try {
      await markSent(store, key, current, messageId, run.now);
      return;
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS) throw error;
    }
    // The write failed, or happened and its reply was lost: look at what is stored now.
    const stored = await readJson<NotificationClaim>(store, key).catch(() => undefined);
    if (stored?.value.messageId === messageId) return;
    if (stored && stored.value.token !== run.token) return; // taken over after our lease ran out: theirs to record
    if (stored) current = stored;
  }
}

async function markSent(store: Store, key: string, claim: Versioned<NotificationClaim>, messageId: string, now: Date): Promise<void> {
  const sent: NotificationClaim = { ...claim.value, messageId, sentAt: now.toISOString() };
  await store.put(key, stringifyJson(sent), { contentType: CONTENT_TYPES.json, ifMatch: claim.etag });
}

async function releaseClaim(store: Store, key: string, token: string): Promise<void> {
  const stored = await readJson<NotificationClaim>(store, key);
  if (stored && stored.value.token === token && !stored.value.messageId) await store.delete(key);
}
