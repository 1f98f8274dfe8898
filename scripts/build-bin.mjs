// Precompiles the CLI into one ESM file, dist/pubcom.mjs, so `pubcom` starts without loading tsx (issue 14:
// `pubcom --help` ≤ 0.3 s). Run by `npm ci` / `npm install` (the `prepare` script) and by hand after edits:
//   node scripts/build-bin.mjs
// bin/pubcom.js uses the bundle only while every source file it was built from is unchanged (size and mtime, in
// dist/pubcom.inputs.json); otherwise it runs the TypeScript through tsx as before, so a checkout being edited
// never runs stale code.
//
// Two rewrites keep the bundle behaving like the sources:
// - `import.meta.url` in a pipeline file becomes that source file's own URL, so every
//   `new URL('../../models/…', import.meta.url)` (and createRequire) resolves exactly as it does from the .ts.
// - a dynamic `import(name)` of a computed URL (the parse stage's lazily loaded readers) goes through a map of the
//   file's relative './x.ts' literals to bundled `import('./x.ts')` calls, so those modules are bundled too and
//   share one copy of every class (InputError) with the rest of the CLI.
// Packages stay external (node_modules is beside the bundle); zod is bundled because it dominates start-up.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'dist');
const INPUTS = join(OUT_DIR, 'pubcom.inputs.json');
const BUNDLED_PACKAGES = new Set(['zod']);

const DYNAMIC_IMPORT = /\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g;

const sourceRelative = {
  name: 'source-relative',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      let src = readFileSync(args.path, 'utf8');
      if (!args.path.startsWith(join(ROOT, 'pipeline'))) return { contents: src, loader: 'ts' };
      const rel = JSON.stringify(relative(OUT_DIR, args.path).split('\\').join('/'));
      const selfUrl = `new URL(${rel}, import.meta.url).href`;
      const hasDynamic = DYNAMIC_IMPORT.test(src);
      const literals = [...new Set([...src.matchAll(/['"](\.\.?\/[^'"\s]+\.ts)['"]/g)].map((m) => m[1]))];
      src = src.replaceAll('import.meta.url', selfUrl);
      if (hasDynamic) {
        const entries = literals.map((l) => `[new URL(${JSON.stringify(l)}, ${selfUrl}).href, () => import(${JSON.stringify(l)})]`);
        src = src.replace(DYNAMIC_IMPORT, '__bundledImport($1)');
        src +=
          `\nconst __bundled = new Map<string, () => Promise<unknown>>([${entries.join(', ')}]);\n` +
          `function __bundledImport(u: string): Promise<any> { const f = __bundled.get(String(u)); return f ? f() : import(u); }\n`;
      }
      return { contents: src, loader: 'ts' };
    });
  },
};

async function main() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('build-bin: esbuild is not installed; `pubcom` will run through tsx\n');
    return;
  }
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const external = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies ?? {})
    .filter((p) => !BUNDLED_PACKAGES.has(p))
    .flatMap((p) => [p, `${p}/*`]);
  let result;
  try {
    result = await esbuild.build({
      // Split: the lazily loaded readers (and the packages only they import: pdfjs, exceljs) stay out of start-up;
      // chunks sit beside the entry, so the source-relative URLs above hold in every one of them.
      entryPoints: { pubcom: join(ROOT, 'pipeline/cli.ts') },
      splitting: true,
      outdir: OUT_DIR,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external,
      plugins: [sourceRelative],
      metafile: true,
      logLevel: process.env.BUILD_BIN_VERBOSE ? 'error' : 'silent',
      banner: { js: '// Built by scripts/build-bin.mjs from pipeline/ (do not edit; bin/pubcom.js checks it is current).' },
    });
  } catch (e) {
    rmSync(OUT_DIR, { recursive: true, force: true });
    process.stderr.write(`build-bin: could not bundle the CLI (${e instanceof Error ? e.message.split('\n')[0] : e}); \`pubcom\` will run through tsx\n`);
    return;
  }
  const files = {};
  for (const input of Object.keys(result.metafile.inputs).sort()) {
    if (input.includes('node_modules/')) continue;
    const st = statSync(join(ROOT, input));
    files[input] = [st.size, st.mtimeMs];
  }
  writeFileSync(INPUTS, JSON.stringify({ format: 'pubcom-bin-inputs/1', files }) + '\n');
}

await main();
