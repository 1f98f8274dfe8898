// One line per stage: each stage's command.ts owns its flags and help text.
import type { Command } from 'commander';
import { parseCommand } from './parse/command.ts';

export function registerCommands(program: Command): void {
  parseCommand(program);
}
