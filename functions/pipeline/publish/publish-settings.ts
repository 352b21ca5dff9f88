// The settings every public file was last rendered with (state/publish-settings.json). When a publish
// runs with other settings (content mode, public URL), every public file is rendered again; the
// re-render notes how far it got, so a run stopped half-way resumes there, and the new settings are
// committed only once every file is in them (docs/ARCHITECTURE.md, "Publish's commit order").
import type { ContentMode } from '../config.js';
import type { Store } from '../ports.js';
import { readJson, updateJson } from '../state/json-objects.js';
import { keys } from '../state/store-keys.js';

export interface PublishSettings {
  publicUrl: string;
  contentMode: ContentMode;
  /** Named in feeds' <generator>. */
  generator: string;
}

export interface PublishSettingsState {
  /** What every public file is rendered with; absent before the first publish. */
  applied?: PublishSettings;
  /** A re-render under way: its settings, and the last story id whose files are done. */
  rerender?: { to: PublishSettings; after: string };
}

export async function readPublishSettings(store: Store): Promise<PublishSettingsState> {
  const stored = (await readJson<PublishSettingsState | PublishSettings>(store, keys.publishSettings()))?.value;
  if (!stored) return {};
  // Earlier versions stored the settings themselves.
  return 'publicUrl' in stored ? { applied: stored } : stored;
}

export function sameSettings(a: PublishSettings | undefined, b: PublishSettings): boolean {
  return a !== undefined && a.publicUrl === b.publicUrl && a.contentMode === b.contentMode && a.generator === b.generator;
}

/** Where a re-render to `settings` resumes: after the id it noted, or from the start. */
export function rerenderResumesAfter(state: PublishSettingsState, settings: PublishSettings): string {
  return state.rerender && sameSettings(state.rerender.to, settings) ? state.rerender.after : '';
}

export async function noteRerenderProgress(store: Store, settings: PublishSettings, after: string): Promise<void> {
  await updateJson<PublishSettingsState>(store, keys.publishSettings(), (current) => ({ ...normalize(current), rerender: { to: settings, after } }));
}

/** Every public file is rendered with `settings` now. */
export async function commitSettings(store: Store, settings: PublishSettings): Promise<void> {
  await updateJson<PublishSettingsState>(store, keys.publishSettings(), (current) =>
    sameSettings(normalize(current).applied, settings) && !normalize(current).rerender ? undefined : { applied: settings },
  );
}

function normalize(state: PublishSettingsState | PublishSettings | undefined): PublishSettingsState {
  if (!state) return {};
  return 'publicUrl' in state ? { applied: state } : state;
}
