import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

try {
  await buildProgram(process.argv[2]).parseAsync(process.argv);
} catch (err) {
  // commander has already printed the message (or the help); only the exit code is left
  if (!(err instanceof CommanderError)) throw err;
  process.exitCode = err.exitCode;
}
