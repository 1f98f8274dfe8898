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
