#!/usr/bin/env node
// Runs the precompiled CLI (dist/pubcom.mjs, built by scripts/build-bin.mjs at `npm ci`) when it is current,
// else the TypeScript through tsx, so that a checkout works, and runs its latest edits, without a build step.
// PUBCOM_TSX=1 forces the TypeScript path.
import { readFileSync, statSync } from 'node:fs';

function bundleIsCurrent() {
  if (process.env.PUBCOM_TSX === '1') return false;
  try {
    const root = new URL('../', import.meta.url);
    const { files } = JSON.parse(readFileSync(new URL('dist/pubcom.inputs.json', root), 'utf8'));
    for (const [file, [size, mtimeMs]] of Object.entries(files)) {
      const st = statSync(new URL(file, root));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
    }
    return Object.keys(files).length > 0;
  } catch {
    return false;
  }
}

if (bundleIsCurrent()) {
  await import('../dist/pubcom.mjs');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../pipeline/cli.ts');
}
