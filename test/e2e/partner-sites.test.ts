// The partner's side, with the real clients: a run against the replica publishes into a data folder,
// `serve` serves it, `syndicate pull` writes a Hugo site and a Jekyll site from it over HTTP, and the
// real `hugo` (0.111) and `jekyll build` (4.3) build them without an error or a warning. The export
// documents validate against schema.json with ajv and with Python's jsonschema.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FsStore } from '#adapters/fs-store.js';
import { lockSiteFolder } from '#adapters/site-folder-lock.js';
import { type Output, main } from '#cli/main.js';
import { type PublicServer, startPublicServer } from '#cli/public-server.js';
import type { RunReport } from '#pipeline/run-pipeline.js';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import { DEBIAN_PYTHON, hasClient, hasPythonModules, requireClient } from '#test/helpers/real-clients.js';
import { STORY } from '#test/helpers/replica.js';
import { SiteCopy } from '#test/helpers/replica-site.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const run = promisify(execFile);
const hugo = requireClient('hugo', hasClient('hugo', ['version']));
const jekyll = requireClient('jekyll', hasClient('jekyll', ['--version']));
const jsonschema = requireClient('python3-jsonschema', hasPythonModules('jsonschema'));
const SCAFFOLD = path.resolve(import.meta.dirname, '../fixtures/partner-sites');
const SEED = 'ilo-partners-microsoft-strengthen-ai-skilling-china';
const REGION = 'youth-employment-rebounds-asia-pacific-but-informality-persists';
const J = '\u2060';
// Text on an ILO page that Hugo, Liquid and kramdown would read as markup.
const TEMPLATE_TEXT = '{{&lt; nope &gt;}} {{% nope %}} {% include nope.html %} {{ site.title }} {: onclick="alert(1)"}';
const MARKUP_TITLE = '&lt;img src=x onerror=alert(3)&gt;';
/** An element with an event handler attribute, anywhere in a built page. */
const SCRIPTED_ELEMENT = /<[a-z][^>]*\son[a-z]+=/i;

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Output = { out: (text) => void out.push(text), err: (text) => void err.push(text) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Content hash and mtime of every file: a pull that writes nothing leaves both alone. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of await filesUnder(dir)) {
    const full = path.join(dir, file);
    result[file] = `${createHash('sha256')
      .update(await readFile(full))
      .digest('hex')} ${(await stat(full)).mtimeMs}`;
  }
  return result;
}

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&ldquo;|&rdquo;|&#34;|[“”]/g, '"')
    .replace(/&amp;/g, '&')
    .replaceAll(J, '');
}

/** A replica with markup-like text, a run into a data folder `serve` serves, and first pulls of both sites. */
async function publishAndPull() {
  const site = await SiteCopy.create();
  await site.editPage(STORY.seedEn, (html) =>
    html.replace(
      '<div class="ilo--richtext">',
      `<div class="ilo--richtext">\n<p>Template text: ${TEMPLATE_TEXT}</p>\n<p>A line<br>{: onclick="alert(2)"}</p>`,
    ),
  );
  // A title with text that reads as markup (escaped on the page): plain text in the front matter,
  // so the partner's templates must escape it (ours, the documented examples, do).
  await site.editPage(STORY.structuredEn, (html) =>
    html.replace('close gender gaps</h', `close gender gaps ${MARKUP_TITLE}</h`),
  );
  const replica = await startReplicaServer({ root: site.root });
  const work = await tempDir('partner-sites-');
  const data = path.join(work.dir, 'data');
  await mkdir(data);
  const serve = await startPublicServer(await FsStore.openForReading(data), 0);
  const first = await cli(['run', '--origin', replica.origin, '--data', data, '--public-url', serve.url]);
  expect(first.code, first.err).toBe(0);
  const hugoDir = path.join(work.dir, 'hugo-site');
  const jekyllDir = path.join(work.dir, 'jekyll-site');
  await cp(path.join(SCAFFOLD, 'hugo'), hugoDir, { recursive: true });
  await cp(path.join(SCAFFOLD, 'jekyll'), jekyllDir, { recursive: true });
  const hugoPulled = await cli(['pull', '--from', serve.url, '--site', 'hugo', '--out', hugoDir]);
  const jekyllPulled = await cli(['pull', '--from', serve.url, '--site', 'jekyll', '--out', jekyllDir]);
  return {
    site,
    replica,
    serve,
    work,
    data,
    hugoDir,
    jekyllDir,
    hugoPulled,
    jekyllPulled,
    async cleanup() {
      await serve.close();
      await replica.close();
      await site.cleanup();
      await work.cleanup();
    },
  };
}

describe('partner sites from `syndicate pull`', () => {
  // Every test starts from this published source and these first pulls, and changes none of it
  // (so each test also runs alone, in any order); the tests that build the sites check what the
  // pulls said. The test that changes the source makes its own.
  let published: Awaited<ReturnType<typeof publishAndPull>>;
  let replica: ReplicaServer;
  let serve: PublicServer;
  let work: { dir: string; cleanup: () => Promise<void> };
  let data: string;
  let hugoDir: string;
  let jekyllDir: string;
  let hugoPulled: Awaited<ReturnType<typeof cli>>;
  let jekyllPulled: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    published = await publishAndPull();
    ({ replica, serve, work, data, hugoDir, jekyllDir, hugoPulled, jekyllPulled } = published);
  });

  afterAll(async () => {
    await published?.cleanup();
  });

  async function exportDocuments(): Promise<[string, string][]> {
    const documents: [string, string][] = [
      ['exports/v1/index.json', 'page'],
      ['exports/v1/changes.json', 'changes'],
    ];
    for (const file of await filesUnder(path.join(data, 'exports/v1/archive')))
      documents.push([`exports/v1/archive/${file}`, 'page']);
    for (const file of await filesUnder(path.join(data, 'exports/v1/articles')))
      documents.push([`exports/v1/articles/${file}`, '']);
    for (const file of await filesUnder(path.join(data, 'articles')))
      if (file.endsWith('/meta.json')) documents.push([`articles/${file}`, 'record']);
    return documents;
  }

  it('serves export documents that each validate against their definition in schema.json (ajv)', async () => {
    const schema = JSON.parse(await readFile(path.join(data, 'exports/v1/schema.json'), 'utf8')) as { $id: string };
    const ajv = new Ajv2020.default({ allErrors: true, strict: true });
    addFormats.default(ajv);
    ajv.addSchema(schema);
    const documents = await exportDocuments();
    expect(documents.filter(([, def]) => def === 'record')).toHaveLength(6);
    for (const [file, def] of documents) {
      const validate = ajv.getSchema(def ? `${schema.$id}#/$defs/${def}` : schema.$id)!;
      const body = JSON.parse(await readFile(path.join(data, file), 'utf8'));
      expect(validate(body), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it.skipIf(!jsonschema)(
    'validates the same documents with Python jsonschema (Debian), fetched from serve',
    async () => {
      const documents = await exportDocuments();
      const script = [
        'import json, sys, urllib.request, jsonschema',
        'base, pairs = sys.argv[1], json.loads(sys.argv[2])',
        'get = lambda p: json.load(urllib.request.urlopen(base + "/" + p))',
        'schema = get("exports/v1/schema.json")',
        'jsonschema.Draft202012Validator.check_schema(schema)',
        'resolver = jsonschema.RefResolver.from_schema(schema)',
        'checker = jsonschema.Draft202012Validator.FORMAT_CHECKER',
        'for path, name in pairs:',
        '    definition = schema["$defs"][name] if name else schema',
        '    jsonschema.Draft202012Validator(definition, resolver=resolver, format_checker=checker).validate(get(path))',
        '    print("valid", path, name or "root")',
        'bad = dict(get(pairs[1][0]), changes=[{"id": "x"}])',
        'errors = list(jsonschema.Draft202012Validator(schema["$defs"]["changes"], resolver=resolver).iter_errors(bad))',
        'print("rejected", len(errors))',
      ].join('\n');
      const { stdout } = await run(DEBIAN_PYTHON, ['-c', script, serve.url, JSON.stringify(documents)]);
      const lines = stdout.trim().split('\n');
      expect(lines.filter((line) => line.startsWith('valid '))).toHaveLength(documents.length);
      expect(lines).toContain('valid exports/v1/changes.json changes');
      expect(lines.at(-1)).toMatch(/^rejected [1-9]/);
    },
  );

  it.skipIf(!hugo)(
    'pulls a Hugo site that hugo builds with no warning, Chinese pages in Chinese with their English twin linked',
    async () => {
      const pulled = hugoPulled;
      expect(pulled.code, pulled.err).toBe(0);
      expect(pulled.out).toMatch(
        /^Pulled .* \(hugo, every page walked\): 6 stories read, 9 files written, 0 files removed; cursor at seq 6\.$/,
      );
      const content = (await filesUnder(path.join(hugoDir, 'content'))).filter((file) => file.endsWith('.md'));
      expect(content).toHaveLength(9);
      expect(content).toContain(`news/${SEED}/index.en.md`);
      expect(content).toContain(`news/${SEED}/index.zh-hans.md`);
      for (const file of content)
        expect(await readFile(path.join(hugoDir, 'content', file), 'utf8'), file).not.toMatch(/^lang:/m);

      const built = await run('hugo', ['--panicOnWarning', '--printPathWarnings', '--source', hugoDir]);
      expect(`${built.stdout}\n${built.stderr}`).not.toMatch(/WARN|ERROR|warning|error/i);
      const zh = await readFile(path.join(hugoDir, `public/zh-hans/news/${SEED}/index.html`), 'utf8');
      expect(zh).toContain('<html lang="zh-Hans">');
      expect(zh).toContain('<h1>国际劳工组织与微软合作加强中国人工智能技能培训</h1>');
      expect(zh).toMatch(
        new RegExp(
          `<a class="translation" hreflang="en" href="/news/${SEED}/">ILO partners with Microsoft to strengthen AI skilling in China</a>`,
        ),
      );
      const en = await readFile(path.join(hugoDir, `public/news/${SEED}/index.html`), 'utf8');
      expect(en).toContain('<html lang="en">');
      expect(en).toContain(
        `<a class="translation" hreflang="zh-Hans" href="/zh-hans/news/${SEED}/">国际劳工组织与微软合作加强中国人工智能技能培训</a>`,
      );
      // Template syntax in the story is text on the page, not markup, and fails nothing.
      expect(text(en)).toContain(TEMPLATE_TEXT.replace('&lt;', '<').replace('&gt;', '>'));
      expect(en).not.toMatch(/<[^>]+onclick/);
      for (const file of (await filesUnder(path.join(hugoDir, 'public'))).filter((name) => name.endsWith('.html'))) {
        expect(await readFile(path.join(hugoDir, 'public', file), 'utf8'), file).not.toMatch(SCRIPTED_ELEMENT);
      }
      expect(
        text(
          await readFile(
            path.join(hugoDir, 'public/news/ilo-forum-calls-investment-care-economy-close-gender-gaps/index.html'),
            'utf8',
          ),
        ),
      ).toContain('<img src=x onerror=alert(3)>');
      // The Chinese-only story is in Chinese only.
      const chineseOnly = (await filesUnder(path.join(hugoDir, 'public'))).filter(
        (file) => file.includes('/zh-') && file.endsWith('index.html'),
      );
      expect(chineseOnly).toHaveLength(1);
      expect(chineseOnly[0]).toMatch(/^zh-hans\/news\/zh-[0-9a-f]{12}\/index\.html$/);
    },
  );

  it.skipIf(!jekyll)(
    'pulls a Jekyll site that jekyll builds with no warning, Chinese posts in Chinese with their English twin linked',
    async () => {
      const pulled = jekyllPulled;
      expect(pulled.code, pulled.err).toBe(0);
      const posts = [
        ...(await filesUnder(path.join(jekyllDir, '_posts'))),
        ...(await filesUnder(path.join(jekyllDir, 'zh/_posts'))).map((file) => `zh/${file}`),
      ];
      expect(posts).toHaveLength(9);
      expect(posts).toContain(`2024-11-12-${SEED}.md`);
      expect(posts).toContain(`zh/2024-11-12-${SEED}.md`);

      const built = await run(
        'jekyll',
        ['build', '--strict_front_matter', '--source', jekyllDir, '--destination', path.join(jekyllDir, '_site')],
        { env: { ...process.env, JEKYLL_ENV: 'production' } },
      );
      expect(`${built.stdout}\n${built.stderr}`).not.toMatch(/warn|error|deprecat/i);
      const html = await filesUnder(path.join(jekyllDir, '_site'));
      expect(html.filter((file) => file.endsWith('.html') && file !== 'index.html')).toHaveLength(9);
      const zh = await readFile(path.join(jekyllDir, `_site/zh/2024/11/12/${SEED}.html`), 'utf8');
      expect(zh).toContain('<html lang="zh-Hans">');
      expect(zh).toContain(
        `<a class="translation" hreflang="en" href="/2024/11/12/${SEED}.html">ILO partners with Microsoft to strengthen AI skilling in China</a>`,
      );
      const en = await readFile(path.join(jekyllDir, `_site/2024/11/12/${SEED}.html`), 'utf8');
      expect(en).toContain('<html lang="en">');
      expect(en).toContain(
        `<a class="translation" hreflang="zh-Hans" href="/zh/2024/11/12/${SEED}.html">国际劳工组织与微软合作加强中国人工智能技能培训</a>`,
      );
      expect(text(en)).toContain(TEMPLATE_TEXT.replace('&lt;', '<').replace('&gt;', '>'));
      expect(en).not.toMatch(/<[^>]+onclick/);
      expect((await readFile(path.join(jekyllDir, '_site/index.html'), 'utf8')).match(/<li lang=/g)).toHaveLength(9);
      for (const file of html.filter((name) => name.endsWith('.html'))) {
        expect(await readFile(path.join(jekyllDir, '_site', file), 'utf8'), file).not.toMatch(SCRIPTED_ELEMENT);
      }
      expect(
        text(
          await readFile(
            path.join(jekyllDir, '_site/2025/05/05/ilo-forum-calls-investment-care-economy-close-gender-gaps.html'),
            'utf8',
          ),
        ),
      ).toContain('<img src=x onerror=alert(3)>');
    },
  );

  it('writes no file on a second pull when nothing changed (changes.json answers 304)', async () => {
    for (const [dir, kind] of [
      [hugoDir, 'hugo'],
      [jekyllDir, 'jekyll'],
    ] as const) {
      const before = await fingerprint(dir);
      const again = await cli(['pull', '--from', serve.url, '--site', kind, '--out', dir]);
      expect(again.code, again.err).toBe(0);
      expect(again.out).toMatch(/is up to date with .* \(changes\.json not modified\): nothing written\.$/);
      expect(await fingerprint(dir)).toEqual(before);
    }
  });

  it('refuses a pull into a folder another pull is writing, in one line, and leaves the folder alone', async () => {
    const before = await fingerprint(hugoDir);
    const other = await lockSiteFolder(hugoDir);
    try {
      const refused = await cli(['pull', '--from', serve.url, '--site', 'hugo', '--out', hugoDir]);
      expect(refused).toMatchObject({ code: 1, out: '' });
      expect(refused.err).toBe(
        `syndicate: another pull into ${hugoDir} is running (pid ${process.pid} on ${hostname()}); wait for it to finish, or remove ${path.join(hugoDir, '.syndicate-pull.lock')} if it is not running`,
      );
    } finally {
      await other.release();
    }
    expect(await fingerprint(hugoDir)).toEqual(before);
  });

  it('rewrites only what changed and removes what the source removed, and the sites still build', async () => {
    const own = await publishAndPull();
    onTestFinished(() => own.cleanup());
    const { site, replica, serve, data, hugoDir, jekyllDir } = own;
    // The seed story's Chinese title is edited; the region story loses its Chinese version.
    await site.editPage(STORY.seedZh, (html) =>
      html.replace(
        '国际劳工组织与微软合作加强中国人工智能技能培训</h',
        '国际劳工组织与微软合作加强中国人工智能技能培训（更新）</h',
      ),
    );
    await site.setLastmod(STORY.seedZh, '2026-11-20T10:00:00+00:00');
    await unlink(site.file(STORY.regionZh));
    await site.setLastmod(STORY.regionEn, '2026-11-20T10:00:00+00:00');
    const second = await cli(['run', '--origin', replica.origin, '--data', data, '--public-url', serve.url, '--json']);
    expect(second.code, second.err).toBe(0);
    const report: RunReport = JSON.parse(second.out);
    expect([report.newStories.length, report.updatedStories.length]).toEqual([0, 2]);

    const hugoBefore = await fingerprint(path.join(hugoDir, 'content'));
    const pulled = await cli(['pull', '--from', serve.url, '--site', 'hugo', '--out', hugoDir, '--verbose']);
    expect(pulled.code, pulled.err).toBe(0);
    expect(pulled.out).toMatch(/\(hugo\): 2 stories read, 3 files written, 1 file removed; cursor at seq 8\.$/);
    expect(pulled.err.split('\n').sort()).toEqual([
      `removed content/news/${REGION}/index.zh-hans.md`,
      `wrote   content/news/${SEED}/index.en.md`,
      `wrote   content/news/${SEED}/index.zh-hans.md`,
      `wrote   content/news/${REGION}/index.en.md`,
    ]);
    const hugoAfter = await fingerprint(path.join(hugoDir, 'content'));
    const changed = Object.keys({ ...hugoBefore, ...hugoAfter })
      .filter((file) => hugoBefore[file] !== hugoAfter[file])
      .sort();
    expect(changed).toEqual([
      `news/${SEED}/index.en.md`,
      `news/${SEED}/index.zh-hans.md`,
      `news/${REGION}/index.en.md`,
      `news/${REGION}/index.zh-hans.md`,
    ]);

    const jekyllUpdated = await cli(['pull', '--from', serve.url, '--site', 'jekyll', '--out', jekyllDir]);
    expect(jekyllUpdated.out).toMatch(
      /\(jekyll\): 2 stories read, 3 files written, 1 file removed; cursor at seq 8\.$/,
    );
    expect(await filesUnder(path.join(jekyllDir, 'zh/_posts'))).not.toContain(expect.stringContaining(REGION));

    if (hugo) {
      await rm(path.join(hugoDir, 'public'), { recursive: true, force: true });
      const built = await run('hugo', ['--panicOnWarning', '--source', hugoDir]);
      expect(`${built.stdout}\n${built.stderr}`).not.toMatch(/WARN|ERROR/);
      expect(await readFile(path.join(hugoDir, `public/zh-hans/news/${SEED}/index.html`), 'utf8')).toContain(
        '<h1>国际劳工组织与微软合作加强中国人工智能技能培训（更新）</h1>',
      );
      expect(
        await stat(path.join(hugoDir, `public/zh-hans/news/${REGION}/index.html`)).catch(() => undefined),
      ).toBeUndefined();
    }
    if (jekyll) {
      const built = await run('jekyll', [
        'build',
        '--strict_front_matter',
        '--source',
        jekyllDir,
        '--destination',
        path.join(jekyllDir, '_site'),
      ]);
      expect(`${built.stdout}\n${built.stderr}`).not.toMatch(/warn|error/i);
      expect(await readFile(path.join(jekyllDir, `_site/zh/2024/11/12/${SEED}.html`), 'utf8')).toContain('（更新）');
    }
  });

  it('leaves the folder as it was, with one line, when the source answers badly', async () => {
    const fresh = path.join(work.dir, 'never-written');
    const missing = await cli(['pull', '--from', `${serve.url}/nowhere`, '--site', 'hugo', '--out', fresh]);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`syndicate: ${serve.url}/nowhere/exports/v1/index.json is missing (404)`);
    expect(await stat(fresh).catch(() => undefined)).toBeUndefined();

    // Exports whose links point elsewhere (the run's --public-url is not where they are served).
    const elsewhere = path.join(work.dir, 'elsewhere-data');
    await mkdir(elsewhere);
    const otherServe = await startPublicServer(await FsStore.openForReading(elsewhere), 0);
    try {
      expect(
        (await cli(['run', '--origin', replica.origin, '--data', elsewhere, '--public-url', 'https://cdn.example.org']))
          .code,
      ).toBe(0);
      const before = await fingerprint(hugoDir);
      const wrong = await cli([
        'pull',
        '--from',
        otherServe.url,
        '--site',
        'hugo',
        '--out',
        path.join(work.dir, 'other-site'),
      ]);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(
        /^syndicate: .*exports\/v1\/changes\.json links to https:\/\/cdn\.example\.org\/exports\/v1\/articles\/[a-z0-9-]+\.json, outside http:\/\/127\.0\.0\.1:\d+ \(pull fetches only from the source it was given: was the run's --public-url another address\?\)$/,
      );
      expect(await stat(path.join(work.dir, 'other-site')).catch(() => undefined)).toBeUndefined();
      expect(await fingerprint(hugoDir)).toEqual(before);
    } finally {
      await otherServe.close();
    }
  });

  it('refuses a bad pull command line with one line and exit 2', async () => {
    expect(await cli(['pull', '--from', serve.url, '--site', 'wordpress', '--out', hugoDir])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^syndicate: --site must be 'hugo' or 'jekyll', got 'wordpress'\n/),
    });
    expect(await cli(['pull', '--site', 'hugo', '--out', hugoDir])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^syndicate: pull needs --from/),
    });
    const help = await cli(['pull', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--site hugo|jekyll');
  });

  it('writes the partner site scaffolds used here as documented examples', async () => {
    // The scaffold is what the README shows a partner: it must not carry build output or state.
    for (const kind of ['hugo', 'jekyll']) {
      const files = await filesUnder(path.join(SCAFFOLD, kind));
      expect(
        files.some(
          (file) => file.startsWith('public/') || file.startsWith('_site/') || file.includes('.syndicate-pull'),
        ),
      ).toBe(false);
    }
    await writeFile(path.join(work.dir, 'done'), '');
  });
});
