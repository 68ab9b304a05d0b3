#!/usr/bin/env node
// The gregor command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`gregor: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
