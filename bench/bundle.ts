// How the benches bundle what they measure: the way the Lambdas are bundled (one ES module, plain
// JavaScript, no TypeScript loader in the measured process), into bench/.build/.
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

export const BUILD = fileURLToPath(new URL('./.build/', import.meta.url));

export const BENCH_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: BUILD,
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Lets bundled CommonJS packages `require` in an ES module. */
export const REQUIRE_BANNER = {
  js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
};

/** Bundles one bench entry (a file beside this one) with its packages inside; returns the .mjs path. */
export async function bundleBenchEntry(file: string): Promise<string> {
  await build({
    ...BENCH_BUNDLE,
    entryPoints: [fileURLToPath(new URL(file, import.meta.url))],
    banner: REQUIRE_BANNER,
  });
  return `${BUILD}${file.replace(/^\.\//, '').replace(/\.ts$/, '.mjs')}`;
}
