// The folder order is the data flow (docs/ARCHITECTURE.md, "Folders"): each folder of the code
// imports only itself and the folders before it, and no files import each other in a circle.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CODE_ROOTS,
  type ImportEdge,
  LAYERS,
  forbiddenImports,
  importCycles,
  importsOf,
  layerOf,
  layerViolations,
  readImportGraph,
  sourceFiles,
} from '#test/helpers/import-graph.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the code as it is', () => {
  const edges = readImportGraph(ROOT);

  it('reads the imports of every code folder (the check is not looking at nothing)', () => {
    expect(edges.length).toBeGreaterThan(400);
    for (const layer of ['functions/pipeline/extract', 'functions/pipeline/publish', 'functions/cli', 'lib'])
      expect(edges.some((edge) => edge.from.startsWith(`${layer}/`))).toBe(true);
  });

  it('imports only from the same folder or one earlier in the flow', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('keeps discovery, extraction and ingest out of notify, publish and pull', () => {
    expect(forbiddenImports(edges)).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('puts every file of the code in a layer', () => {
    const files = CODE_ROOTS.flatMap((dir) => sourceFiles(ROOT, dir));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((file) => layerOf(file) < 0)).toEqual([]);
  });

  it('lists the core folders in docs/ARCHITECTURE.md in the same order', () => {
    const architecture = readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const folders = architecture.slice(architecture.indexOf('## Folders'), architecture.indexOf('## On AWS'));
    const core = LAYERS.filter((layer) => layer.startsWith('functions/pipeline/') && !layer.endsWith('.ts'));
    const positions = core.map((layer) => folders.indexOf(`- \`${layer.slice('functions/pipeline/'.length)}/\``));
    expect(positions.filter((position) => position < 0)).toEqual([]);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('has the tests import the code by subpath (#pipeline/...), not by ../ paths out of test/', () => {
    const outOfTest = sourceFiles(ROOT, 'test').flatMap((file) =>
      importsOf(readFileSync(path.join(ROOT, file), 'utf8'))
        .filter(({ specifier }) => specifier.startsWith('.'))
        .map(({ specifier }) => path.posix.join(path.posix.dirname(file), specifier))
        .filter((target) => !target.startsWith('test/'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(outOfTest).toEqual([]);
  });
});

describe('the check itself', () => {
  const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

  it('reports an import of a later folder, type-only ones too', () => {
    const problems = layerViolations([
      edge('functions/pipeline/extract/extract-article.ts', 'functions/pipeline/parse/dates.ts'),
      edge('functions/pipeline/normalize/clean-body.ts', 'functions/pipeline/extract/html-dom.ts'),
      edge('functions/pipeline/discover/sitemap.ts', 'functions/pipeline/extract/dates.ts', true),
      edge('functions/pipeline/record/article-record.ts', 'functions/cli/main.ts'),
    ]);
    expect(problems).toEqual([
      'functions/pipeline/normalize/clean-body.ts (functions/pipeline/normalize) imports functions/pipeline/extract/html-dom.ts (functions/pipeline/extract), later in the flow',
      'functions/pipeline/discover/sitemap.ts (functions/pipeline/discover) imports functions/pipeline/extract/dates.ts (functions/pipeline/extract), later in the flow',
      'functions/pipeline/record/article-record.ts (functions/pipeline/record) imports functions/cli/main.ts (functions/cli), later in the flow',
    ]);
  });

  it('reports publish importing extract, which the order alone allows', () => {
    const edges = [
      edge('functions/pipeline/publish/feed-window.ts', 'functions/pipeline/extract/tags.ts'),
      edge('functions/pipeline/publish/feed-window.ts', 'functions/pipeline/record/export-article.ts'),
    ];
    expect(layerViolations(edges)).toEqual([]);
    expect(forbiddenImports(edges)).toEqual([
      'functions/pipeline/publish/feed-window.ts imports functions/pipeline/extract/tags.ts: extract is not for what works from records',
    ]);
  });

  it('reports a file in no layer and an import of the tests', () => {
    expect(
      layerViolations([
        edge('functions/newfolder/a.ts', 'functions/pipeline/ports.ts'),
        edge('functions/cli/main.ts', 'test/helpers/memory-store.ts'),
      ]),
    ).toEqual([
      'functions/newfolder/a.ts is in no layer (add its folder to LAYERS and docs/ARCHITECTURE.md)',
      'functions/cli/main.ts imports test/helpers/memory-store.ts, which is in no layer',
    ]);
  });

  it('finds a cycle, also one within a folder; a type-only import closes none', () => {
    const cycles = importCycles([
      edge('a/x.ts', 'a/y.ts'),
      edge('a/y.ts', 'a/z.ts'),
      edge('a/z.ts', 'a/x.ts'),
      edge('a/z.ts', 'b/w.ts'),
      edge('b/w.ts', 'b/v.ts'),
    ]);
    expect(cycles).toEqual([['a/x.ts', 'a/y.ts', 'a/z.ts']]);
    expect(importCycles([edge('a/x.ts', 'a/y.ts'), edge('b/w.ts', 'a/x.ts')])).toEqual([]);
    expect(importCycles([edge('a/x.ts', 'a/y.ts'), edge('a/y.ts', 'a/x.ts', true)])).toEqual([]);
  });

  it('reads multi-line, type-only, re-exported and dynamic imports, not commented ones', () => {
    const text = [
      "import { readFile } from 'node:fs';",
      'import {',
      '  type A,',
      '  b,',
      "} from '../record/article-record.js';",
      "import type { C } from './c.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "import './side-effect.js';",
      "const f = await import('./readability-fallback.js');",
      "// import { g } from './commented.js';",
      " * import { h } from './in-jsdoc.js';",
      '// cached for an hour (articles/<id>/*, exports/v1/articles/<id>.json)',
      "import { i } from './after-a-glob-in-a-comment.js';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { specifier: 'node:fs', typeOnly: false },
      { specifier: '../record/article-record.js', typeOnly: false },
      { specifier: './c.js', typeOnly: true },
      { specifier: './d.js', typeOnly: false },
      { specifier: './e.js', typeOnly: false },
      { specifier: './side-effect.js', typeOnly: false },
      { specifier: './after-a-glob-in-a-comment.js', typeOnly: false },
      { specifier: './readability-fallback.js', typeOnly: false },
    ]);
  });
});
