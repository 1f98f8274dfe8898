// One line per stage: each stage's command.ts owns its flags and help text. A command.ts imports only what its
// flags need (constants from import-free files such as embed/spec.ts) and loads its stage inside the action:
// `pubcom --version` and `--help` then load neither zod nor any stage, and each command only its own.
import type { Command } from 'commander';
import { parseCommand } from './parse/command.ts';
import { tokenizeCommand } from './tokenize/command.ts';
import { embedCommand } from './embed/command.ts';
import { classifyCommand } from './classify/command.ts';
import { stanceCommand } from './stance/command.ts';
import { themesCommand } from './themes/command.ts';
import { evalCommand, compareCommand } from './eval/command.ts';
import { runCommand, configCommand, diffRunsCommand } from './run/command.ts';

export function registerCommands(program: Command): void {
  parseCommand(program);
  tokenizeCommand(program);
  embedCommand(program);
  classifyCommand(program);
  stanceCommand(program);
  themesCommand(program);
  evalCommand(program);
  compareCommand(program);
  runCommand(program);
  configCommand(program);
  diffRunsCommand(program);
}
