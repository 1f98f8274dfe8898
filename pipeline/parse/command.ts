import type { Command } from 'commander';

export function parseCommand(program: Command): void {
  program.command('parse <input>').description('parse a result document into items.jsonl (stub)');
}
