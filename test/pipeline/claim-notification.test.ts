// Exactly once when a reply is lost: the claim carries the run's token and is read back on 412; the
// MessageId is recorded once the notifier accepted the message, and our own retries never send it
// again; a claim another run holds is left to it until its lease runs out.
import { describe, expect, it } from 'vitest';
import { PreconditionFailed } from '#pipeline/errors.js';
import { CLAIM_LEASE_MS } from '#pipeline/notify/claim-notification.js';
import type { PipelinePorts, PutOptions, Store } from '#pipeline/ports.js';
import { publishPending } from '#pipeline/publish/publish.js';
import { FaultyStore } from '#test/helpers/faulty-store.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { RecordingNotifier, silentLogger, testTokens } from '#test/helpers/pipeline-harness.js';
import { PUBLIC_URL, storeSyntheticStory } from '#test/helpers/synthetic-stories.js';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const SETTINGS = { publicUrl: PUBLIC_URL, contentMode: 'full' as const, generator: 'test' };
const CLAIM = 'state/notified/story-1/v000001.json';

function publisher(store: Store, notifier: RecordingNotifier, at = 0) {
  const ports: PipelinePorts = {
    store,
    notifier,
    fetcher: {
      fetch: async () => {
        throw new Error('publish fetches nothing');
      },
    },
    clock: { now: () => new Date(T0 + at) },
    tokens: testTokens(),
    logger: silentLogger,
  };
  return publishPending(ports, SETTINGS);
}

/** S3 as the SDK sees it when the answer to a PUT is lost: it retries, and the retry meets the object it created. */
class RetriedCreateStore extends MemoryStore {
  override async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    const result = await super.put(key, body, options);
    if (key === CLAIM && options.ifNoneMatch === '*') throw new PreconditionFailed(key);
    return result;
  }
}

async function queued(store: Store): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list('state/outbox/')) keys.push(key);
  return keys;
}

describe('a claim whose reply was lost', () => {
  it("is read back, found to be this run's, and the version is notified", async () => {
    const store = new RetriedCreateStore();
    await storeSyntheticStory(store, 1, '2025-05-05');
    const notifier = new RecordingNotifier();
    const report = await publisher(store, notifier);
    expect(report.notificationsSent).toBe(1);
    expect(notifier.keys()).toEqual(['story-1@1']);
    expect(JSON.parse((await store.get(CLAIM))!.body)).toMatchObject({ messageId: 'message-1' });
  });
});

describe('a send whose record failed', () => {
  it('is recorded by our retry, never sent again', async () => {
    const store = new MemoryStore();
    await storeSyntheticStory(store, 1, '2025-05-05');
    const notifier = new RecordingNotifier();
    let claimWrites = 0;
    const faulty = new FaultyStore(store, {
      trigger: { match: (op) => op.kind === 'put' && op.key === CLAIM && ++claimWrites === 2 },
      mode: 'fail',
    });
    expect((await publisher(faulty, notifier)).notificationsSent).toBe(1);
    expect(faulty.hit).toBeDefined();
    expect(notifier.keys()).toEqual(['story-1@1']);
    expect(JSON.parse((await store.get(CLAIM))!.body)).toMatchObject({ messageId: 'message-1' });
    expect(await queued(store)).toEqual([]);
  });

  it('after a crash: the outbox tells the next run it was sent; SNS cannot, so after the lease it is sent once more with the same dedupe key', async () => {
    for (const canTell of [true, false]) {
      const store = new MemoryStore();
      await storeSyntheticStory(store, 1, '2025-05-05');
      const notifier = new RecordingNotifier({ canTell });
      let claimWrites = 0;
      const crashing = new FaultyStore(store, {
        trigger: { match: (op) => op.kind === 'put' && op.key === CLAIM && ++claimWrites === 2 },
        mode: 'crash-before',
      });
      const crashed = publisher(crashing, notifier);
      // The store fails from there on: recording the send fails every retry and is reported; the
      // outbox entry stays either way (kept for the outbox notifier; its delete fails for SNS's).
      if (canTell)
        expect((await crashed).warnings).toEqual([
          expect.stringMatching(/^notification record: story-1@1 was sent as MessageId message-1, but /),
        ]);
      else await expect(crashed).rejects.toThrow(/injected fault/);
      expect(notifier.keys()).toEqual(['story-1@1']);

      const soon = await publisher(store, notifier, 60_000);
      if (canTell) {
        expect(soon).toMatchObject({ notificationsSent: 0, notificationsSkipped: 1, notificationsWaiting: 0 });
        expect(JSON.parse((await store.get(CLAIM))!.body)).toMatchObject({ messageId: 'message-1' });
        expect(await queued(store)).toEqual([]);
      } else {
        // The claim may belong to a run still sending: left to it, and the version stays queued.
        expect(soon).toMatchObject({ notificationsSent: 0, notificationsWaiting: 1 });
        expect(await queued(store)).toHaveLength(1);
        const later = await publisher(store, notifier, CLAIM_LEASE_MS + 60_000);
        expect(later.notificationsSent).toBe(1);
        expect(notifier.keys()).toEqual(['story-1@1', 'story-1@1']);
        expect(new Set(notifier.sent.map((m) => m.MessageAttributes.dedupeKey!.StringValue))).toEqual(
          new Set(['story-1@1']),
        );
      }
      expect((await publisher(store, notifier, 2 * CLAIM_LEASE_MS)).notificationsSent).toBe(0);
    }
  });
});

/** A store where recording a send on the claim (a compare-and-swap write) keeps failing, until healed. */
class ClaimRecordFails extends MemoryStore {
  failing = true;
  override async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    if (this.failing && key === CLAIM && options.ifMatch !== undefined) throw new Error('S3 is having a bad minute');
    return super.put(key, body, options);
  }
}

describe('a send whose record keeps failing', () => {
  const warning = (id: string, then: string) =>
    `notification record: story-1@1 was sent as MessageId ${id}, but ${CLAIM} could not record it (S3 is having a bad minute); ${then}`;

  it('is reported with its MessageId; the outbox tells the next run, which records it, and nothing is sent twice', async () => {
    const store = new ClaimRecordFails();
    await storeSyntheticStory(store, 1, '2025-05-05');
    const notifier = new RecordingNotifier();
    const first = await publisher(store, notifier);
    expect(first).toMatchObject({ notificationsSent: 1 });
    expect(first.warnings).toContain(warning('message-1', 'the next run records it'));
    expect(await queued(store)).toHaveLength(1);

    store.failing = false;
    const next = await publisher(store, notifier, 60_000);
    expect(next).toMatchObject({ notificationsSent: 0, notificationsSkipped: 1, warnings: [] });
    expect(JSON.parse((await store.get(CLAIM))!.body)).toMatchObject({ messageId: 'message-1' });
    expect(await queued(store)).toEqual([]);
    expect(notifier.keys()).toEqual(['story-1@1']);
  });

  it('with SNS (which cannot tell): is reported with its MessageId and not left queued, so no later run sends it again', async () => {
    const store = new ClaimRecordFails();
    await storeSyntheticStory(store, 1, '2025-05-05');
    const notifier = new RecordingNotifier({ canTell: false });
    const first = await publisher(store, notifier);
    expect(first).toMatchObject({ notificationsSent: 1 });
    expect(first.warnings).toContain(warning('message-1', 'it is not sent again'));
    expect(await queued(store)).toEqual([]);
    store.failing = false;
    expect((await publisher(store, notifier, CLAIM_LEASE_MS + 60_000)).notificationsSent).toBe(0);
    expect(notifier.keys()).toEqual(['story-1@1']);
  });

  it("found sent under another run's claim: reported, kept queued, and recorded by the next run", async () => {
    const store = new ClaimRecordFails();
    await storeSyntheticStory(store, 1, '2025-05-05');
    // Another run claimed and sent it, and stopped before recording the send.
    await store.put(
      CLAIM,
      JSON.stringify({ id: 'story-1', version: 1, token: 'another-run', claimedAt: new Date(T0).toISOString() }),
      { contentType: 'application/json' },
    );
    const notifier = new RecordingNotifier();
    const ports: PipelinePorts = {
      store: new MemoryStore(),
      notifier,
      fetcher: {
        fetch: async () => {
          throw new Error('unused');
        },
      },
      clock: { now: () => new Date(T0) },
      tokens: testTokens(),
      logger: silentLogger,
    };
    await storeSyntheticStory(ports.store, 1, '2025-05-05');
    await publishPending(ports, SETTINGS);
    expect(notifier.keys()).toEqual(['story-1@1']);

    const first = await publisher(store, notifier, 60_000);
    expect(first).toMatchObject({ notificationsSent: 0, notificationsSkipped: 1 });
    expect(first.warnings).toContain(warning('message-1', 'the next run records it'));
    expect(await queued(store)).toHaveLength(1);
    store.failing = false;
    expect(await publisher(store, notifier, 120_000)).toMatchObject({ notificationsSent: 0, warnings: [] });
    expect(JSON.parse((await store.get(CLAIM))!.body)).toMatchObject({ token: 'another-run', messageId: 'message-1' });
    expect(await queued(store)).toEqual([]);
    expect(notifier.keys()).toEqual(['story-1@1']);
  });
});

describe('a claim another run holds', () => {
  it('is left to it while its lease lasts, then taken over and sent once', async () => {
    const store = new MemoryStore();
    await storeSyntheticStory(store, 1, '2025-05-05');
    await store.put(
      CLAIM,
      JSON.stringify({ id: 'story-1', version: 1, token: 'another-run', claimedAt: new Date(T0).toISOString() }),
      { contentType: 'application/json' },
    );
    const notifier = new RecordingNotifier({ canTell: false });
    expect(await publisher(store, notifier, 60_000)).toMatchObject({ notificationsSent: 0, notificationsWaiting: 1 });
    expect(notifier.sent).toEqual([]);
    expect(await queued(store)).toHaveLength(1);
    expect(await publisher(store, notifier, CLAIM_LEASE_MS + 1000)).toMatchObject({
      notificationsSent: 1,
      notificationsWaiting: 0,
    });
    expect(notifier.keys()).toEqual(['story-1@1']);
    expect(await queued(store)).toEqual([]);
  });

  it('counts as sent when written before claims carried a token', async () => {
    const store = new MemoryStore();
    await storeSyntheticStory(store, 1, '2025-05-05');
    await store.put(CLAIM, JSON.stringify({ id: 'story-1', version: 1, claimedAt: new Date(T0).toISOString() }), {
      contentType: 'application/json',
    });
    const notifier = new RecordingNotifier();
    expect(await publisher(store, notifier)).toMatchObject({ notificationsSent: 0, notificationsSkipped: 1 });
    expect(notifier.sent).toEqual([]);
  });
});
