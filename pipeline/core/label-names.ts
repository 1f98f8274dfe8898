// Label names, one source: models/labels/taxonomy.json (`labels[].id`, `label_ja`, `name_ja`, `aliases`).
// Every table, chart, items.csv column and summary prints `label_ja`; eval, compare and train read any spelling
// listed here. The classifier reads the same file for its own fields (pipeline/classify/rules-schema.ts).
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from './errors.ts';
import { deriveModel, modelPath, type ModelFile } from './models.ts';
import { Disposition } from './schema.ts';

export const TAXONOMY_PATH = modelPath('labels/taxonomy.json');

const LabelNames = z.object({
  labels: z
    .array(
      z.object({
        id: Disposition,
        /** Short Japanese name shown wherever people read labels. */
        label_ja: z.string().min(1),
        /** The guideline's long name. */
        name_ja: z.string().min(1),
        /** Other spellings accepted in coders' files (coder words, English synonyms). */
        aliases: z.array(z.string().min(1)).default([]),
      }),
    )
    .length(5),
});

export interface LabelVocabulary {
  file: string;
  /** Short Japanese name per code. */
  ja: Record<Disposition, string>;
  /** Every accepted spelling (code, label_ja, name_ja, aliases) per code. */
  spellings: Record<Disposition, string[]>;
}

/** NFKC, lower case, no spaces or surrounding quotes: how label spellings (and sheet headers) are compared. */
export function squashName(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, '').replace(/^["'「]|["'」]$/g, '');
}

export function loadLabelVocabulary(file: string = TAXONOMY_PATH): LabelVocabulary {
  return deriveModel(resolve(file), LabelNames, vocabulary);
}

function vocabulary({ value: t, path: file }: ModelFile<z.infer<typeof LabelNames>>): LabelVocabulary {
  const ja = {} as Record<Disposition, string>;
  const spellings = {} as Record<Disposition, string[]>;
  const seen = new Map<string, Disposition>();
  for (const l of t.labels) {
    if (ja[l.id]) throw new InputError(file, `label "${l.id}" is listed twice`);
    ja[l.id] = l.label_ja;
    spellings[l.id] = [...new Set([l.id, l.label_ja, l.name_ja, ...l.aliases])];
    // One spelling for two labels would make a coder's sheet mean whatever the list's order says.
    for (const name of spellings[l.id]) {
      const k = squashName(name);
      const other = seen.get(k);
      if (other && other !== l.id) throw new InputError(file, `label spelling "${name}" is listed under both ${other} and ${l.id}`);
      seen.set(k, l.id);
    }
  }
  return { file, ja, spellings };
}

/** The code a spelling names, or null. */
export function labelFromName(value: string, vocab: LabelVocabulary = loadLabelVocabulary()): Disposition | null {
  const k = squashName(value);
  for (const [label, names] of Object.entries(vocab.spellings)) {
    if (names.some((n) => squashName(n) === k)) return label as Disposition;
  }
  return null;
}

/** Short Japanese names (反映（修正）, 不採用, …) from the taxonomy. */
export const DISPOSITION_JA: Readonly<Record<Disposition, string>> = loadLabelVocabulary().ja;
