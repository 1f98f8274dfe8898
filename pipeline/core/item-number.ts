// One definition of "the same printed number", used wherever one item names another or two files are matched:
// parse (pointers between items), classify (pointers in answers) and eval (aligning labels with items).

/**
 * The comparison key of a printed item number: "No.3", "３", "003", "(3)" and "3" name the same item, so all give
 * "3"; anything else ("3-1", "A2") is compared as written, after NFKC. null for no number.
 */
export function numberKey(n: string | null | undefined): string | null {
  if (n === null || n === undefined) return null;
  const s = n.normalize('NFKC').trim();
  if (!s) return null;
  const m = /^(?:no\.?|番号)?\s*[(]?0*(\d*)[)]?[.、]?$/i.exec(s);
  if (m && /\d/.test(s)) return m[1] === '' ? '0' : m[1];
  return s;
}
