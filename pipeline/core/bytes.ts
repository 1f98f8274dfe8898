// Large text files (items.jsonl, items.csv of a 300,000-row round: gigabytes) built straight into UTF-8 chunks.
// Building one string per line, joining them and encoding the result copies every byte three times; here each
// string is encoded once, into place, and a text that recurs (a mass round's campaign texts, a ministry's reused
// answers) is encoded once and its bytes copied after that.

/** Appends strings and bytes to fixed-size buffers; full buffers are taken off as parts of the file. */
export class ByteChunks {
  private buf: Buffer;
  private pos = 0;
  private ready: Buffer[] = [];
  /** With `recycle`: the full-size buffers behind the ready parts, those behind the parts last taken, and free ones. */
  private readyFull: Buffer[] = [];
  private handed: Buffer[] = [];
  private readonly spare: Buffer[] = [];

  /**
   * `recycle`: the reader is done with the parts it took once it asks for more (a file writer writes each part out
   * before asking for the next), so their buffers are filled again: a gigabyte of output then needs two or three
   * buffers instead of sixty, and V8 is spared the garbage collections that much new external memory sets off.
   */
  constructor(
    private readonly chunk = 1 << 24,
    private readonly recycle = false,
  ) {
    this.buf = Buffer.allocUnsafe(chunk);
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const full = this.recycle && this.buf.length === this.chunk;
    if (this.pos > 0) {
      this.ready.push(this.buf.subarray(0, this.pos));
      if (full) this.readyFull.push(this.buf);
    } else if (full) this.spare.push(this.buf);
    this.buf = (bytes <= this.chunk ? this.spare.pop() : undefined) ?? Buffer.allocUnsafe(Math.max(this.chunk, bytes));
    this.pos = 0;
  }

  text(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair: 4 bytes for 2 units).
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The parts filled since the last call; with `recycle`, those of the call before are written over from now on. */
  take(): Buffer[] {
    if (this.recycle) {
      this.spare.push(...this.handed);
      this.handed = this.readyFull;
      this.readyFull = [];
    }
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** Every part not yet taken, the last one included; the builder is empty afterwards. */
  end(): Buffer[] {
    if (this.pos > 0) this.ready.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(0);
    this.pos = 0;
    return this.take();
  }
}

/**
 * The encoded bytes of recurring texts: a text's encoding (JSON string, CSV cell…) is kept from its second
 * occurrence on, so a round of distinct comments keeps no copies (only the set of texts seen, which the items
 * hold anyway) and a mass round encodes each campaign text once.
 */
export class RecurringText {
  private readonly seen = new Set<string>();
  private readonly bytes = new Map<string, Buffer>();

  constructor(private readonly encode: (s: string) => string) {}

  /** Appends the encoding of `s` to `out`. */
  put(s: string, out: ByteChunks): void {
    const b = this.bytes.get(s);
    if (b) return out.bytes(b);
    const e = this.encode(s);
    if (this.seen.has(s)) {
      const fresh = Buffer.from(e, 'utf8');
      this.bytes.set(s, fresh);
      this.seen.delete(s);
      out.bytes(fresh);
    } else {
      this.seen.add(s);
      out.text(e);
    }
  }
}

/** Strings at least this long go through RecurringText; shorter ones cost more to look up than to encode. */
export const LONG_TEXT = 48;

const isPlainRecord = (r: unknown): r is Record<string, unknown> =>
  typeof r === 'object' && r !== null && !Array.isArray(r) && typeof (r as { toJSON?: unknown }).toJSON !== 'function';

/**
 * toJsonl's bytes (one JSON.stringify per record, each line ended by \n), built into parts of about `chunk`
 * bytes as they are asked for. A record's fields are serialised one by one, exactly as JSON.stringify orders
 * and skips them, so that its long texts (comment, response and their raw forms) can come from RecurringText.
 * `recycle` (ByteChunks): each part is valid only until the next is asked for.
 */
export function* jsonlBytes(records: Iterable<unknown>, chunk = 1 << 24, recycle = false): Generator<Buffer> {
  const out = new ByteChunks(chunk, recycle);
  const texts = new RecurringText(JSON.stringify);
  const keys = new Map<string, string>();
  const shared = new SharedValues();
  for (const r of records) {
    if (!isPlainRecord(r)) {
      out.text(JSON.stringify(r) + '\n');
    } else {
      let pending = '';
      let sep = '{';
      for (const k of Object.keys(r)) {
        const v = r[k];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        let key = keys.get(k);
        if (key === undefined) keys.set(k, (key = JSON.stringify(k) + ':'));
        if (typeof v === 'string' && v.length >= LONG_TEXT) {
          out.text(pending + sep + key);
          texts.put(v, out);
          pending = '';
        } else if (typeof v === 'object' && v !== null) {
          const b = shared.bytes(k, v);
          if (b) {
            out.text(pending + sep + key);
            out.bytes(b);
            pending = '';
          } else pending += sep + key + JSON.stringify(v);
        } else pending += sep + key + JSON.stringify(v);
        sep = ',';
      }
      out.text(pending + (sep === '{' ? '{}\n' : '}\n'));
    }
    yield* out.take();
  }
  yield* out.end();
}

/**
 * JSON bytes of objects that several records share (one themes list or stance evidence for every copy of a
 * campaign text), kept from an object's second occurrence on. A field whose objects never recur in its first
 * SHARED_PROBE records (per-item ids, sources) is not tracked further.
 */
const SHARED_PROBE = 2000;

class SharedValues {
  private readonly json = new Map<object, Buffer | null>();
  private readonly fields = new Map<string, { seen: number; hits: number }>();

  /** The value's JSON bytes when it recurs; undefined when the caller should serialise it itself. */
  bytes(field: string, v: object): Buffer | undefined {
    let f = this.fields.get(field);
    if (!f) this.fields.set(field, (f = { seen: 0, hits: 0 }));
    if (f.hits === 0 && f.seen >= SHARED_PROBE) return undefined;
    f.seen++;
    const known = this.json.get(v);
    if (known) {
      f.hits++;
      return known;
    }
    if (known === null) {
      f.hits++;
      const b = Buffer.from(JSON.stringify(v), 'utf8');
      this.json.set(v, b);
      return b;
    }
    this.json.set(v, null);
    return undefined;
  }
}
