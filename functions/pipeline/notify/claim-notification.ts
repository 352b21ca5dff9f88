// One notification per story version (docs/ARCHITECTURE.md, "Notifications: what exactly once
// means"). A message is sent only by the run holding the claim state/notified/<id>/v<version>.json,
// created if absent and marked with the run's token. A claim that already exists is read back:
// the run's own (its first reply was lost) is kept; one that records a MessageId was sent; one
// another run holds is left to it until its lease runs out, then taken over, after asking the
// notifier whether the message was accepted already. Once the notifier accepts a message its
// MessageId is recorded, and nothing of ours sends that version again: recording is retried, the
// send never is. A record that still fails is not lost silently: the caller gets the MessageId to
// report, and keeps the version queued only where the notifier can tell the next run it was sent.
import { PreconditionFailed, errorMessage } from '../errors.js';
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

export interface SendOutcome {
  result: ClaimResult;
  /**
   * The message was accepted (by us, or found sent) but its MessageId could not be recorded in the
   * claim after every retry: what to report, since the claim keeps no record of the send.
   */
  unrecorded?: { key: string; messageId: string; reason: string };
}

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
): Promise<SendOutcome> {
  const key = keys.notified(id, version);
  const claim = await takeClaim(
    store,
    notifier,
    key,
    { id, version, token: run.token, claimedAt: run.now.toISOString() },
    run,
  );
  if (claim === 'waiting') return { result: claim };
  if (!('etag' in claim)) return { result: 'already-sent', ...claim };
  let messageId: string;
  try {
    ({ messageId } = await notifier.publish(message));
  } catch (error) {
    // Not accepted (or not known to be): let the next run try, rather than lose the message.
    await releaseClaim(store, key, run.token).catch(() => undefined);
    throw error;
  }
  const failure = await recordSent(store, key, claim, messageId, run.now);
  return failure ? { result: 'sent', unrecorded: { key, messageId, reason: failure } } : { result: 'sent' };
}

/** The claim, held by this run; or what to do instead. */
async function takeClaim(
  store: Store,
  notifier: Notifier,
  key: string,
  mine: NotificationClaim,
  run: ClaimingRun,
): Promise<Versioned<NotificationClaim> | Omit<SendOutcome, 'result'> | 'waiting'> {
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
    if (claim.messageId || claim.token === undefined) return {}; // sent (claims made before tokens existed were sends)
    if (claim.token === run.token) return existing; // ours: the reply to our create was lost
    const accepted = await notifier.findSent?.(dedupeKey(mine.id, mine.version));
    if (accepted) {
      const failure = await recordSent(store, key, existing, accepted, run.now);
      return failure ? { unrecorded: { key, messageId: accepted, reason: failure } } : {};
    }
    if (run.now.getTime() - Date.parse(claim.claimedAt) < CLAIM_LEASE_MS) return 'waiting';
    // The holder stopped before recording a send: take the claim over.
    try {
      const { etag } = await store.put(key, stringifyJson(mine), {
        contentType: CONTENT_TYPES.json,
        ifMatch: existing.etag,
      });
      return { value: mine, etag };
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 5) throw error;
    }
  }
}

/**
 * Records the MessageId on the claim (ours, or one whose message the notifier found sent), retrying
 * the write; never sends again. Returns why it could not, after every attempt.
 */
async function recordSent(
  store: Store,
  key: string,
  claim: Versioned<NotificationClaim>,
  messageId: string,
  now: Date,
): Promise<string | undefined> {
  let current = claim;
  for (let attempt = 1; ; attempt++) {
    try {
      await markSent(store, key, current, messageId, now);
      return undefined;
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS) return errorMessage(error);
    }
    // The write failed, or happened and its reply was lost: look at what is stored now.
    const stored = await readJson<NotificationClaim>(store, key).catch(() => undefined);
    if (stored?.value.messageId) return undefined; // recorded (by our lost write, or by another run)
    if (stored && stored.value.token !== claim.value.token) return undefined; // taken over: theirs to record
    if (stored) current = stored;
  }
}

async function markSent(
  store: Store,
  key: string,
  claim: Versioned<NotificationClaim>,
  messageId: string,
  now: Date,
): Promise<void> {
  const sent: NotificationClaim = { ...claim.value, messageId, sentAt: now.toISOString() };
  await store.put(key, stringifyJson(sent), { contentType: CONTENT_TYPES.json, ifMatch: claim.etag });
}

async function releaseClaim(store: Store, key: string, token: string): Promise<void> {
  const stored = await readJson<NotificationClaim>(store, key);
  if (stored && stored.value.token === token && !stored.value.messageId) await store.delete(key);
}
