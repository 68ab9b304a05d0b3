/**
 * Test support: the entry point of a broker child process (see broker-process.ts). It runs
 * `gregor serve` with the given arguments through the serve command itself rather than the whole
 * CLI, so only the broker's own modules are loaded. Not a module to import: it starts a broker.
 */
import { serve } from '../../../src/cli/serve.js';

process.exitCode = await serve(process.argv.slice(2));
