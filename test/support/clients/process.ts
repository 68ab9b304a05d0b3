/**
 * Test support: running external client programs (kcat, python, node scripts) with a bounded
 * run time, and finding out whether they are installed.
 *
 * Every child is started here and, if it outlives its time limit, killed through its own
 * ChildProcess handle (that is, by its pid), never by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  elapsedMs: number;
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** The child is killed (SIGKILL) after this long; defaults to 20 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a program to completion (or to its time limit) and collects its output. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        elapsedMs: Date.now() - started,
      });
    });
    child.stdin.on('error', () => { /* the child may exit before reading its input */ });
    child.stdin.end(options.input ?? '');
  });
}

/** Throws with the program's output when it did not exit with status 0. */
export function checkOk(what: string, r: RunResult): RunResult {
  if (r.code !== 0 || r.timedOut) {
    const how = r.timedOut ? 'timed out' : `exited with ${r.code ?? r.signal}`;
    throw new Error(`${what} ${how}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

/** A long-running child (a program that does not exit by itself), ended by its pid. */
export interface Background {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the child (by its pid) unless it has already exited, and waits for it. */
  stop(): Promise<void>;
}

export function startBackground(command: string, args: readonly string[], options: RunOptions = {}): Background {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
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
  child.stdin!.on('error', () => { /* ignored, see run() */ });
  child.stdin!.end(options.input ?? '');
  const limit = setTimeout(() => { if (!done && child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); }, options.timeoutMs ?? 30_000);
  void exited.then(() => clearTimeout(limit));
  return {
    child,
    exited,
    output: () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    async stop() {
      if (!done && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch { /* already gone */ }
        const killer = setTimeout(() => { if (!done && child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); }, 3000);
        await exited;
        clearTimeout(killer);
      }
      clearTimeout(limit);
    },
  };
}

/** The reason an executable cannot be used, or undefined when it can. */
export function executableProblem(path: string): string | undefined {
  if (!existsSync(path)) return `${path} is not installed`;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return `${path} is not executable`;
  }
  return undefined;
}

let root: string | undefined;

/** The project directory (the one holding package.json), where node resolves `kafkajs`. */
export function projectRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('project root (package.json with node_modules) not found above the test helpers');
}
