// exports/v1/schema.json is made from the same definitions as the record's type and check
// (record/record-schema.ts, publish/export-schema.ts): every document a whole run over the replica
// writes passes both the published schema (ajv, strict; and Debian's Python jsonschema) and the
// definition itself (TypeBox's check), and broken documents fail them all.
import { execFileSync } from 'node:child_process';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Check } from '@sinclair/typebox/value';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANGES_LIST, EXPORT_PAGE, exportSchema } from '#pipeline/publish/export-schema.js';
import { ARTICLE_RECORD, EXPORTED_ARTICLE, type ExportedArticle } from '#pipeline/record/record-schema.js';
import type { Store } from '#pipeline/ports.js';
import { HARNESS_PUBLIC_URL, pipelineHarness } from '#test/helpers/pipeline-harness.js';
import { DEBIAN_PYTHON, hasPythonModules, requireClient } from '#test/helpers/real-clients.js';

const jsonschema = requireClient('python3-jsonschema', hasPythonModules('jsonschema'));

// TypeBox checks a format once one is registered; ajv-formats' 'uri' is the rule partners apply.
const ajv = new Ajv2020.default({ allErrors: true, strict: true });
addFormats.default(ajv);
const uri = ajv.formats.uri as { validate: (value: string) => boolean } | ((value: string) => boolean);
if (!FormatRegistry.Has('uri'))
  FormatRegistry.Set('uri', (value) => (typeof uri === 'function' ? uri(value) : uri.validate(value)));

const schema = exportSchema(HARNESS_PUBLIC_URL) as { $id: string };
ajv.addSchema(schema);
const against = (name?: string) => ajv.getSchema(name ? `${schema.$id}#/$defs/${name}` : schema.$id)!;

/** Each public document kind: its key, the published definition's name and the TypeBox definition. */
const KINDS: { name: string; def: string | undefined; schema: TSchema; matches: (key: string) => boolean }[] = [
  { name: 'export', def: undefined, schema: EXPORTED_ARTICLE, matches: (k) => k.startsWith('exports/v1/articles/') },
  { name: 'record', def: 'record', schema: ARTICLE_RECORD, matches: (k) => /^articles\/[^/]+\/meta\.json$/.test(k) },
  {
    name: 'page',
    def: 'page',
    schema: EXPORT_PAGE,
    matches: (k) => k === 'exports/v1/index.json' || k.startsWith('exports/v1/archive/'),
  },
  { name: 'changes', def: 'changes', schema: CHANGES_LIST, matches: (k) => k === 'exports/v1/changes.json' },
];

async function documents(store: Store): Promise<Map<string, { kind: (typeof KINDS)[number]; doc: unknown }>> {
  const found = new Map<string, { kind: (typeof KINDS)[number]; doc: unknown }>();
  for (const prefix of ['articles/', 'exports/v1/']) {
    for await (const key of store.list(prefix)) {
      const kind = KINDS.find((k) => k.matches(key));
      if (kind) found.set(key, { kind, doc: JSON.parse((await store.get(key))!.body) });
    }
  }
  return found;
}

/** Both verdicts, which must agree. */
function verdict(kind: (typeof KINDS)[number], doc: unknown): boolean {
  const validate = against(kind.def);
  const published = validate(doc) as boolean;
  expect(Check(kind.schema, doc), `TypeBox and ajv disagree: ${JSON.stringify(validate.errors)}`).toBe(published);
  return published;
}

describe('the published schema and the definitions', () => {
  let written: Written;
  let summaryMode: Written;
  beforeAll(async () => {
    const full = pipelineHarness();
    await full.run({ backfill: true, max: 0 });
    written = await documents(full.store);
    const summary = pipelineHarness();
    await summary.run({ backfill: true, max: 0, contentMode: 'summary' });
    summaryMode = await documents(summary.store);
  });

  it('accept every document a run over the replica writes, in both content modes', () => {
    for (const found of [written, summaryMode]) {
      for (const name of ['export', 'record', 'page', 'changes'])
        expect([...found.values()].filter((d) => d.kind.name === name).length, name).toBeGreaterThan(0);
      for (const [key, { kind, doc }] of found) expect(verdict(kind, doc), key).toBe(true);
    }
    // The replica's stories cover what is optional: an image with a credit, a story in Chinese only.
    const exports = [...written.values()].filter((d) => d.kind.name === 'export').map((d) => d.doc as ExportedArticle);
    expect(exports.some((a) => a.image?.credit)).toBe(true);
    expect(exports.some((a) => a.languages.join() === 'zh')).toBe(true);
    expect([...summaryMode.values()].some((d) => d.kind.name === 'export' && 'markdown' in (d.doc as object))).toBe(
      false,
    );
  });

  it('reject broken documents, each definition its own', () => {
    const broken = brokenDocuments(written);
    for (const [kind, value] of broken)
      expect(verdict(kind, value), `${kind.name}: ${JSON.stringify(value).slice(0, 200)}`).toBe(false);
  });

  it.skipIf(!jsonschema)("give Python jsonschema's (Debian) verdicts too, on the same documents", () => {
    const cases = [
      ...[...written.values(), ...summaryMode.values()].map(({ kind, doc }) => [kind.def ?? null, doc, true]),
      // Debian's jsonschema checks the uri format only with rfc3987 installed: that case is ajv's alone.
      ...brokenDocuments(written)
        .filter(([, doc]) => !JSON.stringify(doc).includes('not a url'))
        .map(([kind, doc]) => [kind.def ?? null, doc, false]),
    ];
    const script = [
      'import json, sys, jsonschema',
      'given = json.load(sys.stdin)',
      'schema = given["schema"]',
      'jsonschema.Draft202012Validator.check_schema(schema)',
      'resolver = jsonschema.RefResolver.from_schema(schema)',
      'checker = jsonschema.Draft202012Validator.FORMAT_CHECKER',
      'for name, doc, _ in given["cases"]:',
      '    definition = schema if name is None else schema["$defs"][name]',
      '    v = jsonschema.Draft202012Validator(definition, resolver=resolver, format_checker=checker)',
      '    print(json.dumps(v.is_valid(doc)))',
    ].join('\n');
    const out = execFileSync(DEBIAN_PYTHON, ['-c', script], { input: JSON.stringify({ schema, cases }) }).toString();
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(cases.map(([, , expected]) => expected));
  });
});

type Written = Map<string, { kind: (typeof KINDS)[number]; doc: unknown }>;

/** Documents each a little broken (from those a run wrote), for the definition that must refuse them. */
function brokenDocuments(written: Written): [(typeof KINDS)[number], unknown][] {
  const pick = (name: string) => [...written.values()].find((d) => d.kind.name === name)!;
  const exported = pick('export');
  const record = pick('record');
  const page = pick('page');
  const changes = pick('changes');
  const doc = <T>(found: { doc: unknown }) => found.doc as T;
  return [
    [exported.kind, { ...doc<object>(exported), title: { en: '' } }], // no empty text for a language
    [exported.kind, { ...doc<object>(exported), title: {} }], // a title in some language
    [exported.kind, { ...doc<object>(exported), languages: ['fr'] }],
    [exported.kind, { ...doc<object>(exported), languages: ['en', 'en'] }],
    [exported.kind, { ...doc<object>(exported), extra: 1 }],
    [exported.kind, { ...doc<object>(exported), links: undefined }],
    [exported.kind, { ...doc<object>(exported), url: { en: 'not a url' } }],
    [record.kind, doc<object>(exported)], // links and markdown are the export's
    [record.kind, { ...doc<object>(record), version: 0 }],
    [record.kind, { ...doc<object>(record), id: 'Has Spaces' }],
    [record.kind, { ...doc<object>(record), publishedAt: '25/11/2026' }],
    [record.kind, { ...doc<object>(record), contentHash: { en: 'md5:00' } }],
    [record.kind, { ...doc<object>(record), wordCount: { en: -1 } }],
    [record.kind, { ...doc<object>(record), kind: 'blog' }],
    [record.kind, { ...doc<object>(record), schema: 'ilo-syndication/article@2' }],
    [page.kind, { ...doc<object>(page), next: 3 }],
    [
      page.kind,
      {
        ...doc<{ articles: object[] }>(page),
        articles: [{ ...doc<{ articles: object[] }>(page).articles[0], extra: 1 }],
      },
    ],
    [page.kind, { ...doc<object>(page), month: '2026-1' }],
    [changes.kind, { ...doc<object>(changes), complete: 'yes' }],
    [
      changes.kind,
      {
        ...doc<{ changes: object[] }>(changes),
        changes: [{ ...doc<{ changes: object[] }>(changes).changes[0], seq: 0 }],
      },
    ],
    [
      changes.kind,
      {
        ...doc<{ changes: object[] }>(changes),
        changes: [{ ...doc<{ changes: object[] }>(changes).changes[0], type: 'article.deleted' }],
      },
    ],
  ];
}
