// A progress bar on stderr for any stage. It stays invisible for work that finishes within a second (so quick
// runs and tests print nothing), and whenever stderr is not a terminal (logs, CI, pipes) or the user asked
// for --quiet.

export interface ProgressOptions {
  quiet?: boolean;
  /** Where to draw; defaults to process.stderr. Tests pass a fake TTY. */
  stream?: { isTTY?: boolean; columns?: number; write(s: string): unknown };
  /** Milliseconds before the bar first appears. */
  delayMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface Progress {
  tick(n?: number): void;
  /** Draws the final state (if the bar was ever shown) and ends the line. */
  done(): void;
}

const REDRAW_MS = 100;

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export function progress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const delay = opts.delayMs ?? 1000;
  const enabled = !opts.quiet && stream.isTTY === true;
  const start = now();
  let count = 0;
  let shown = false;
  let lastDraw = -Infinity;
  let finished = false;

  const draw = (t: number) => {
    const elapsed = (t - start) / 1000;
    const frac = total > 0 ? Math.min(1, count / total) : 1;
    const eta = frac > 0 && frac < 1 ? (elapsed / frac) * (1 - frac) : 0;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - 45));
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const tail = frac < 1 ? ` eta ${formatSeconds(eta)}` : ` ${formatSeconds(elapsed)}`;
    stream.write(`\r${label} ${bar} ${count}/${total} ${(frac * 100).toFixed(0).padStart(3)}%${tail}\x1b[K`);
    shown = true;
    lastDraw = t;
  };

  return {
    tick(n = 1) {
      count += n;
      if (!enabled || finished) return;
      const t = now();
      if (t - start >= delay && t - lastDraw >= REDRAW_MS) draw(t);
    },
    done() {
      if (finished) return;
      finished = true;
      if (!enabled) return;
      if (shown || now() - start >= delay) {
        draw(now());
        stream.write('\n');
      }
    },
  };
}
