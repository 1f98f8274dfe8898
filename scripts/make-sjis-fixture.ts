// Writes the Shift_JIS (CP932) twin of the UTF-8 CSV fixture, as Excel's default "CSV" save would:
//   npx tsx scripts/make-sjis-fixture.ts
// The output is committed; test/parse-formats.test.ts checks it still matches this conversion.
import { readFileSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';

export const UTF8_FIXTURE = new URL('../data/fixtures/csv/ghg-plan.csv', import.meta.url);
export const SJIS_FIXTURE = new URL('../data/fixtures/csv/ghg-plan.sjis.csv', import.meta.url);

export function toSjis(utf8: Uint8Array): Buffer {
  const text = Buffer.from(utf8).toString('utf8').replace(/^\uFEFF/, '');
  const out = iconv.encode(text, 'cp932');
  if (iconv.decode(out, 'cp932') !== text) throw new Error('fixture has characters CP932 cannot encode');
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SJIS_FIXTURE, toSjis(readFileSync(UTF8_FIXTURE)));
  console.log(`wrote ${SJIS_FIXTURE.pathname}`);
}
