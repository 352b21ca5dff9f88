// The settings every public file was last rendered with (state/publish-settings.json). When a publish
// runs with other settings (content mode, public URL) or after an upgrade that renders public files
// differently (PUBLIC_FORMAT), every public file is rendered again; the
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

/**
 * The shape of what publish renders. Raise it with every change that alters the public files of
 * stories already published (front matter keys, feed or export markup, the changes list, the landing
 * page): the first publish after an upgrade then renders every public file again, as after a change
 * of content mode, instead of leaving the old ones until each story changes. 2: the release with
 * `seq`, `$defs`, no `lang:` key, inert Markdown, the landing page (releases before stored none).
 * 3: a topic feed links its twin in the other language only where there is one (2 linked it always).
 * 4: a topic feed whose last story left it is listed nowhere (3 kept it on the landing page, in the
 * OPML and in its twin's links) and keeps its topic's title.
 */
const PUBLIC_FORMAT = 4;

export interface PublishSettingsState {
  /** What every public file is rendered with; absent before the first publish. */
  applied?: PublishSettings;
  /** The PUBLIC_FORMAT the files are rendered in (absent: written by a release before formats). */
  format?: number;
  /** A re-render under way: its settings and format, and the last story id whose files are done. */
  rerender?: { to: PublishSettings; format?: number; after: string };
}

export async function readPublishSettings(store: Store): Promise<PublishSettingsState> {
  return normalize((await readJson<PublishSettingsState | PublishSettings>(store, keys.publishSettings()))?.value);
}

function sameSettings(a: PublishSettings | undefined, b: PublishSettings): boolean {
  return (
    a !== undefined && a.publicUrl === b.publicUrl && a.contentMode === b.contentMode && a.generator === b.generator
  );
}

/** True when every public file is in `settings` and the current format: nothing to render again. */
export function settingsApplied(state: PublishSettingsState, settings: PublishSettings): boolean {
  return sameSettings(state.applied, settings) && state.format === PUBLIC_FORMAT;
}

/** Where a re-render to `settings` resumes: after the id it noted, or from the start. */
export function rerenderResumesAfter(state: PublishSettingsState, settings: PublishSettings): string {
  return state.rerender && sameSettings(state.rerender.to, settings) && state.rerender.format === PUBLIC_FORMAT
    ? state.rerender.after
    : '';
}

export async function noteRerenderProgress(store: Store, settings: PublishSettings, after: string): Promise<void> {
  await updateJson<PublishSettingsState>(store, keys.publishSettings(), (current) => ({
    ...normalize(current),
    rerender: { to: settings, format: PUBLIC_FORMAT, after },
  }));
}

/** Every public file is rendered with `settings`, in the current format, now. */
export async function commitSettings(store: Store, settings: PublishSettings): Promise<void> {
  await updateJson<PublishSettingsState>(store, keys.publishSettings(), (current) => {
    const state = normalize(current);
    return settingsApplied(state, settings) && !state.rerender
      ? undefined
      : { applied: settings, format: PUBLIC_FORMAT };
  });
}

function normalize(state: PublishSettingsState | PublishSettings | undefined): PublishSettingsState {
  if (!state) return {};
  // Earlier releases stored the settings themselves.
  return 'publicUrl' in state ? { applied: state } : state;
}
