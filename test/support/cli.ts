/**
 * Test support for the command-line tools: running `gregor` and the bin/kafka/*.sh executables as
 * a user would (as child processes, through a shell where the line is a shell line), with bounded
 * run times, and the few probes the CLI tests share (free ports, end offsets, table parsing).
 *
 * Long-running commands (console consumers, kafka-server-start) are started in their own process
 * group, so the shell running a seed line and the node process it starts end together when the
 * group (whose id is the pid of the child started here) is signalled; nothing is ever killed by
 * name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { projectRoot, run, type RunResult } from './clients/process.js';

export const REPO_ROOT = projectRoot();
export const GREGOR_BIN = join(REPO_ROOT, 'bin', 'gregor.js');
export const KAFKA_BIN_DIR = join(REPO_ROOT, 'bin', 'kafka');

/** The kafka-*.sh executables installed with Gregor, by file name. */
export function kafkaScripts(): string[] {
  return readdirSync(KAFKA_BIN_DIR).filter((f) => f.endsWith('.sh')).sort();
}

export interface CliOptions {
  /** Written to stdin, which is then closed (an empty stdin when omitted). */
  input?: string;
  timeoutMs?: number;
  cwd?: string;
  /** Directories put in front of PATH. */
  pathDirs?: readonly string[];
}

function envWith(pathDirs: readonly string[] | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The tools colour and prompt only on a terminal; keep that switched off explicitly.
  delete env.FORCE_COLOR;
  if (pathDirs && pathDirs.length > 0) env.PATH = [...pathDirs, env.PATH ?? ''].join(delimiter);
  return env;
}

/** `gregor <args>` to completion. */
export function gregor(args: readonly string[], options: CliOptions = {}): Promise<RunResult> {
  return run(process.execPath, [GREGOR_BIN, ...args], { input: options.input, timeoutMs: options.timeoutMs ?? 30_000, cwd: options.cwd, env: envWith(options.pathDirs) });
}

/** One shell line (`sh -c line`) to completion, e.g. a seed's console line verbatim. */
export function sh(line: string, options: CliOptions = {}): Promise<RunResult> {
  return run('/bin/sh', ['-c', line], { input: options.input, timeoutMs: options.timeoutMs ?? 30_000, cwd: options.cwd, env: envWith(options.pathDirs) });
}

/** Throws with the command's output unless it exited 0. */
export function expectOk(what: string, r: RunResult): RunResult {
  if (r.code !== 0 || r.timedOut) {
    throw new Error(`${what}: ${r.timedOut ? 'timed out' : `exited with ${r.code ?? r.signal}`}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

/** A command that runs until it is stopped. */
export interface Running {
  pid: number;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** Resolves once `predicate` holds for the output so far; rejects at the deadline or if the command exits first. */
  waitForOutput(predicate: (stdout: string, stderr: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Sends `signal` to the command's process group and waits for it to exit (SIGKILL after killAfterMs). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDetached(command: string, args: readonly string[], options: CliOptions & { keepStdinOpen?: boolean }): Running {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: envWith(options.pathDirs), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  child.stdin!.on('error', () => { /* the child may exit before reading its input */ });
  if (options.input !== undefined) child.stdin!.write(options.input);
  if (!options.keepStdinOpen) child.stdin!.end();
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.on('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch { /* already gone */ }
  };
  // A hard limit, so no test can leave a command behind.
  const limit = setTimeout(() => { if (!done) signalGroup('SIGKILL'); }, options.timeoutMs ?? 60_000);
  void exited.then(() => clearTimeout(limit));
  return {
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    running: () => !done,
    async waitForOutput(predicate, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (let i = 0; i < Math.ceil(timeoutMs / 25) + 1; i++) {
        if (predicate(out, err)) return;
        if (done) throw new Error(`${what}: the command exited first\n--- stdout\n${out}\n--- stderr\n${err}`);
        if (Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      if (predicate(out, err)) return;
      throw new Error(`${what}: not seen within ${timeoutMs} ms\n--- stdout\n${out}\n--- stderr\n${err}`);
    },
    async stop(signal = 'SIGTERM', killAfterMs = 10_000) {
      if (!done) {
        signalGroup(signal);
        const killer = setTimeout(() => { if (!done) signalGroup('SIGKILL'); }, killAfterMs);
        const r = await exited;
        clearTimeout(killer);
        clearTimeout(limit);
        return r;
      }
      clearTimeout(limit);
      return exited;
    },
  };
}

/** A shell line that runs until stopped (a console consumer, kafka-server-start). */
export function startSh(line: string, options: CliOptions = {}): Running {
  return startDetached('/bin/sh', ['-c', line], options);
}

/** `gregor <args>` that runs until stopped. */
export function startGregor(args: readonly string[], options: CliOptions = {}): Running {
  return startDetached(process.execPath, [GREGOR_BIN, ...args], options);
}

/**
 * A temporary directory of symlinks named as the tools are without `.sh` (kafka-topics ->
 * bin/kafka/kafka-topics.sh), as a Homebrew install has them; put it on PATH for seed lines like
 * `kafka-topics --list ...`.
 */
export function bareToolNames(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-bin-'));
  for (const f of kafkaScripts()) symlinkSync(join(KAFKA_BIN_DIR, f), join(dir, f.replace(/\.sh$/, '')));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether something listens on (or holds) 127.0.0.1:port. */
export function portBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

/** A port nothing listens on right now (the OS picked it, then it was released). */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Non-empty lines of a command's output. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** Rows of a whitespace-aligned table printed by the tools (kafka-consumer-groups), keyed by its header. */
export function parseTable(text: string, firstHeader: string): Record<string, string>[] {
  const all = lines(text);
  const h = all.findIndex((l) => l.trim().startsWith(firstHeader));
  if (h < 0) return [];
  const headers = all[h]!.trim().split(/\s+/);
  const rows: Record<string, string>[] = [];
  for (const l of all.slice(h + 1)) {
    const cells = l.trim().split(/\s+/);
    if (cells[0] === firstHeader) continue;
    rows.push(Object.fromEntries(headers.map((name, i) => [name, cells[i] ?? ''])));
  }
  return rows;
}

/** A kafkajs admin client (an independent implementation to check the tools against). */
export async function withKafkajsAdmin<T>(bootstrap: string, use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = new Kafka({ brokers: [bootstrap], clientId: 'cli-test', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The log end offset of every partition of a topic, by partition, read with kafkajs (ListOffsets). */
export function endOffsets(bootstrap: string, topic: string): Promise<Map<number, number>> {
  return withKafkajsAdmin(bootstrap, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  });
}

/** Runs `fn` over `items` with at most `limit` at a time, results in order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
