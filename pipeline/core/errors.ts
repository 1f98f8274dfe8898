/** A problem with the user's input or flags: the CLI prints the message alone and exits with code 2. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    detail: string,
    readonly where?: string,
  ) {
    super(`${file}${where ? `:${where}` : ''}: ${detail}`);
    this.name = 'InputError';
  }
}

/** `--strict`: the input parsed, but with notes or warnings; the CLI prints them and exits with code 3, writing nothing. */
export class StrictError extends Error {
  constructor(
    readonly file: string,
    readonly notes: readonly string[],
  ) {
    super(`${file}: --strict: the parse has ${notes.length} note(s) or warning(s); nothing written\n${notes.map((n) => `  - ${n}`).join('\n')}`);
    this.name = 'StrictError';
  }
}
