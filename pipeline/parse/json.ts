// JSON exports (open-data portals, in-house databases): an array of records, optionally joined to a
// second array (responses that answer several opinions). Records become table rows whose columns are the
// records' dotted field paths, so header-less mapping, sections and groups work as for CSV.
import { InputError } from '../core/errors.ts';
import type { LineAccount } from '../core/schema.ts';
import { nonWhitespaceLength } from '../core/text.ts';
import { decodeText } from './detect.ts';
import { tableToDocument, textCell, type TableCell } from './tabular.ts';
import type { FormatReader } from './types.ts';
import { pushAll } from '../core/arrays.ts';
import { maxDepth } from '../core/depth.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: Json) => v === null || typeof v !== 'object';

function getPath(root: Json, path: string): Json | undefined {
  let cur: Json | undefined = root;
  for (const key of path.split('.').filter(Boolean)) {
    if (Array.isArray(cur) && /^\d+$/.test(key)) cur = cur[Number(key)];
    else if (isObj(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Leaves as dotted paths; an array of scalars is one field (values joined by newlines). */
function flatten(v: Json, prefix: string, out: Map<string, string>): void {
  if (Array.isArray(v) && v.every(isScalar)) {
    out.set(prefix, v.filter((x) => x !== null).map(String).join('\n'));
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(x, prefix ? `${prefix}.${i}` : String(i), out));
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, v === null ? '' : String(v));
  }
}

const isRecordArray = (v: Json | undefined): v is Obj[] => Array.isArray(v) && v.length > 0 && v.every(isObj);

/** The records when --records is not given: the root array, else the first array of objects, depth first. */
function findRecords(v: Json, path: string, skip: string | undefined): { path: string; records: Obj[] } | null {
  if (isRecordArray(v) && path !== skip) return { path, records: v };
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      const found = findRecords(x, path ? `${path}.${k}` : k, skip);
      if (found) return found;
    }
  }
  return null;
}

function describeKeys(v: Json | undefined): string {
  return isObj(v) ? Object.keys(v).map((k) => `"${k}"`).join(', ') || '(none)' : `a ${Array.isArray(v) ? 'array' : typeof v}`;
}

function recordsAt(root: Json, path: string, file: string, flag: string): Obj[] {
  const v = getPath(root, path);
  if (isRecordArray(v)) return v;
  if (Array.isArray(v) && v.length === 0) throw new InputError(file, `${flag} ${path}: the array is empty`);
  const parentPath = path.split('.').slice(0, -1).join('.');
  const parent = parentPath ? getPath(root, parentPath) : root;
  throw new InputError(
    file,
    v === undefined
      ? `${flag} ${path}: nothing at this path; keys there: ${describeKeys(parent)}`
      : `${flag} ${path}: expected an array of objects, found ${Array.isArray(v) ? 'an array of other values' : typeof v}`,
  );
}

interface Join {
  path: string;
  /** Field of the joined records. */
  key: string;
  /** Field of the main records holding the same value. */
  recordKey: string;
}

function parseJoin(spec: string, file: string): Join {
  const m = /^([^:]+):([^=]+)(?:=(.+))?$/.exec(spec.trim());
  if (!m) throw new InputError(file, `--join ${spec}: expected path.to.array:key or path.to.array:key=recordField`);
  return { path: m[1], key: m[2], recordKey: m[3] ?? m[2] };
}

/**
 * Values nested deeper than this stop the parse with a clear message: the walkers below recurse once per level,
 * and no export nests anywhere near this deep.
 */
export const MAX_JSON_DEPTH = 1000;

const isNested = (v: Json): v is Json[] | Obj => v !== null && typeof v === 'object';

/** The deepest nesting of arrays and objects (a scalar: 0, a flat array: 1). */
function jsonDepth(root: Json): number {
  if (!isNested(root)) return 0;
  return 1 + maxDepth<Json>(root, (v) => (isNested(v) ? (Array.isArray(v) ? v : Object.values(v)).filter(isNested) : []));
}

const keyValues = (v: Json | undefined): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.filter(isScalar).filter((x) => x !== null).map(String) : isScalar(v) ? [String(v)] : [];

export const readJson: FormatReader = async (input, opts) => {
  const { text } = decodeText(opts.file, input);
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (e) {
    throw new InputError(opts.file, `invalid JSON: ${(e as Error).message}`);
  }
  const depth = jsonDepth(root);
  if (depth > MAX_JSON_DEPTH) throw new InputError(opts.file, `arrays and objects nested ${depth} deep; the limit is ${MAX_JSON_DEPTH}`);
  const join = opts.join ? parseJoin(opts.join, opts.file) : undefined;
  let records: Obj[];
  if (opts.records) {
    records = recordsAt(root, opts.records, opts.file, '--records');
  } else {
    const found = findRecords(root, '', join?.path);
    if (!found) throw new InputError(opts.file, 'no array of records found; name it with --records path.to.array');
    records = found.records;
  }

  const flat = records.map((r) => {
    const m = new Map<string, string>();
    flatten(r, '', m);
    return m;
  });
  const columns: string[] = [];
  const seen = new Set<string>();
  const addColumns = (m: Map<string, string>, prefix: string) => {
    for (const k of m.keys()) if (!seen.has(prefix + k)) (seen.add(prefix + k), columns.push(prefix + k));
  };
  flat.forEach((m) => addColumns(m, ''));

  const warnings: string[] = [];
  const joined: Map<string, string>[] = [];
  const joinedFirstRow = new Map<number, number>();
  const joinOf: (number | undefined)[] = records.map(() => undefined);
  if (join) {
    const others = recordsAt(root, join.path, opts.file, '--join');
    const byKey = new Map<string, number[]>();
    others.forEach((o, j) => {
      const m = new Map<string, string>();
      flatten(o, '', m);
      joined.push(m);
      for (const k of keyValues(getPath(o, join.key))) {
        if (!byKey.has(k)) byKey.set(k, []);
        byKey.get(k)!.push(j);
      }
    });
    if (!byKey.size) throw new InputError(opts.file, `--join ${opts.join}: no record of ${join.path} has a field "${join.key}"; fields: ${describeKeys(others[0])}`);
    joined.forEach((m) => addColumns(m, 'join.'));
    let unmatched = 0;
    records.forEach((r, i) => {
      const matches = [...new Set(keyValues(getPath(r, join.recordKey)).flatMap((k) => byKey.get(k) ?? []))];
      if (!matches.length) unmatched++;
      if (matches.length > 1) warnings.push(`row ${i + 1}: ${matches.length} records of ${join.path} match; joined the first (${join.path}[${matches[0]}])`);
      joinOf[i] = matches[0];
      if (matches.length && !joinedFirstRow.has(matches[0])) joinedFirstRow.set(matches[0], i);
    });
    if (unmatched) warnings.push(`${unmatched} record(s) have no ${join.recordKey} matching ${join.path}[].${join.key}; their response is empty`);
  }

  const rows = flat.map((m, i) => {
    const j = joinOf[i];
    const cells: TableCell[] = columns.map((col, c) => {
      if (!col.startsWith('join.')) return textCell(m.get(col) ?? '');
      if (j === undefined) return textCell('');
      const value = joined[j].get(col.slice(5)) ?? '';
      const first = joinedFirstRow.get(j)!;
      return first === i ? textCell(value) : { text: value, chars: 0, copyOf: { row: first, col: c } };
    });
    return { index: i + 1, cells };
  });

  const readByReader = join ? [join.recordKey, `join.${join.key}`] : [];
  const doc = tableToDocument({ rows, columns, columnWord: 'field', readByReader }, opts);
  pushAll(doc.warnings, warnings);
  // Joined records no record used still count towards the input: list them as skipped.
  joined.forEach((m, j) => {
    if (joinedFirstRow.has(j)) return;
    const chars = [...m.values()].reduce((n, v) => n + nonWhitespaceLength(v), 0);
    const account: LineAccount = {
      unit: 'row',
      index: records.length + j + 1,
      fate: 'skipped',
      reason: `${join!.path}[${j}] (${join!.key}=${m.get(join!.key) ?? ''}) is joined to no record`,
      chars,
    };
    doc.accounts.push(account);
    doc.inputChars += chars;
  });
  return doc;
};
