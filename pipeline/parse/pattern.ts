// Regular expressions researchers write in models/parse/*.json, checked when the file is loaded so a typo is
// reported against the file instead of failing mid-parse.
import { z } from 'zod';

/** The source of a regular expression that compiles with the `u` flag (as the readers compile it). */
export const Pattern = z.string().refine((p) => {
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');
