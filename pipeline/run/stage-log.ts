// One line per stage on stderr ("[3/6] embed  131 vectors (lsa:dim=100)  0.42 s") and the timings for the
// manifest. Stages draw their own progress bars for long work; this only frames them.

export class StageLog {
  readonly timings: Record<string, number> = {};
  /** Peak resident memory of the process (MB) when each stage ended: where a run's memory goes. */
  readonly peakRssMb: Record<string, number> = {};
  private index = 0;
  private readonly started = performance.now();

  constructor(
    private readonly total: number,
    private readonly quiet: boolean,
    private readonly stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
    /** Called after each stage ends (the run's fault-injection hook for tests). */
    private readonly after: (name: string) => void = () => {},
  ) {}

  async stage<T>(name: string, work: () => Promise<T> | T, summary: (result: T) => string = () => ''): Promise<T> {
    this.index++;
    const tag = `[${this.index}/${this.total}] ${name.padEnd(9)}`;
    // On a terminal, say which stage is running while it runs; its own progress bar (if any) draws over this.
    if (!this.quiet && this.stream.isTTY) this.stream.write(`${tag} …`);
    const t0 = performance.now();
    const result = await work();
    const ms = performance.now() - t0;
    this.timings[name] = Math.round(ms);
    this.peakRssMb[name] = peakRssMb();
    if (!this.quiet) {
      const clear = this.stream.isTTY ? '\r\x1b[K' : '';
      this.stream.write(`${clear}${tag} ${summary(result).padEnd(52)} ${(ms / 1000).toFixed(2).padStart(6)} s\n`);
    }
    this.after(name);
    return result;
  }

  finish(): Record<string, number> {
    this.timings.total = Math.round(performance.now() - this.started);
    this.peakRssMb.total = peakRssMb();
    return this.timings;
  }

  line(text: string): void {
    if (!this.quiet) this.stream.write(text + '\n');
  }
}

function peakRssMb(): number {
  // resourceUsage().maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
