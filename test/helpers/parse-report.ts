import { expect } from 'vitest';
import type { ParseReport } from '../../pipeline/core/schema.ts';

/** Every input character went to an item, a heading, a header or a skipped line or row. */
export function expectCharsAddUp(report: ParseReport): void {
  const t = report.totals;
  expect(t.item_chars + t.heading_chars + t.header_chars + t.skipped_chars).toBe(t.input_chars);
}
