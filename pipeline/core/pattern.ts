// A regular expression written in a rules file researchers edit (cue rules, stance rules).
import { z } from 'zod';

/** Patterns are matched against NFKC-normalised text, so they must themselves be NFKC (ASCII parentheses, digits). */
export const RegexPattern = z
  .string()
  .min(1)
  .superRefine((src, ctx) => {
    try {
      new RegExp(src, 'u');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
      return;
    }
    if (src.normalize('NFKC') !== src) {
      ctx.addIssue({ code: 'custom', message: `pattern is not in NFKC form (write ${src.normalize('NFKC')})` });
    }
  });
