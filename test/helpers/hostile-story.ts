// The hostile story (test/fixtures/ilo-replica/variants/hostile): text a page escaped, template
// syntax, bidi controls, a tracking pixel. Ingested through the whole pipeline in process, so tests
// see exactly the Markdown file and export partners get.
import { parse as parseYaml } from 'yaml';
import type { Store } from '#pipeline/ports.js';
import { pipelineHarness } from './pipeline-harness.js';
import { SiteCopy } from './replica-site.js';

export const HOSTILE = {
  state: 'hostile',
  path: '/resource/news/workers-report-unsafe-conditions-online-forms',
} as const;
export const HOSTILE_ID = 'workers-report-unsafe-conditions-online-forms';

export interface HostileOutputs {
  store: Store;
  /** articles/<id>/en.md as written. */
  markdownFile: string;
  frontMatter: Record<string, unknown>;
  /** The body after the front matter. */
  body: string;
  /** exports/v1/articles/<id>.json */
  exported: { title: Record<string, string>; summary: Record<string, string>; markdown: Record<string, string> };
}

export async function ingestHostileStory(): Promise<HostileOutputs> {
  const site = await SiteCopy.create();
  try {
    await site.addPage(HOSTILE);
    await site.list(HOSTILE.path, '2025-10-14T09:00:00+02:00');
    const harness = pipelineHarness({ root: site.root });
    const report = await harness.run();
    if (!report.newStories.includes(HOSTILE_ID))
      throw new Error(`hostile story not ingested: ${JSON.stringify(report.failed)}`);
    const markdownFile = (await harness.store.get(`articles/${HOSTILE_ID}/en.md`))!.body;
    const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(markdownFile);
    if (!match) throw new Error('no front matter');
    return {
      store: harness.store,
      markdownFile,
      frontMatter: parseYaml(match[1]!) as Record<string, unknown>,
      body: match[2]!,
      exported: JSON.parse((await harness.store.get(`exports/v1/articles/${HOSTILE_ID}.json`))!.body),
    };
  } finally {
    await site.cleanup();
  }
}
