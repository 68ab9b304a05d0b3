/**
 * Test support: a broker in a child process (`gregor serve`, started through broker-main.ts) on a
 * fixed 127.0.0.1 port and data directory (settings may depend on that port, e.g. extra listeners), so a test can crash it — SIGKILL by pid, nothing
 * flushed or snapshotted on the way out — and start it again on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot, startBackground, type Background } from './process.js';
import { supportedApis } from './raw-client.js';
import { waitFor } from './wait.js';

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

export interface BrokerProcess {
  port: number;
  bootstrap: string;
  dataDir: string;
  /** Starts the broker (again) on the same port and data; resolves once it answers ApiVersions. */
  start(): Promise<void>;
  /** SIGKILL by pid: a crash. */
  crash(): Promise<void>;
  /** SIGTERM by pid (a clean shutdown), keeping the data for a later start(). */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT by pid: the process freezes (no I/O, no timers) and thaws. */
  pause(): void;
  resume(): void;
  /** SIGTERM (clean shutdown), SIGKILL if it lingers, and removes the data directory. */
  destroy(): Promise<void>;
  output(): string;
}

/**
 * `lifetimeMs` bounds each run of the process (it is killed after that, so no test leaves a broker
 * behind); cluster suites that keep brokers for many tests give more than the default.
 */
export async function brokerProcess(
  overrides: Record<string, string> | ((port: number) => Record<string, string>) = {},
  lifetimeMs = 120_000,
): Promise<BrokerProcess> {
  const port = await freePort();
  const extra = typeof overrides === 'function' ? overrides(port) : overrides;
  const dataDir = mkdtempSync(join(tmpdir(), 'gregor-broker-proc-'));
  const root = projectRoot();
  let current: Background | undefined;
  let log = '';
  const args = (): string[] => {
    const settings: Record<string, string> = {
      listeners: `PLAINTEXT://127.0.0.1:${port}`,
      'log.dirs': dataDir,
      'group.initial.rebalance.delay.ms': '0',
      'http.listeners': '',
      ...extra,
    };
    return [fileURLToPath(new URL('./broker-main.js', import.meta.url)), '--log-format', 'json', ...Object.entries(settings).flatMap(([k, v]) => ['--override', `${k}=${v}`])];
  };
  const collect = (): void => {
    if (!current) return;
    const o = current.output();
    log += o.stdout + o.stderr;
  };
  const handle: BrokerProcess = {
    port,
    bootstrap: `127.0.0.1:${port}`,
    dataDir,
    async start() {
      const proc = startBackground(process.execPath, args(), { cwd: root, timeoutMs: lifetimeMs });
      current = proc;
      let exited = false;
      void proc.exited.then(() => { exited = true; });
      let outcome: 'up' | 'exited';
      try {
        outcome = await waitFor(async () => (exited ? 'exited' : (await supportedApis(port)).size > 0 ? 'up' : undefined),
          { timeoutMs: 15_000, intervalMs: 50, what: `the broker process on port ${port} to answer` });
      } catch (e) {
        const o = proc.output();
        throw new Error(`${(e as Error).message}\n--- broker output\n${o.stdout}${o.stderr}`);
      }
      if (outcome === 'exited') {
        const o = proc.output();
        throw new Error(`the broker process exited before answering\n--- broker output\n${o.stdout}${o.stderr}`);
      }
    },
    async crash() {
      if (!current) return;
      const pid = current.child.pid;
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await current.exited;
      collect();
      current = undefined;
    },
    pause() {
      if (current?.child.pid !== undefined) process.kill(current.child.pid, 'SIGSTOP');
    },
    resume() {
      if (current?.child.pid !== undefined) process.kill(current.child.pid, 'SIGCONT');
    },
    async stop() {
      if (!current) return;
      await current.stop();
      collect();
      current = undefined;
    },
    async destroy() {
      if (current) {
        await current.stop();
        collect();
        current = undefined;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => log + (current ? current.output().stdout + current.output().stderr : ''),
  };
  return handle;
}
