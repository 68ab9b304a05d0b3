/**
 * Output helpers: aligned tables, colour only on a terminal, JSON for scripts, and errors as one
 * clear line with exit codes scripts can rely on (0 ok, 1 failure, 2 usage error).
 */
import { ClientError } from '../../client/client-error.js';
import { UsageError } from './options.js';
import { BrokerUnreachableError } from './connect.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd()).join('\n');
}

export function bold(text: string, io: Io): string {
  return io.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text;
}

/** Turns an error into one line on stderr and an exit code. */
export function reportError(e: unknown, tool: string, bootstrap: string | undefined, io: Io): number {
  if (e instanceof UsageError) {
    io.stderr.write(`${tool}: ${e.message} (see '${tool} --help')\n`);
    return EXIT_USAGE;
  }
  if (e instanceof BrokerUnreachableError) {
    io.stderr.write(`${tool}: cannot reach ${e.bootstrap.join(',')} — is the broker running? (start one with: gregor serve)\n`);
    return EXIT_FAILURE;
  }
  if (e instanceof ClientError && e.code === 'CONNECT' && e.message.includes('before answering ApiVersions')) {
    // reached, but it hung up: most likely a secured listener spoken to in plaintext
    io.stderr.write(`${tool}: ${e.message.replace(/^cannot reach [^(]*\((.*)\)$/, '$1')}\n`);
    return EXIT_FAILURE;
  }
  if (e instanceof ClientError && e.code === 'CONNECT') {
    io.stderr.write(`${tool}: cannot reach ${bootstrap ?? 'the broker'} — is the broker running? (start one with: gregor serve)\n`);
    return EXIT_FAILURE;
  }
  io.stderr.write(`${tool}: ${e instanceof Error ? e.message : String(e)}\n`);
  return EXIT_FAILURE;
}
