// `npm run bench`: runs every bench/*.ts that exports `bench()`, in file-name order, one after another (the
// machine has two cores; parallel benches would measure each other).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

let failed = 0;
for (const f of files) {
  const mod: { bench?: () => Promise<void> } = await import(pathToFileURL(join(dir, f)).href);
  if (typeof mod.bench !== 'function') continue;
  console.log(`\n== bench/${f}`);
  try {
    await mod.bench();
  } catch (e) {
    failed++;
    console.error(`bench/${f} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
}
if (failed) process.exitCode = 1;
