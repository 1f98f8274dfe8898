import { describe, expect, it } from 'vitest';
import { progress } from '../pipeline/core/progress.ts';

function fakeTty(isTTY = true) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (s: string) => writes.push(s) } };
}

describe('progress bar', () => {
  it('stays silent for work under a second, then redraws in place with counts', () => {
    let t = 0;
    const { writes, stream } = fakeTty();
    const p = progress('embed comment', 100, { stream, now: () => t });
    t = 500;
    p.tick(10);
    expect(writes).toEqual([]);
    t = 1200;
    p.tick(40);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\rembed comment .* 50\/100 +50%/);
    t = 1250; // within the redraw interval: no flicker
    p.tick(1);
    expect(writes).toHaveLength(1);
    t = 2000;
    p.tick(49);
    p.done();
    expect(writes.at(-2)).toMatch(/100\/100 100%/);
    expect(writes.at(-1)).toBe('\n');
  });

  it('prints nothing with quiet, when stderr is not a terminal, or for quick work', () => {
    for (const [opts, tty] of [[{ quiet: true }, true], [{}, false]] as const) {
      let t = 0;
      const { writes, stream } = fakeTty(tty);
      const p = progress('x', 10, { ...opts, stream, now: () => t });
      t = 5000;
      p.tick(10);
      p.done();
      expect(writes).toEqual([]);
    }
    let t = 0;
    const { writes, stream } = fakeTty();
    const p = progress('x', 10, { stream, now: () => t });
    t = 300;
    p.tick(10);
    p.done();
    expect(writes).toEqual([]);
  });
});
