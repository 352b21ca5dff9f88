// The import graph of the code (not the tests), read with a regular expression over import and
// export lines, and the two rules docs/ARCHITECTURE.md ("Folders") states about it: a folder
// imports only itself and the folders before it in LAYERS, and no files import each other in a circle.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Every folder (or file) of the code, in the order the data flows through it: each may import only
 * itself and the ones before it. Keep docs/ARCHITECTURE.md's folder list in this order.
 */
export const LAYERS = [
  'functions/types',
  'functions/pipeline/errors.ts',
  'functions/pipeline/text',
  'functions/pipeline/site',
  'functions/pipeline/config.ts',
  'functions/pipeline/ports.ts',
  'functions/pipeline/parse',
  'functions/pipeline/state',
  'functions/pipeline/discover',
  'functions/pipeline/normalize',
  'functions/pipeline/extract',
  'functions/pipeline/record',
  'functions/pipeline/ingest',
  'functions/pipeline/notify',
  'functions/pipeline/publish',
  'functions/pipeline/pull',
  'functions/pipeline/run-pipeline.ts',
  'functions/settings',
  'functions/adapters',
  'replica',
  'functions/handlers',
  'functions/cli',
  'lib',
  'bin',
] as const;

/** The folders holding the code the rules apply to (tests and benchmarks may import anything). */
export const CODE_ROOTS = ['functions', 'replica', 'lib', 'bin'];

/** One import: from a file to a file, both relative to the repository, and whether it is `import type`. */
export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

const STATIC = /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[\w$*{}\s,]*?\s*from\s*)?['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The imports of one file's text (module specifiers as written). */
export function importsOf(text: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  // Comment lines left out (a `/*` inside a line comment or a string must not hide code).
  const code = text.replace(/^\s*(?:\/\/|\/\*|\*).*$/gm, '');
  for (const match of code.matchAll(STATIC))
    found.push({ specifier: match[3] ?? '', typeOnly: match[2] !== undefined });
  for (const match of code.matchAll(DYNAMIC)) found.push({ specifier: match[1] ?? '', typeOnly: false });
  return found;
}

/** The code's source files under `dir` (relative to `root`); the replica's pages left out. */
export function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'site' ? [] : sourceFiles(root, relative);
    return /\.(ts|mts|mjs)$/.test(entry.name) ? [relative] : [];
  });
}

/** Every import between the code's own files under `root` (packages and node: modules left out). */
export function readImportGraph(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of CODE_ROOTS.flatMap((dir) => sourceFiles(root, dir))) {
    for (const { specifier, typeOnly } of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
      edges.push({ from: file, to, typeOnly });
    }
  }
  return edges;
}

/** The index in LAYERS of the folder or file a path belongs to (the longest match), or -1. */
export function layerOf(file: string, layers: readonly string[] = LAYERS): number {
  let best = -1;
  layers.forEach((layer, index) => {
    if ((file === layer || file.startsWith(`${layer}/`)) && (best < 0 || layer.length > (layers[best]?.length ?? 0)))
      best = index;
  });
  return best;
}

/** Imports that break the order: into a later layer, or from or into a path in no layer. */
export function layerViolations(edges: ImportEdge[], layers: readonly string[] = LAYERS): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from, layers);
    const to = layerOf(edge.to, layers);
    if (from < 0) problems.push(`${edge.from} is in no layer (add its folder to LAYERS and docs/ARCHITECTURE.md)`);
    else if (to < 0) problems.push(`${edge.from} imports ${edge.to}, which is in no layer`);
    else if (to > from)
      problems.push(`${edge.from} (${layers[from]}) imports ${edge.to} (${layers[to]}), later in the flow`);
  }
  return [...new Set(problems)];
}

/**
 * Imports the order allows but the flow does not: what works from stored records (notify, publish,
 * pull) never reads pages, so it imports nothing of discovery, extraction or ingest.
 */
export const FORBIDDEN: readonly (readonly [from: string, to: string])[] = ['notify', 'publish', 'pull'].flatMap(
  (from) =>
    ['discover', 'extract', 'ingest'].map((to) => [`functions/pipeline/${from}`, `functions/pipeline/${to}`] as const),
);

/** Imports between a pair of FORBIDDEN folders. */
export function forbiddenImports(edges: ImportEdge[], forbidden = FORBIDDEN): string[] {
  const inside = (file: string, folder: string) => file.startsWith(`${folder}/`);
  return edges
    .filter((edge) => forbidden.some(([from, to]) => inside(edge.from, from) && inside(edge.to, to)))
    .map((edge) => `${edge.from} imports ${edge.to}: ${edge.to.split('/')[2]} is not for what works from records`);
}

/**
 * The groups of files that import each other in a circle (strongly connected components of 2 or
 * more). `import type` is left out here: it is erased from the output (verbatimModuleSyntax), so it
 * cannot make a module run before one it needs; the layer order counts it all the same.
 */
export function importCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to, typeOnly } of edges) if (!typeOnly) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);
  return cycles;
}
