// The CLI only parses flags and calls stages; each stage's flags live beside it in <stage>/command.ts.
import { Command } from 'commander';
import { InputError, StrictError } from './core/errors.ts';
import { VERSION } from './core/version.ts';
import { registerCommands } from './commands.ts';

const program = new Command();
program
  .name('pubcom')
  .description('pubcom-lens: parse, classify and theme Japanese public-comment result tables')
  .version(VERSION)
  .showHelpAfterError();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof InputError) {
    process.stderr.write(`pubcom: error: ${e.message}\n`);
    process.exit(2);
  }
  if (e instanceof StrictError) {
    process.stderr.write(`pubcom: error: ${e.message}\n`);
    process.exit(3);
  }
  throw e;
}
