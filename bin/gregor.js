#!/usr/bin/env node
// The gregor command: runs the compiled CLI (built by `npm install` / `npm run build`).
// libuv's thread pool carries segment writes, fetch reads and fsyncs (at most half of it for
// fsyncs); 8 threads unless the environment says otherwise. It must be set before the pool's
// first use, hence before the CLI is loaded.
process.env.UV_THREADPOOL_SIZE ??= '8';
const { main } = await import('../dist/src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`gregor: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
