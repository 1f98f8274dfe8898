// A run folder is replaced as a whole or not at all. The run is written into a fresh sibling folder
// (`.<name>.pubcom-<pid>.tmp`); committing renames the old folder to `<name>.previous`, the new one into place,
// and only then removes the old run. A kill or a full disk at any moment leaves `--out` holding either the
// complete old run or the complete new one, and the next run recovers or removes whatever a killed run left.
//
// What `--out` may be: a new or empty folder, or one holding a previous pubcom run, recognised by its
// manifest.json. The manifest's file list is trusted only for plain files inside the folder whose sha256 still
// matches; anything else is "in the way" and stops the run (exit 2) unless `force`, which carries such files over
// into the new folder (a file with the name of an output is replaced by the new output).
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { syncFolder, writeContent, writeContentYielding, type Content } from '../core/io.ts';
import { InputError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { Manifest } from './manifest.ts';

export interface BeginOptions {
  /** The input file: it must not lie inside `out`, whose old contents the commit removes. */
  input?: string;
  /** Carry files that are not part of a previous run over into the new folder instead of stopping. */
  force?: boolean;
}

/** Names at most this many files in the way; a folder full of the user's files needs no complete list. */
const LIST_LIMIT = 10;
const ERRNO_MEANING: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

export class RunTransaction {
  private readonly written = new Set<string>();
  private done = false;

  constructor(
    /** The run folder as it will finally be (symlinks resolved). */
    readonly out: string,
    /** The temporary sibling folder the run is written into. */
    readonly tmp: string,
    /** Files of `out` that are not a previous run's, carried over on commit (only with force). */
    private readonly carry: readonly string[],
    /** How the user named the folder, for messages. */
    private readonly shown: string,
  ) {}

  /** Write one file of the run, by path relative to the run folder. */
  write(rel: string, data: Content): void {
    const path = this.begin(rel);
    try {
      writeContent(path, data);
    } catch (e) {
      throw writeError(e, this.shown, `cannot write ${rel}`);
    }
    this.end(rel);
  }

  /** `write`, returning to the event loop between the parts of the content (core/io.ts writeContentYielding). */
  async writeYielding(rel: string, data: Content): Promise<void> {
    const path = this.begin(rel);
    try {
      await writeContentYielding(path, data);
    } catch (e) {
      throw writeError(e, this.shown, `cannot write ${rel}`);
    }
    this.end(rel);
  }

  private begin(rel: string): string {
    if (this.done) throw new Error(`run transaction for ${this.shown} is already finished`);
    if (!isPlainRelative(rel)) throw new Error(`run output path "${rel}" leaves the run folder`);
    const path = join(this.tmp, rel);
    try {
      fault(`write:${rel}`);
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw writeError(e, this.shown, `cannot write ${rel}`);
    }
    return path;
  }

  private end(rel: string): void {
    this.written.add(rel);
    fault(`written:${rel}`);
  }

  /** Swap the new run in: afterwards `out` holds exactly the files written (plus carried-over ones). */
  commit(): void {
    if (this.done) throw new Error(`run transaction for ${this.shown} is already finished`);
    const previous = previousPath(this.out);
    try {
      for (const rel of this.carry) {
        if (this.written.has(rel)) continue; // --force: the new output replaces the user's file of that name
        const to = join(this.tmp, rel);
        mkdirSync(dirname(to), { recursive: true });
        renameSync(join(this.out, rel), to);
      }
      // The new folder's entries reach the disk before the rename that publishes it.
      syncFolder(this.tmp);
      if (existsSync(this.out)) {
        renameSync(this.out, previous);
        fault('swap');
        renameSync(this.tmp, this.out);
      } else renameSync(this.tmp, this.out);
      syncFolder(dirname(this.out));
    } catch (e) {
      throw writeError(e, this.shown, 'cannot move the new run into place');
    }
    this.done = true;
    // The new run is in place; the old one goes through a name the stray cleaner recognises, so a kill while
    // deleting it leaves nothing that looks like a run.
    if (existsSync(previous)) {
      const doomed = tmpPath(this.out, 'old');
      renameSync(previous, doomed);
      rmSync(doomed, { recursive: true, force: true });
    }
  }

  /** Drop the unfinished run; `out` is left exactly as it was. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/**
 * Check `out`, recover or remove what killed runs left beside it, and create the temporary folder (which proves
 * the parent is writable) before any computing starts.
 */
export function beginRun(outArg: string, opts: BeginOptions = {}): RunTransaction {
  let out = resolve(outArg);
  const stat = lstatOrNull(out);
  if (stat?.isSymbolicLink()) {
    try {
      out = realpathSync(out);
    } catch {
      throw new InputError(outArg, 'is a symbolic link to nothing; expected a folder for the run');
    }
  }
  mkdirParent(out, outArg);
  cleanStrays(out);
  recoverPrevious(out, outArg);
  const outStat = lstatOrNull(out);
  if (outStat && !outStat.isDirectory()) throw new InputError(outArg, 'exists and is not a folder; --out names the run folder (e.g. --out reports/seed)');

  if (opts.input !== undefined) {
    const input = realOrResolved(opts.input);
    if (input === out || input.startsWith(out + sep)) {
      throw new InputError(opts.input, `is inside the output folder ${outArg}, which the run replaces: choose another --out`);
    }
  }

  let carry: string[] = [];
  if (outStat) {
    const { inTheWay, more } = foreignFiles(out, opts.force ? Infinity : LIST_LIMIT);
    if (inTheWay.length && !opts.force) {
      const list = inTheWay.map((f) => `  ${f}`).join('\n') + (more ? '\n  …' : '');
      throw new InputError(
        outArg,
        `holds files that are not from a pubcom run, which the run would replace or remove:\n${list}\n` +
          'choose a new or empty folder for --out, move those files, or pass --force to keep them beside the new run',
      );
    }
    carry = inTheWay;
    try {
      accessSync(out, constants.W_OK);
    } catch (e) {
      throw writeError(e, outArg, 'the folder is not writable');
    }
  }

  const tmp = tmpPath(out, String(process.pid));
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp);
    writeFileSync(join(tmp, '.probe'), 'pubcom');
    rmSync(join(tmp, '.probe'));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw writeError(e, outArg, `cannot create the run folder beside it (${basename(tmp)})`);
  }
  return new RunTransaction(out, tmp, carry, outArg);
}

/**
 * Test hook: `PUBCOM_FAULT=kill@<point>` kills the process with SIGKILL at that point, `enospc@<point>` throws
 * the error a full disk gives. Points: `stage:<name>` (after a stage), `write:<rel>` / `written:<rel>` (before /
 * after writing a run file), `swap` (between the two renames of the commit).
 */
export function fault(point: string): void {
  const spec = process.env.PUBCOM_FAULT;
  if (!spec) return;
  for (const f of spec.split(',')) {
    const at = f.indexOf('@');
    if (at < 0 || f.slice(at + 1) !== point) continue;
    const kind = f.slice(0, at);
    if (kind === 'kill') process.kill(process.pid, 'SIGKILL');
    if (kind === 'enospc') throw Object.assign(new Error(`ENOSPC: no space left on device (PUBCOM_FAULT at ${point})`), { code: 'ENOSPC' });
  }
}

export function previousPath(out: string): string {
  return `${out}.previous`;
}

function tmpPath(out: string, tag: string): string {
  return join(dirname(out), `.${basename(out)}.pubcom-${tag}.tmp`);
}

function mkdirParent(out: string, shown: string): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
  } catch (e) {
    throw writeError(e, shown, 'cannot create the folder that holds it');
  }
}

/**
 * Removes the temporary folders of runs whose process is gone: `.<name>.pubcom-<pid>.tmp` (a run killed while
 * writing) and `.<name>.pubcom-old.tmp` (a run killed while deleting the run it replaced).
 */
function cleanStrays(out: string): void {
  const name = basename(out);
  const prefix = `.${name}.pubcom-`;
  let entries: string[];
  try {
    entries = readdirSync(dirname(out));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const tag = entry.slice(prefix.length, -'.tmp'.length);
    if (!/^(\d+|old)$/.test(tag)) continue;
    if (tag !== 'old' && pidAlive(Number(tag))) continue;
    const path = join(dirname(out), entry);
    if (lstatOrNull(path)?.isDirectory()) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * A run killed between the commit's two renames left no `out` but a complete `<out>.previous`: put it back. A run
 * killed after the swap left both: the old one goes. A `<out>.previous` that is no pubcom run is the user's.
 */
function recoverPrevious(out: string, shown: string): void {
  const previous = previousPath(out);
  const stat = lstatOrNull(previous);
  if (!stat) return;
  const ours = stat.isDirectory() && (readdirSync(previous).length === 0 || readManifest(previous) !== null);
  if (!ours) throw new InputError(previousPath(shown), 'is in the way: the run keeps the previous run under this name while it swaps the new one in; move it');
  if (lstatOrNull(out)) rmSync(previous, { recursive: true, force: true });
  else renameSync(previous, out);
}

function readManifest(dir: string): Manifest | null {
  const path = join(dir, 'manifest.json');
  const stat = lstatOrNull(path);
  if (!stat?.isFile()) return null;
  try {
    const parsed = Manifest.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Paths (relative to `dir`) of everything that is not a file of the previous run: files the manifest does not
 * list, listed files whose bytes changed, symbolic links, anything that is not a plain file. Stops after `limit`.
 */
export function foreignFiles(dir: string, limit: number): { inTheWay: string[]; more: boolean } {
  const manifest = readManifest(dir);
  const listed = new Map<string, string>(manifest ? Object.entries(manifest.files).filter(([f]) => isPlainRelative(f)) : []);
  const inTheWay: string[] = [];
  const stack: string[] = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    const entries = readdirSync(join(dir, rel)).sort().reverse();
    for (const entry of entries) {
      const r = rel ? `${rel}/${entry}` : entry;
      const stat = lstatSync(join(dir, r));
      if (stat.isDirectory()) {
        stack.push(r);
        continue;
      }
      if (stat.isFile()) {
        if (r === 'manifest.json' && manifest) continue;
        if (STRAY_FILE.test(entry)) continue;
        const hash = listed.get(r);
        if (hash !== undefined && sha256(readFileSync(join(dir, r))) === hash) continue;
      }
      inTheWay.push(r);
      if (inTheWay.length >= limit) return { inTheWay, more: true };
    }
  }
  return { inTheWay: inTheWay.sort(), more: false };
}

/** `.<file>.<pid>.tmp`: what an older pubcom's per-file atomic write left when killed; removed with the old run. */
const STRAY_FILE = /^\..+\.\d+\.tmp$/;

function isPlainRelative(rel: string): boolean {
  if (!rel || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0')) return false;
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A write failing for a reason the user can fix (full disk, permissions) is an exit-2 message, not a stack trace. */
function writeError(e: unknown, shown: string, what: string): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && code in ERRNO_MEANING) {
    return new InputError(shown, `${what}: ${ERRNO_MEANING[code]} (${code}); the folder is left as it was`);
  }
  return e as Error;
}
