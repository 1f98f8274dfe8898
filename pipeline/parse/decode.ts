// Bytes → text for text-based inputs, with the argument order (bytes, file) some callers use; the
// detection itself (UTF-8 ± BOM, UTF-16 with BOM, CP932, else "undecodable bytes") lives in detect.ts.
import { decodeText as decode } from './detect.ts';

export interface Decoded {
  text: string;
  encoding: string;
}

export function decodeText(input: Uint8Array, file: string): Decoded {
  return decode(file, input);
}
