// A run publishes with the settings its store recorded (state/publish-settings.json): the public URL
// and content mode of its last publish. Left out, they are taken from there (so a folder or a
// deployment switched to summary stays in summary). Given and different: a local folder switches; a
// deployment's bucket (--store s3://...) is refused unless --allow-settings-change says to render
// every public file again with the new ones (and, on AWS, invalidate them all on CloudFront). A bucket
// that records nothing yet takes no defaults: the flags must be given.
import type { ContentMode } from '../pipeline/config.js';
import { readPublishSettings } from '../pipeline/publish/publish-settings.js';
import type { Store } from '../pipeline/ports.js';
import { UsageError } from './args.js';

export interface GivenSettings {
  /** As given on the command line; undefined when the flag was left out. */
  publicUrl?: string;
  contentMode?: ContentMode;
  allowChange: boolean;
  /**
   * A deployment's bucket with nothing recorded yet (publish never ran there): the flags must say
   * what the deployment uses. The defaults are for a folder on this machine; in a bucket they would
   * put 127.0.0.1 links in public files and in notifications, which are never sent again.
   */
  explicitWhenUnrecorded?: boolean;
}

export interface ResolvedSettings {
  publicUrl: string;
  contentMode: ContentMode;
  /** The settings read from the store, when it had some (to say so in the output). */
  recorded?: { publicUrl: string; contentMode: ContentMode };
}

/** The settings a run publishes with, from the flags, the store's record and the defaults. */
export function resolveSettings(
  given: GivenSettings,
  recorded: { publicUrl: string; contentMode: ContentMode } | undefined,
  defaults: { publicUrl: string; contentMode: ContentMode },
): ResolvedSettings {
  if (!recorded) {
    const missing = [
      ...(given.publicUrl === undefined ? ['--public-url'] : []),
      ...(given.contentMode === undefined ? ['--content'] : []),
    ];
    if (given.explicitWhenUnrecorded && missing.length > 0) {
      throw new UsageError(
        `this store records no settings yet (nothing was published there): give ${missing.join(' and ')} as the deployment has them (its PublicUrl output; the contentMode it was deployed with)`,
        'run',
      );
    }
    return { publicUrl: given.publicUrl ?? defaults.publicUrl, contentMode: given.contentMode ?? defaults.contentMode };
  }
  const differs: string[] = [];
  if (given.publicUrl !== undefined && given.publicUrl !== recorded.publicUrl)
    differs.push(`--public-url ${given.publicUrl} (the store's is ${recorded.publicUrl})`);
  if (given.contentMode !== undefined && given.contentMode !== recorded.contentMode)
    differs.push(`--content ${given.contentMode} (the store's is ${recorded.contentMode})`);
  if (differs.length > 0 && !given.allowChange) {
    throw new UsageError(
      `this store was published with other settings: ${differs.join(', ')}; leave the flag out to use the store's, or add --allow-settings-change to render every public file again with yours`,
      'run',
    );
  }
  return {
    publicUrl: given.publicUrl ?? recorded.publicUrl,
    contentMode: given.contentMode ?? recorded.contentMode,
    recorded,
  };
}

/** The settings recorded in a store by its last complete publish, if any. */
export async function recordedSettings(
  store: Store,
): Promise<{ publicUrl: string; contentMode: ContentMode } | undefined> {
  const { applied } = await readPublishSettings(store);
  return applied ? { publicUrl: applied.publicUrl, contentMode: applied.contentMode } : undefined;
}
