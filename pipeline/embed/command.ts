import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { readJsonl } from '../core/io.ts';
import type { TextField, TextKind } from './index.ts';
import { DEFAULT_CACHE_DIR, DTYPES, EMBEDDER_SPEC_HELP } from './spec.ts';
import type { Dtype } from './transformers.ts';

interface EmbedFlags {
  out: string;
  embedder: string;
  modelDir?: string;
  allowRemote?: boolean;
  batchSize?: string;
  dtype?: Dtype;
  field: TextField;
  kind: TextKind;
  cache: boolean;
  cacheDir: string;
  quiet?: boolean;
}

const HELP_AFTER = `
Output formats (chosen by the --out extension):
  .jsonl  one line per item, in input order:
            {"id":"…","embedder":"…","vector":[0.0123,…]}
          items with an empty text field get "vector":null and "skipped":"empty response".
  .f32    little-endian float32 matrix [count × dim], rows in item order, plus <out>.json:
            {"format":"pubcom-embeddings/1","embedder","dim","count","field","kind","ids":[…],"skipped":[…]}
          4 bytes a number: use it for large runs (20,000 × 384 floats = 30 MB).
Vectors are L2-normalised (cosine similarity = dot product) and identical byte for byte across reruns.

Embedders:
  lsa                       offline default: TF-IDF over content words and character n-grams + randomized SVD
  lsa:dim=64,seed=7         the same with a chosen dimension (capped by corpus size) and seed
  transformers:<model>      a sentence-embedding model run by transformers.js on CPU, read from
                            models/embedders/<model>/ (or --model-dir, or a folder path); settings
                            (prefixes, pooling, max length, dtype) in models/embedders.json.
                            Nothing is downloaded unless you pass --allow-remote.

Cache: vectors are kept in ${DEFAULT_CACHE_DIR}/ keyed by (embedder, model files, corpus for lsa, text);
a rerun computes only texts it has not seen. --no-cache neither reads nor writes it.

Examples:
  pubcom embed reports/seed/items.jsonl --out reports/seed/vectors.jsonl
  pubcom embed items.jsonl --field response --embedder lsa:dim=64 --out responses.f32
  pubcom embed items.jsonl --embedder transformers:Xenova/multilingual-e5-small --dtype q8 --batch-size 16 --out e5.f32
  pubcom embed items.jsonl --embedder transformers:./my-models/ruri-v3-30m --out ruri.jsonl --quiet
`;

export function embedCommand(program: Command): void {
  program
    .command('embed <items>')
    .description('embed one text field of every item in items.jsonl (one vector per item)')
    .requiredOption('--out <file>', 'vectors file: .jsonl or .f32 (+ .f32.json index)')
    .option('--embedder <spec>', EMBEDDER_SPEC_HELP, 'lsa')
    .option('--model-dir <dir>', 'folder holding transformers model folders <org>/<name>/ (default: models/embedders/ of the package)')
    .option('--allow-remote', 'let transformers.js download a model missing locally from the Hugging Face hub')
    .option('--batch-size <n>', 'texts per transformers forward pass (default from models/embedders.json)')
    .addOption(new Option('--dtype <dtype>', 'transformers weights: fp32 = onnx/model.onnx, q8 = onnx/model_quantized.onnx, …').choices(DTYPES))
    .addOption(new Option('--field <field>', 'which text to embed').choices(['comment', 'response']).default('comment'))
    .addOption(
      new Option('--kind <kind>', 'prefix set for prefix-trained models (e5 query:/passage:)').choices(['default', 'query', 'passage']).default('default'),
    )
    .option('--cache-dir <dir>', 'embedding cache folder', DEFAULT_CACHE_DIR)
    .option('--no-cache', 'neither read nor write the embedding cache')
    .option('--quiet', 'no progress bar or summary on stderr')
    .addHelpText('after', HELP_AFTER)
    .action(async (itemsPath: string, flags: EmbedFlags) => {
      const { createEmbedder, embedItems } = await import('./index.ts');
      const { formatOf, writeEmbeddings } = await import('./output.ts');
      const { Item } = await import('../core/schema.ts');
      formatOf(flags.out);
      let batchSize: number | undefined;
      if (flags.batchSize !== undefined) {
        batchSize = Number(flags.batchSize);
        if (!Number.isInteger(batchSize) || batchSize < 1) {
          throw new InputError('--batch-size', `expected a whole number ≥ 1, got "${flags.batchSize}"`);
        }
      }
      const items = readJsonl(itemsPath, Item);
      if (items.length === 0) throw new InputError(itemsPath, 'no items to embed');
      const embedder = await createEmbedder(flags.embedder, {
        modelDir: flags.modelDir,
        allowRemote: flags.allowRemote,
        batchSize,
        dtype: flags.dtype,
      });
      const result = await embedItems(items, embedder, {
        field: flags.field,
        kind: flags.kind,
        cache: flags.cache,
        cacheDir: flags.cacheDir,
        quiet: flags.quiet,
      });
      const written = writeEmbeddings(flags.out, result);
      if (!flags.quiet) {
        const c = result.cache;
        const cacheNote = c.enabled ? `cache: ${c.hits} reused, ${c.computed} computed` : 'cache off';
        process.stderr.write(
          `embed: ${items.length} items → ${result.vectors.length} vectors × ${result.dim} (${result.embedder}) ` +
            `in ${result.seconds.toFixed(1)} s; ${cacheNote}; wrote ${written.join(', ')}\n`,
        );
        if (result.skipped.length) {
          process.stderr.write(`embed: ${result.skipped.length} items not embedded:\n`);
          for (const s of result.skipped.slice(0, 20)) process.stderr.write(`  ${s.id}: ${s.reason}\n`);
          if (result.skipped.length > 20) process.stderr.write(`  … and ${result.skipped.length - 20} more, listed in the output\n`);
        }
      }
    });
}
