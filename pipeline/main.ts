// The CLI as a function: parses argv, runs the command and returns its exit code instead of exiting, so the
// tests can run every command in their own process (the kuromoji dictionary then loads once per test file, not
// once per command) and the bin stays a two-line shell around it (cli.ts).
import { Command, CommanderError } from 'commander';
import { InputError, StrictError } from './core/errors.ts';
import { VERSION } from './core/version.ts';
import { registerCommands } from './commands.ts';

/** Runs `pubcom <argv…>` (argv without node and the script) and returns the exit code: 0, 2 bad input, 3 --strict. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  program
    .name('pubcom')
    .description('pubcom-lens: parse, classify and theme Japanese public-comment result tables')
    .version(VERSION)
    .showHelpAfterError()
    // Set before the commands are registered, so that every command inherits it: commander then throws where it
    // would call process.exit (help shown, bad flag), and the code is returned like any other.
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof InputError) {
      process.stderr.write(`pubcom: error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof StrictError) {
      process.stderr.write(`pubcom: error: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
}
