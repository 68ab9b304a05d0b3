/**
 * Test support: a real etcd (Debian's etcd-server, the `etcd` binary) on free 127.0.0.1 ports
 * with its data in a temporary directory, started as a child process and stopped by its pid.
 * `restart()` stops it and starts it again on the same ports and data (the watch-resume tests).
 * Without an etcd binary the tests skip and say why.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackground, type Background } from './clients/process.js';
import { waitFor } from './clients/wait.js';

const ETCD = process.env.GREGOR_ETCD ?? '/usr/bin/etcd';

export function etcdMissing(): string | undefined {
  return existsSync(ETCD) ? undefined : `${ETCD} is not installed (apt-get install etcd-server)`;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface TestEtcd {
  endpoint: string;
  /** Stops etcd (SIGTERM, by pid) and starts it again on the same ports and data. */
  restart(): Promise<void>;
  /** Stops etcd without starting it again (until restart()). */
  pause(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEtcd(): Promise<TestEtcd> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const args = [
    '--name', 'test', '--data-dir', join(dir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `test=http://127.0.0.1:${peerPort}`, '--log-level', 'error',
  ];
  let proc: Background | undefined;
  const launch = async (): Promise<void> => {
    proc = startBackground(ETCD, args, { timeoutMs: 3_600_000 });
    await waitFor(async () => {
      const r = await fetch(`${endpoint}/health`).catch(() => undefined);
      return r?.ok ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100, what: `etcd on ${endpoint}` });
  };
  await launch();
  return {
    endpoint,
    async restart() {
      await proc?.stop();
      await launch();
    },
    async pause() {
      await proc?.stop();
      proc = undefined;
    },
    async stop() {
      await proc?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
