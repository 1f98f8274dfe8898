// What an embedder spec and its options may say. No imports, so a command can print its flags and help without
// loading a backend (zod, onnxruntime, the LSA code): `pubcom --help` stays fast.

export const EMBEDDER_SPEC_HELP = 'lsa | lsa:dim=N[,seed=S] | transformers:<model id or folder>';

/** transformers.js weight variants (onnx/model<suffix>.onnx), as `--dtype` and the run config accept them. */
export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;

export const DEFAULT_CACHE_DIR = '.cache/embeddings';
