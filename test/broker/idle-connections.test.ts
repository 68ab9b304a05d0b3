/**
 * Thousands of idle connections cost little: a broker in its own process holds 2,000 open client
 * connections with a small, bounded growth of its resident memory, and still answers requests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { encodeRequestFrame, decodeResponseFrame } from '../../src/protocol/framing/messages.js';
import { ApiKey } from '../../src/protocol/generated/api-registry.js';

const bin = resolve(fileURLToPath(new URL('../../../bin/gregor.js', import.meta.url)));

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

function open(port: number): Promise<Socket> {
  return new Promise((resolveSocket, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolveSocket(s));
    s.once('error', reject);
  });
}

async function apiVersionsWorks(port: number): Promise<boolean> {
  const s = await open(port);
  s.write(Buffer.concat(encodeRequestFrame(ApiKey.ApiVersions, 3, 9, 'idle-test', { clientSoftwareName: 't', clientSoftwareVersion: '1' })));
  const frame = await new Promise<Buffer | undefined>((r) => {
    s.once('data', (d: Buffer) => r(d));
    s.once('close', () => r(undefined));
  });
  s.destroy();
  if (!frame) return false;
  const { correlationId, body } = decodeResponseFrame(ApiKey.ApiVersions, 3, frame.subarray(4));
  return correlationId === 9 && (body as { errorCode: number }).errorCode === 0;
}

test('2,000 idle connections cost little memory and the broker keeps serving', { timeout: 60_000 }, async (t) => {
  if (process.platform !== 'linux') return t.skip('reads /proc to measure the broker process');
  const dir = mkdtempSync(join(tmpdir(), 'gregor-idle-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [bin, 'serve', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${dir}`, '--override', 'http.listeners=', '--log-format', 'json'], { stdio: 'ignore', env: { ...process.env, GREGOR_LOG_LEVEL: 'warn' } });
  const sockets: Socket[] = [];
  try {
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      up = await apiVersionsWorks(port).catch(() => false);
      if (!up) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(up);
    const before = rssKiB(child.pid!);
    for (let i = 0; i < 2000; i++) sockets.push(await open(port));
    await new Promise((r) => setTimeout(r, 200));
    const after = rssKiB(child.pid!);
    const perConnection = ((after - before) * 1024) / 2000;
    assert.ok(perConnection < 16 * 1024, `${perConnection.toFixed(0)} bytes per idle connection`);
    assert.ok(await apiVersionsWorks(port), 'still serving with 2,000 connections open');
  } finally {
    for (const s of sockets) s.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
