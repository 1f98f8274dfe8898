// How outputs name the files a run read: never by the user's folders (shared reports must not reveal them).
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { PACKAGE_ROOT } from './models.ts';

/** A path inside the project as its project-relative path (manifests then do not depend on the checkout); else absolute. */
export function projectRelative(p: string): string {
  const abs = isAbsolute(p) ? p : resolve(PACKAGE_ROOT, p);
  const rel = relative(PACKAGE_ROOT, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

/**
 * The name a run records for a file it read: the project-relative path for the project's own files
 * (models/themes/cybersecurity.json), else the bare file name. The file's sha256 is recorded beside it where the
 * content matters, so the name need not locate it.
 */
export function publicPath(p: string): string {
  const shown = projectRelative(p);
  return isAbsolute(shown) ? basename(shown) : shown;
}
