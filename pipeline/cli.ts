// The CLI only parses flags and calls stages (main.ts); each stage's flags live beside it in <stage>/command.ts.
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
// Exit at once on an error (as before: a stage may leave handles open); on success let the writes drain.
if (code !== 0) process.exit(code);
