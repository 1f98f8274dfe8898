// How dispositions are named and coloured in every table and chart, so the HTML, XLSX and Markdown agree.
import { LABEL_ORDER, type Disposition, type Stance } from '../core/schema.ts';

/** Display order: strongest change first, "no response" last (the guideline's priority, then none). */
export const DISPOSITIONS: readonly Disposition[] = LABEL_ORDER;

/** Short Japanese names, read from models/labels/taxonomy.json (the one source of label names). */
export { DISPOSITION_JA } from '../core/label-names.ts';
import { DISPOSITION_JA } from '../core/label-names.ts';

/** Comment stances in display order (guideline §2), then the row for comments without one. */
export const STANCES: readonly Stance[] = ['support', 'oppose', 'request', 'question'];

export const STANCE_JA: Record<Stance, string> = {
  support: '賛成',
  oppose: '反対',
  request: '要望',
  question: '質問',
};

/** The stance row for an empty comment (the stance stage gives it null). */
export const NO_STANCE = '(立場なし)';

/** Marks a label the classifier was not sure of, in items.csv's Japanese header and the report. */
export const NEEDS_REVIEW_JA = '要確認';

/** Colour-blind-safe palette (Okabe–Ito), grey for "no response". */
export const DISPOSITION_COLOR: Record<Disposition, string> = {
  accepted: '#009E73',
  declined: '#D55E00',
  referred: '#0072B2',
  deferred: '#E69F00',
  none: '#9AA0A6',
};

/** Theme colours for the comment map; cycled when a codebook has more themes. */
export const THEME_PALETTE: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2',
  '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#ad494a', '#637939', '#7b4173',
  '#3182bd', '#e6550d', '#31a354', '#756bb1',
];

export const NO_THEME = '(テーマなし)';
export const NO_SECTION = '(セクションなし)';
export const NO_CATEGORY = '(対応区分なし)';

export function dispositionLabel(d: Disposition): string {
  return `${DISPOSITION_JA[d]} (${d})`;
}
