/**
 * `gregor serve` as a user runs it: a child process that starts fast, serves, and on SIGTERM
 * shuts down cleanly (exit 0, clean-shutdown marker written); bad settings fail at start with
 * the setting named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/clients/broker-process.js';

const bin = resolve(fileURLToPath(new URL('../../../bin/gregor.js', import.meta.url)));

function canConnect(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
  });
}

test('serve starts in well under a second and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-serve-'));
  // free ports from the system: a random pick could land on a port another process holds
  const port = await freePort();
  const httpPort = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, [bin, 'serve', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${dir}`,
    '--override', `http.listeners=http://127.0.0.1:${httpPort}`, '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  try {
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      up = await canConnect(port);
      if (!up) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(up, 'the broker accepts connections');
    assert.ok(Date.now() - started < 3000, `up after ${Date.now() - started} ms including Node's own start`);
    const startedLine = (): string | undefined => output.split('\n').find((l) => l.includes('Gregor broker started') && l.endsWith('}'));
    for (let i = 0; i < 100 && !startedLine(); i++) await new Promise((r) => setTimeout(r, 20));
    const ready = JSON.parse(startedLine()!) as { startupMs: number };
    assert.ok(ready.startupMs < 1000, `broker startup took ${ready.startupMs} ms`);
    // the HTTP listener: liveness, readiness, metrics, and errors as JSON
    assert.equal((await fetch(`http://127.0.0.1:${httpPort}/health/live`)).status, 200);
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${httpPort}/health/ready`)).json(), { status: 'ready' });
    const metrics = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await metrics.text(), /^nodejs_eventloop_lag_seconds /m);
    const missing = await fetch(`http://127.0.0.1:${httpPort}/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error_code: 404, message: 'no such endpoint: /nope' });
    assert.equal((await fetch(`http://127.0.0.1:${httpPort}/metrics`, { method: 'POST' })).status, 405);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(existsSync(join(dir, '.kafka_cleanshutdown')), 'clean-shutdown marker written');
    assert.match(output, /shut down cleanly/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown or invalid setting fails at start naming it', () => {
  const r = spawnSync(process.execPath, [bin, 'serve', '--override', 'num.partitions=zero'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /num\.partitions/);
  const u = spawnSync(process.execPath, [bin, 'serve', '--override', 'bogus.setting=1'], { encoding: 'utf8' });
  assert.equal(u.status, 1);
  assert.match(u.stderr, /bogus\.setting: unknown setting/);
});

test('gregor --help lists commands; serve --help shows usage', () => {
  const h = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /serve/);
  const s = spawnSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8' });
  assert.equal(s.status, 0);
  assert.match(s.stdout, /--override/);
});
