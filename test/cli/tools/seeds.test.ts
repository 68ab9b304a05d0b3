/**
 * Every console line of the seed articles (../shared/seeds 003 and 004), run verbatim through a
 * shell against a broker this test starts on 127.0.0.1:9092 (the address the lines name), with
 * the outcome each article describes checked independently of the CLI (kcat, kafkajs):
 *
 *   004: ./kafka-topics.sh --create / ./kafka-console-producer.sh / ./kafka-console-consumer.sh
 *        (with its truncated `--bootstrap-serve`), run in bin/kafka as the article runs them in
 *        Kafka's bin/; a topic with 3 partitions and its --describe.
 *   003: kafka-server-start <server.properties>, kafka-topics --create/--list,
 *        kafka-console-consumer started before kafka-console-producer --broker-list, the bare
 *        names (Homebrew's) resolved through PATH.
 *
 * Console consumers run until stopped: they are stopped by pid (their process group) once the
 * produced lines appeared, and must then end cleanly, reporting how many records they processed.
 * The whole file is skipped, with the reason printed, when port 9092 is taken.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMetadata, kcatMissing } from '../../support/clients/kcat.js';
import { waitFor } from '../../support/clients/wait.js';
import { bareToolNames, endOffsets, expectOk, KAFKA_BIN_DIR, lines, portBusy, sh, startSh, unusedPort } from '../../support/cli.js';

const SEED_PORT = 9092;
const busy = await portBusy(SEED_PORT);
const skip = busy
  ? `port ${SEED_PORT} is in use, and the seed lines name localhost:${SEED_PORT}`
  : (kcatMissing() ?? false);
if (skip) console.log(`# seeds.test: skipped: ${skip}`);

const BOOTSTRAP = `127.0.0.1:${SEED_PORT}`;

describe('seed console lines, verbatim', { skip }, () => {
  let broker: TestBroker;
  let bare: { dir: string; remove(): void };

  before(async () => {
    broker = await startTestBroker({ listeners: `PLAINTEXT://127.0.0.1:${SEED_PORT}` });
    assert.equal(broker.port, SEED_PORT);
    bare = bareToolNames();
  });
  after(async () => {
    await broker?.stop();
    bare?.remove();
  });

  /** In bin/kafka, as `cd /opt/kafka/bin` in the article. */
  const inBin = { cwd: KAFKA_BIN_DIR };
  /** The Homebrew names on PATH, run from anywhere. */
  const onPath = (): { cwd: string; pathDirs: string[] } => ({ cwd: tmpdir(), pathDirs: [bare.dir] });

  describe('seed 004 (Kafka in Docker, then Node.js)', () => {
    const events = ['This is my first event', 'This is my second event', 'a third, with tabs\tand ünïcödé'];

    it('./kafka-topics.sh --create --topic quickstart-events --bootstrap-server localhost:9092', async () => {
      const r = expectOk('create', await sh('./kafka-topics.sh --create --topic quickstart-events --bootstrap-server localhost:9092', inBin));
      assert.equal(r.stdout.trim(), 'Created topic quickstart-events.');
      const md = await kcatMetadata(BOOTSTRAP, 'quickstart-events');
      const t = md.topics.find((x) => x.topic === 'quickstart-events');
      assert.ok(t && !t.error, 'the topic exists');
      assert.equal(t.partitions.length, 1, 'the broker default of one partition');
    });

    it('./kafka-console-producer.sh --topic quickstart-events --bootstrap-server localhost:9092', async () => {
      const r = expectOk('produce', await sh('./kafka-console-producer.sh --topic quickstart-events --bootstrap-server localhost:9092', { ...inBin, input: events.map((e) => `${e}\n`).join('') }));
      assert.equal(r.stderr, '', 'nothing on stderr');
      // What the broker holds, read by another client.
      const stored = await kcatConsume(BOOTSTRAP, 'quickstart-events');
      assert.deepEqual(stored.map((m) => m.value), events);
      assert.deepEqual(stored.map((m) => m.key), events.map(() => null));
    });

    it('./kafka-console-consumer.sh --topic quickstart-events --from-beginning --bootstrap-serve', async () => {
      const consumer = startSh('./kafka-console-consumer.sh --topic quickstart-events --from-beginning --bootstrap-serve', inBin);
      try {
        await consumer.waitForOutput((out) => lines(out).length >= events.length, 'the produced events');
      } finally {
        await consumer.stop('SIGTERM');
      }
      assert.deepEqual(consumer.stdout().split('\n').filter((l) => l !== ''), events);
      assert.match(consumer.stderr(), /Processed a total of 3 messages/);
      assert.doesNotMatch(consumer.stderr(), /error|cannot reach/i);
    });

    it('./kafka-topics.sh --create --topic payment-done --partitions 3 --bootstrap-server localhost:9092', async () => {
      const r = expectOk('create', await sh('./kafka-topics.sh --create --topic payment-done --partitions 3 --bootstrap-server localhost:9092', inBin));
      assert.equal(r.stdout.trim(), 'Created topic payment-done.');
      const md = await kcatMetadata(BOOTSTRAP, 'payment-done');
      const t = md.topics.find((x) => x.topic === 'payment-done');
      assert.ok(t && !t.error);
      assert.deepEqual(t.partitions.map((p) => p.partition).sort(), [0, 1, 2]);
      const ends = await endOffsets(BOOTSTRAP, 'payment-done');
      assert.equal(ends.size, 3);
    });

    it('./kafka-topics.sh --describe --topic payment-done --bootstrap-server localhost:9092', async () => {
      const r = expectOk('describe', await sh('./kafka-topics.sh --describe --topic payment-done --bootstrap-server localhost:9092', inBin));
      const out = lines(r.stdout);
      assert.match(out[0]!, /^Topic: payment-done\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 1\tConfigs:/);
      const md = await kcatMetadata(BOOTSTRAP, 'payment-done');
      const meta = md.topics.find((x) => x.topic === 'payment-done')!;
      const rows = out.slice(1);
      assert.equal(rows.length, 3, 'one line per partition');
      for (let p = 0; p < 3; p++) {
        const m = /^\s*Topic: payment-done\tPartition: (\d+)\tLeader: (\d+)\tReplicas: ([\d,]+)\tIsr: ([\d,]+)$/.exec(rows[p]!);
        assert.ok(m, `partition line: ${JSON.stringify(rows[p])}`);
        assert.equal(Number(m[1]), p);
        const kp = meta.partitions.find((x) => x.partition === p)!;
        assert.equal(Number(m[2]), kp.leader, 'the leader kcat sees');
        assert.deepEqual(m[3]!.split(',').map(Number), kp.replicas.map((x) => x.id));
        assert.deepEqual(m[4]!.split(',').map(Number), kp.isrs.map((x) => x.id));
      }
    });
  });

  describe('seed 003 (Homebrew names)', () => {
    it('kafka-server-start /usr/local/etc/kafka/server.properties (a server.properties of its own)', async () => {
      // The article's file is Homebrew's; this one has the same shape with a free port and a
      // temporary log directory, so it can run next to the broker on 9092.
      const dir = mkdtempSync(join(tmpdir(), 'gregor-server-start-'));
      const port = await unusedPort();
      const props = join(dir, 'server.properties');
      writeFileSync(props, [
        '# as in config/server.properties',
        'broker.id=0',
        `listeners=PLAINTEXT://127.0.0.1:${port}`,
        `log.dirs=${join(dir, 'kafka-logs')}`,
        'num.partitions=2',
        'log.retention.hours=168',
        'group.initial.rebalance.delay.ms=0',
        'http.listeners=',
        '',
      ].join('\n'));
      const server = startSh(`kafka-server-start ${props}`, onPath());
      try {
        try {
          // Reachable: a client gets metadata naming the configured listener.
          const md = await waitFor(async () => {
            if (!server.running()) throw new Error(`kafka-server-start exited\n${server.stdout()}\n${server.stderr()}`);
            return kcatMetadata(`127.0.0.1:${port}`, undefined, 2000).catch(() => undefined);
          }, { timeoutMs: 15_000, intervalMs: 100, what: `the broker answering on ${port}` });
          assert.deepEqual(md.brokers.map((b) => [b.id, b.name]), [[0, `127.0.0.1:${port}`]], 'broker.id and listeners from the file');
          // The settings of the file apply: a topic created without a count has num.partitions=2.
          expectOk('create', await sh(`kafka-topics --create --topic from-props --bootstrap-server 127.0.0.1:${port}`, onPath()));
          assert.equal((await endOffsets(`127.0.0.1:${port}`, 'from-props')).size, 2);
        } finally {
          await server.stop('SIGTERM');
        }
        assert.ok(existsSync(join(dir, 'kafka-logs', '.kafka_cleanshutdown')), `stopped cleanly by SIGTERM\n${server.stdout()}\n${server.stderr()}`);
        assert.equal(await kcatMetadata(`127.0.0.1:${port}`, undefined, 1500).then(() => 'up', () => 'down'), 'down');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('kafka-topics --create --bootstrap-server localhost:9092 --replication-factor 1 --partitions 1 --topic test', async () => {
      const r = expectOk('create', await sh('kafka-topics --create --bootstrap-server localhost:9092 --replication-factor 1 --partitions 1 --topic test', onPath()));
      assert.equal(r.stdout.trim(), 'Created topic test.');
      const t = (await kcatMetadata(BOOTSTRAP, 'test')).topics.find((x) => x.topic === 'test');
      assert.ok(t && !t.error);
      assert.equal(t.partitions.length, 1);
      assert.deepEqual(t.partitions[0]!.replicas.map((x) => x.id), [t.partitions[0]!.leader], 'replication factor 1');
    });

    it('kafka-topics --list --bootstrap-server localhost:9092', async () => {
      const r = expectOk('list', await sh('kafka-topics --list --bootstrap-server localhost:9092', onPath()));
      const listed = lines(r.stdout);
      for (const t of ['test', 'quickstart-events', 'payment-done']) assert.ok(listed.includes(t), `${t} listed: ${listed.join(', ')}`);
      assert.deepEqual(listed, [...listed].sort(), 'sorted');
      const md = await kcatMetadata(BOOTSTRAP);
      const known = md.topics.map((t) => t.topic);
      for (const t of listed) assert.ok(known.includes(t), `${t} is a topic the broker knows`);
    });

    it('kafka-console-consumer --bootstrap-server localhost:9092 --topic test --from-beginning, then kafka-console-producer --broker-list localhost:9092 --topic test', async () => {
      const messages = ['hello from the producer console', 'second line', '{"json": true}'];
      const consumer = startSh('kafka-console-consumer --bootstrap-server localhost:9092 --topic test --from-beginning', onPath());
      try {
        const p = expectOk('produce', await sh('kafka-console-producer --broker-list localhost:9092 --topic test', { ...onPath(), input: messages.join('\n') + '\n' }));
        assert.equal(p.stderr, '');
        await consumer.waitForOutput((out) => lines(out).length >= messages.length, 'the produced lines on the consumer console');
      } finally {
        await consumer.stop('SIGTERM');
      }
      assert.deepEqual(consumer.stdout().split('\n').filter((l) => l !== ''), messages);
      assert.match(consumer.stderr(), /Processed a total of 3 messages/);
      const ends = await endOffsets(BOOTSTRAP, 'test');
      assert.deepEqual([...ends], [[0, 3]], 'exactly the three lines were written');
    });
  });

  it('with the broker stopped, the same lines say in one line that localhost:9092 cannot be reached (exit 1)', async () => {
    await broker.stop();
    const r = await sh('kafka-topics --list --bootstrap-server localhost:9092', onPath());
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(lines(r.stderr), ['kafka-topics: cannot reach localhost:9092 — is the broker running? (start one with: gregor serve)']);
    // The truncated --bootstrap-serve of seed 004 means the same default address.
    const c = await sh('./kafka-console-consumer.sh --topic quickstart-events --from-beginning --bootstrap-serve', inBin);
    assert.equal(c.code, 1, c.stderr);
    assert.deepEqual(lines(c.stderr), ['kafka-console-consumer: cannot reach localhost:9092 — is the broker running? (start one with: gregor serve)']);
  });
});
