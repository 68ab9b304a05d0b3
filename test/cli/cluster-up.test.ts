/**
 * `gregor cluster up`: the one-command local cluster. Started for real (etcd and two brokers on
 * free 127.0.0.1 ports, data in a temporary directory): it prints the bootstrap string, Kafka's
 * tools create and describe a topic spread over both brokers, and SIGINT (Ctrl-C) stops every
 * process it started, leaving their ports free. Usage errors are one line with exit code 2.
 * Skipped, with the reason printed, without etcd.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdMissing } from '../support/etcd.js';
import { expectOk, gregor, KAFKA_BIN_DIR, portBusy, sh, startGregor, unusedPort } from '../support/cli.js';
import { waitFor } from '../support/clients/wait.js';
import { opensslMissing } from '../support/pki.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the gregor cluster up test: ${missing}`);

/** A first port with `count` free ports from it (tried a bounded number of times). */
async function freeRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await unusedPort();
    if (base + count > 65535) continue;
    const busy = await Promise.all(Array.from({ length: count }, (_, i) => portBusy(base + i)));
    if (!busy.some(Boolean)) return base;
  }
  throw new Error(`no run of ${count} free ports found`);
}

describe('gregor cluster up', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses bad options with one line and exit code 2, and prints its help', async () => {
    const bad = await gregor(['cluster', 'up', '--brokers', 'zero']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim(), /^gregor cluster up: --brokers needs a whole number from 1 to 64$/);
    const help = await gregor(['cluster', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: gregor cluster up/);
  });

  it('starts etcd and two brokers, serves Kafka\'s tools across both, and stops everything on Ctrl-C', { skip: missing ?? false }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'gregor-cluster-up-'));
    dirs.push(data);
    const port = await freeRun(2);
    const etcdPort = await freeRun(2);
    const httpPort = await freeRun(2);
    const up = startGregor(['cluster', 'up', '--brokers', '2', '--port', String(port), '--etcd-port', String(etcdPort), '--http-port', String(httpPort), '--data', data], { timeoutMs: 120_000 });
    try {
      await up.waitForOutput((out) => out.includes('bootstrap servers:'), 'the cluster to come up', 60_000);
      const bootstrap = `127.0.0.1:${port},127.0.0.1:${port + 1}`;
      assert.match(up.stdout(), new RegExp(`bootstrap servers: ${bootstrap.replace(/\./g, '\\.')}`));
      expectOk('create', await sh(`./kafka-topics.sh --create --topic up-topic --partitions 4 --bootstrap-server 127.0.0.1:${port + 1}`, { cwd: KAFKA_BIN_DIR }));
      const described = expectOk('describe', await sh(`./kafka-topics.sh --describe --topic up-topic --bootstrap-server 127.0.0.1:${port}`, { cwd: KAFKA_BIN_DIR }));
      const leaders = [...described.stdout.matchAll(/Leader: (\d+)/g)].map((m) => Number(m[1]));
      assert.equal(leaders.length, 4);
      assert.deepEqual([...new Set(leaders)].sort(), [0, 1]);
      // each broker serves its metrics and readiness on its own HTTP port
      for (const id of [0, 1]) {
        assert.equal((await fetch(`http://127.0.0.1:${httpPort + id}/health/ready`)).status, 200);
        const metrics = await (await fetch(`http://127.0.0.1:${httpPort + id}/metrics`)).text();
        assert.match(metrics, /^kafka_server_replicamanager_partitioncount \d+$/m);
      }
      const controllers = await Promise.all([0, 1].map(async (id) => /activecontrollercount 1$/m.test(await (await fetch(`http://127.0.0.1:${httpPort + id}/metrics`)).text())));
      assert.equal(controllers.filter(Boolean).length, 1, 'exactly one broker reports itself the active controller');
      assert.match(up.stdout(), new RegExp(`web console: http://127\\.0\\.0\\.1:${httpPort}/ui/`));
      const overview = await (await fetch(`http://127.0.0.1:${httpPort + 1}/ui/api/overview`)).json() as { brokers: { id: number }[] };
      assert.deepEqual(overview.brokers.map((b) => b.id), [0, 1]);
    } finally {
      process.kill(up.pid, 'SIGINT');
      const exit = await Promise.race([up.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
      if (!exit) await up.stop('SIGKILL');
      assert.equal(exit?.code, 0, `cluster up exits 0 after Ctrl-C\n${up.stdout()}\n${up.stderr()}`);
    }
    for (const p of [port, port + 1, etcdPort]) {
      await waitFor(async () => ((await portBusy(p)) ? undefined : true), { timeoutMs: 10_000, intervalMs: 100, what: `port ${p} to be free after the stop` });
    }
  });

  it('--secure: a development CA, SASL_SSL on every port, an admin whose client.properties the tools take; plaintext is turned away', { skip: missing ?? opensslMissing() ?? false }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'gregor-cluster-up-secure-'));
    dirs.push(data);
    const port = await freeRun(1);
    const etcdPort = await freeRun(2);
    const httpPort = await freeRun(1);
    const up = startGregor(['cluster', 'up', '--secure', '--brokers', '1', '--port', String(port), '--etcd-port', String(etcdPort), '--http-port', String(httpPort), '--data', data], { timeoutMs: 120_000 });
    try {
      await up.waitForOutput((out) => out.includes('client settings for the tools'), 'the secured cluster to come up', 60_000);
      assert.match(up.stdout(), /DEVELOPMENT CA, FOR TRYING SECURITY LOCALLY ONLY: NOT FOR PRODUCTION/);
      const props = join(data, 'client.properties');
      expectOk('create', await gregor(['kafka-topics', '--create', '--topic', 'secured-up', '--bootstrap-server', `127.0.0.1:${port}`, '--command-config', props]));
      const listed = expectOk('list', await gregor(['kafka-topics', '--list', '--bootstrap-server', `127.0.0.1:${port}`, '--command-config', props]));
      assert.match(listed.stdout, /secured-up/);
      const plain = await gregor(['kafka-topics', '--list', '--bootstrap-server', `127.0.0.1:${port}`]);
      assert.equal(plain.code, 1);
      assert.match(plain.stderr, /may need TLS or SASL/);
    } finally {
      process.kill(up.pid, 'SIGINT');
      const exit = await Promise.race([up.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
      if (!exit) await up.stop('SIGKILL');
      assert.equal(exit?.code, 0, `cluster up exits 0 after Ctrl-C\n${up.stdout()}\n${up.stderr()}`);
    }
  });
});
