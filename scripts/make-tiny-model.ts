// Writes a small BERT-shaped model folder (ONNX graph + config + WordPiece tokenizer) that transformers.js loads
// offline, so tests and benchmarks exercise the real transformers backend without downloading anything.
// Weights come from a seeded PRNG: the same options always give the same bytes. Output goes to a gitignored
// folder (.cache/ or test/.tmp/) and is never committed.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { mulberry32 } from '../pipeline/core/random.ts';
import { writeAtomic } from '../pipeline/core/io.ts';

const { onnx } = onnxProto;

export interface TinyModelOptions {
  hidden?: number;
  layers?: number;
  intermediate?: number;
  maxPositions?: number;
  seed?: number;
}

// Kanji frequent in Japanese administrative writing, so Japanese test text mostly maps to real vocabulary
// entries rather than [UNK] and the model's output depends on the words.
const KANJI =
  '国的等対業要策関報化情意見組体実施機政定進用本事基府度方確強者保企考取民重行人検間制一成性法能支共戦略必際' +
  '技術同会分応討上全向通力援整推参材理連承有当案係内置及地害公中撃記攻活立認携発自動提構備準団明合今信含家後' +
  '育調開入官務威脅主外安導産述適高点価容日運小踏示防加現指新処可形特社統下以供大措効年様続視仕助御我時正築載' +
  '多果無盤評析規目義具切図層教期設々場学経織被計門協各告域専識資達集象部題員得止賛例言野障不位先在想界監証議' +
  '促査環知針個始子引持枠生継作品存文極状空第号所更概標般製解課量付受思暗相省該限利十境庁影担条段求研種管約面' +
  '響任収密弱手抑画積総件別原問幹志摘格模減盟直習脆責金依修則待扱拡括改独由表論質与交側出前営展広心念既普最率' +
  '米複充士数断月治況済算緊観軽選階項他双和変委常平役態欠水海究範講長予優割努反器室底律急根決演移結諸負込過険';
const ASCII_WORDS = ['ai', 'it', 'iot', 'os', 'cyber', 'security', 'zero', 'trust', 'supply', 'chain', 'sme', 'the', 'and', 'of'];
const PUNCT = Array.from('.,:;!?()[]-/\'"%&@#+=*<>、。「」『』・~_');
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let c = from; c <= to; c++) out.push(String.fromCodePoint(c));
  return out;
}

export function tinyVocab(): string[] {
  const letters = [...range(0x61, 0x7a), ...range(0x30, 0x39)];
  const kana = [...range(0x3041, 0x3096), ...range(0x30a1, 0x30fa), 'ー'];
  const vocab = [
    ...SPECIALS,
    ...PUNCT,
    ...ASCII_WORDS,
    ...letters,
    ...letters.map((c) => `##${c}`),
    ...kana,
    ...kana.map((c) => `##${c}`),
    ...Array.from(KANJI),
  ];
  return [...new Set(vocab)];
}

type Initializer = InstanceType<typeof onnx.TensorProto>;

function floatTensor(name: string, dims: number[], values: Float32Array): Initializer {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes });
}

function int64Tensor(name: string, values: number[]): Initializer {
  const buf = new BigInt64Array(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(buf.buffer),
  });
}

function scalarFloat(name: string, value: number): Initializer {
  return onnx.TensorProto.create({
    name,
    dims: [],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(new Float32Array([value]).buffer),
  });
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, number | number[]> = {}) {
  const attribute = Object.entries(attrs).map(([name, v]) =>
    Array.isArray(v)
      ? onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v })
      : Number.isInteger(v)
        ? onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v })
        : onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v }),
  );
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: outputs[0], attribute });
}

/**
 * A one-head BERT encoder: word + position + type embeddings, then per layer masked self-attention and a tanh
 * feed-forward block, each with a residual and LayerNorm. Padding positions are masked out of attention, so a
 * text's vector does not depend on what it is batched with.
 */
export function buildTinyBertOnnx(vocabSize: number, opts: Required<TinyModelOptions>): Uint8Array {
  const { hidden: H, layers, intermediate: I, maxPositions: P, seed } = opts;
  const rand = mulberry32(seed);
  const init: Initializer[] = [];
  const nodes: ReturnType<typeof node>[] = [];
  const weights = (name: string, dims: number[], scale: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = (rand() * 2 - 1) * scale;
    init.push(floatTensor(name, dims, v));
  };
  const constant = (name: string, dims: number[], value: number) => {
    init.push(floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value)));
  };

  weights('word_embeddings', [vocabSize, H], 1);
  weights('position_embeddings', [P, H], 0.2);
  weights('token_type_embeddings', [2, H], 0.2);
  init.push(int64Tensor('one_idx', [1]), int64Tensor('zero_i64', [0]), int64Tensor('step_i64', [1]));
  init.push(int64Tensor('axes_1', [1]), scalarFloat('one_f', 1), scalarFloat('mask_neg', -10000));
  init.push(scalarFloat('attn_scale', 1 / Math.sqrt(H)));

  // Positions 0..seq-1 from the runtime shape, so any sequence length up to maxPositions works.
  nodes.push(node('Shape', ['input_ids'], ['ids_shape']));
  nodes.push(node('Gather', ['ids_shape', 'one_idx'], ['seq_len_1d'], { axis: 0 }));
  nodes.push(node('Squeeze', ['seq_len_1d', 'zero_i64'], ['seq_len']));
  nodes.push(node('Squeeze', ['zero_i64', 'zero_i64'], ['start0']));
  nodes.push(node('Squeeze', ['step_i64', 'zero_i64'], ['step1']));
  nodes.push(node('Range', ['start0', 'seq_len', 'step1'], ['positions']));
  nodes.push(node('Gather', ['word_embeddings', 'input_ids'], ['we'], { axis: 0 }));
  nodes.push(node('Gather', ['position_embeddings', 'positions'], ['pe'], { axis: 0 }));
  nodes.push(node('Gather', ['token_type_embeddings', 'token_type_ids'], ['te'], { axis: 0 }));
  nodes.push(node('Add', ['we', 'pe'], ['wpe']));
  nodes.push(node('Add', ['wpe', 'te'], ['emb_sum']));
  constant('emb_ln_g', [H], 1);
  constant('emb_ln_b', [H], 0);
  nodes.push(node('LayerNormalization', ['emb_sum', 'emb_ln_g', 'emb_ln_b'], ['h0'], { axis: -1, epsilon: 1e-12 }));

  // Additive attention mask [batch, 1, seq]: 0 for tokens, -10000 for padding.
  nodes.push(node('Cast', ['attention_mask'], ['mask_f'], { to: onnx.TensorProto.DataType.FLOAT }));
  nodes.push(node('Sub', ['one_f', 'mask_f'], ['mask_inv']));
  nodes.push(node('Mul', ['mask_inv', 'mask_neg'], ['mask_bias2d']));
  nodes.push(node('Unsqueeze', ['mask_bias2d', 'axes_1'], ['mask_bias']));

  let x = 'h0';
  const ws = 1 / Math.sqrt(H);
  for (let l = 0; l < layers; l++) {
    const p = `l${l}_`;
    for (const m of ['q', 'k', 'v', 'o']) weights(`${p}w${m}`, [H, H], ws * 1.5);
    weights(`${p}w1`, [H, I], ws * 1.5);
    weights(`${p}b1`, [I], 0.1);
    weights(`${p}w2`, [I, H], (1 / Math.sqrt(I)) * 1.5);
    constant(`${p}ln1_g`, [H], 1);
    constant(`${p}ln1_b`, [H], 0);
    constant(`${p}ln2_g`, [H], 1);
    constant(`${p}ln2_b`, [H], 0);
    nodes.push(node('MatMul', [x, `${p}wq`], [`${p}q`]));
    nodes.push(node('MatMul', [x, `${p}wk`], [`${p}k`]));
    nodes.push(node('MatMul', [x, `${p}wv`], [`${p}v`]));
    nodes.push(node('Transpose', [`${p}k`], [`${p}kt`], { perm: [0, 2, 1] }));
    nodes.push(node('MatMul', [`${p}q`, `${p}kt`], [`${p}scores_raw`]));
    nodes.push(node('Mul', [`${p}scores_raw`, 'attn_scale'], [`${p}scores_scaled`]));
    nodes.push(node('Add', [`${p}scores_scaled`, 'mask_bias'], [`${p}scores`]));
    nodes.push(node('Softmax', [`${p}scores`], [`${p}probs`], { axis: -1 }));
    nodes.push(node('MatMul', [`${p}probs`, `${p}v`], [`${p}ctx`]));
    nodes.push(node('MatMul', [`${p}ctx`, `${p}wo`], [`${p}attn_out`]));
    nodes.push(node('Add', [x, `${p}attn_out`], [`${p}res1`]));
    nodes.push(node('LayerNormalization', [`${p}res1`, `${p}ln1_g`, `${p}ln1_b`], [`${p}h1`], { axis: -1, epsilon: 1e-12 }));
    nodes.push(node('MatMul', [`${p}h1`, `${p}w1`], [`${p}ff_pre`]));
    nodes.push(node('Add', [`${p}ff_pre`, `${p}b1`], [`${p}ff_biased`]));
    nodes.push(node('Tanh', [`${p}ff_biased`], [`${p}ff_act`]));
    nodes.push(node('MatMul', [`${p}ff_act`, `${p}w2`], [`${p}ff_out`]));
    nodes.push(node('Add', [`${p}h1`, `${p}ff_out`], [`${p}res2`]));
    const out = l === layers - 1 ? 'last_hidden_state' : `${p}h2`;
    nodes.push(node('LayerNormalization', [`${p}res2`, `${p}ln2_g`, `${p}ln2_b`], [out], { axis: -1, epsilon: 1e-12 }));
    x = out;
  }
  if (layers === 0) nodes.push(node('Identity', ['h0'], ['last_hidden_state']));

  const INT64 = onnx.TensorProto.DataType.INT64;
  const graph = onnx.GraphProto.create({
    name: 'tiny_bert',
    node: nodes,
    initializer: init,
    input: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
      valueInfo('token_type_ids', INT64, ['batch_size', 'sequence_length']),
    ],
    output: [valueInfo('last_hidden_state', onnx.TensorProto.DataType.FLOAT, ['batch_size', 'sequence_length', H])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'pubcom-lens make-tiny-model',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

function tokenizerJson(vocab: string[]) {
  const ids = new Map(vocab.map((t, i) => [t, i]));
  const special = (content: string) => ({
    id: ids.get(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tok = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const seq = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map(special),
    // strip_accents false: with it on, NFD would strip the dakuten from kana (バ → ハ).
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [tok('[CLS]', 0), seq('A', 0), tok('[SEP]', 0)],
      pair: [tok('[CLS]', 0), seq('A', 0), tok('[SEP]', 0), seq('B', 1), tok('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [ids.get('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [ids.get('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  };
}

/**
 * Writes <dir>/config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx. Skips the work when the
 * folder already holds a model generated with the same options (the stamp file, written last, records them).
 * Every file is written atomically, so test files generating the same folder at once never see half a model.
 */
export function makeTinyModel(dir: string, options: TinyModelOptions = {}): string {
  const opts: Required<TinyModelOptions> = {
    hidden: options.hidden ?? 32,
    layers: options.layers ?? 1,
    intermediate: options.intermediate ?? 64,
    maxPositions: options.maxPositions ?? 512,
    seed: options.seed ?? 20251126,
  };
  const stampPath = join(dir, 'pubcom-tiny-model.json');
  const stamp = JSON.stringify({ generator: 2, ...opts });
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp && existsSync(join(dir, 'onnx', 'model.onnx'))) {
    return dir;
  }
  const vocab = tinyVocab();
  writeAtomic(join(dir, 'onnx', 'model.onnx'), buildTinyBertOnnx(vocab.length, opts));
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: opts.hidden,
    num_hidden_layers: opts.layers,
    num_attention_heads: 1,
    intermediate_size: opts.intermediate,
    hidden_act: 'tanh',
    max_position_embeddings: opts.maxPositions,
    type_vocab_size: 2,
    vocab_size: vocab.length,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
  };
  writeAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  writeAtomic(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)) + '\n');
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    model_max_length: opts.maxPositions,
    do_lower_case: true,
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  };
  writeAtomic(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2) + '\n');
  writeAtomic(stampPath, stamp);
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const dir = resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? '.cache/tiny-bert');
  makeTinyModel(dir, { hidden: flag('hidden'), layers: flag('layers'), intermediate: flag('intermediate'), seed: flag('seed') });
  process.stdout.write(`${dir}\n`);
}
