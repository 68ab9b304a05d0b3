/**
 * Kafka's own Java console tools, from a real Kafka distribution, against Gregor: topics, the
 * console producer and consumer, consumer groups (describe, members, state, reset, delete),
 * configs, delete-records, log-dirs, leader election, the perf tools and, where the distribution
 * has it, kafka-transactions.
 *
 * The distribution is found through KAFKA_HOME (a directory with bin/kafka-topics.sh) and needs
 * `java`; without them every test skips and says why. No distribution is downloaded: none can be
 * here (see the project's notes on assembling one).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { run, type RunResult } from '../../support/clients/process.js';
import { lines, parseTable } from '../../support/cli.js';

const KAFKA_HOME = process.env.KAFKA_HOME;

function distributionProblem(): string | undefined {
  if (!KAFKA_HOME) return 'KAFKA_HOME is not set (a Kafka distribution is needed for these tests)';
  if (!existsSync(join(KAFKA_HOME, 'bin', 'kafka-topics.sh'))) return `${KAFKA_HOME}/bin/kafka-topics.sh does not exist`;
  return undefined;
}

const problem = distributionProblem();
if (problem) console.log(`skipping the Java tool tests: ${problem}`);

function tool(name: string, args: readonly string[], input?: string): Promise<RunResult> {
  return run(join(KAFKA_HOME!, 'bin', name), args, {
    input, timeoutMs: 90_000, env: { ...process.env, KAFKA_HEAP_OPTS: '-Xmx256m', KAFKA_OPTS: '' },
  });
}

function ok(what: string, r: RunResult): string {
  assert.equal(r.timedOut, false, `${what} timed out\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 0, `${what} exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('Kafka distribution tools against Gregor', { skip: problem ?? false }, () => {
  let broker: TestBroker;
  let b: string;
  let work: string;
  const topic = 'java-tools';
  const group = 'java-tools-group';

  before(async () => {
    broker = await startTestBroker({ 'num.partitions': '1' });
    b = broker.bootstrap;
    work = mkdtempSync(join(tmpdir(), 'gregor-java-tools-'));
  });
  after(async () => {
    await broker?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('kafka-topics creates, describes, adds partitions, lists', async () => {
    ok('create', await tool('kafka-topics.sh', ['--bootstrap-server', b, '--create', '--topic', topic, '--partitions', '2', '--replication-factor', '1', '--config', 'retention.ms=3600000']));
    ok('alter', await tool('kafka-topics.sh', ['--bootstrap-server', b, '--alter', '--topic', topic, '--partitions', '3']));
    const described = ok('describe', await tool('kafka-topics.sh', ['--bootstrap-server', b, '--describe', '--topic', topic]));
    assert.match(described, new RegExp(`Topic: ${topic}\\s+PartitionCount: 3\\s+ReplicationFactor: 1`));
    const rows = lines(described).filter((l) => /Partition: \d/.test(l));
    assert.deepEqual(rows.map((l) => /Partition: (\d+)\s+Leader: (\d+)/.exec(l)!.slice(1)), [['0', '1'], ['1', '1'], ['2', '1']]);
    assert.ok(lines(ok('list', await tool('kafka-topics.sh', ['--bootstrap-server', b, '--list']))).includes(topic));
  });

  it('console producer with keys, console consumer in a group, consumer-groups describe / members / state', async () => {
    const producerArgs = ['--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'];
    const produced = await tool('kafka-console-producer.sh', ['--bootstrap-server', b, ...producerArgs], 'k1:v1\nk2:v2\nk3:v3\nk4:v4\n');
    // Kafka before 2.5 knows only --broker-list
    if (produced.code !== 0 && /bootstrap-server is not a recognized option/.test(produced.stderr + produced.stdout)) {
      ok('produce', await tool('kafka-console-producer.sh', ['--broker-list', b, ...producerArgs], 'k1:v1\nk2:v2\nk3:v3\nk4:v4\n'));
    } else {
      ok('produce', produced);
    }
    const consumed = await tool('kafka-console-consumer.sh', ['--bootstrap-server', b, '--topic', topic, '--from-beginning', '--group', group,
      '--property', 'print.key=true', '--max-messages', '4', '--timeout-ms', '15000']);
    ok('consume', consumed);
    assert.deepEqual(lines(consumed.stdout).sort(), ['k1\tv1', 'k2\tv2', 'k3\tv3', 'k4\tv4']);

    const describe = ok('describe', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--describe', '--group', group]));
    const rows = parseTable(describe, 'GROUP');
    assert.equal(rows.length, 3);
    assert.equal(rows.reduce((n, r) => n + Number(r['CURRENT-OFFSET']), 0), 4);
    assert.ok(rows.every((r) => r.LAG === '0'), describe);
    const state = ok('state', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--describe', '--group', group, '--state']));
    assert.match(state, new RegExp(`${group}\\s+\\S+ \\(1\\)\\s+(\\S+\\s+)?Empty\\s+0`));
    ok('members', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--describe', '--group', group, '--members']));
  });

  it('consumer-groups resets offsets (dry run and execute) and deletes the group', async () => {
    const dry = ok('dry run', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--group', group, '--reset-offsets', '--shift-by', '-1', '--all-topics', '--dry-run']));
    assert.ok(parseTable(dry, 'GROUP').length >= 1);
    const reset = ok('reset', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--group', group, '--reset-offsets', '--to-earliest', '--topic', topic, '--execute']));
    assert.ok(parseTable(reset, 'GROUP').every((r) => r['NEW-OFFSET'] === '0'), reset);
    const after = ok('describe', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--describe', '--group', group]));
    assert.equal(parseTable(after, 'GROUP').reduce((n, r) => n + Number(r.LAG), 0), 4);
    const deleted = ok('delete', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--delete', '--group', group]));
    assert.match(deleted, /Deletion of requested consumer groups \('java-tools-group'\) was successful/);
    assert.ok(!lines(ok('list', await tool('kafka-consumer-groups.sh', ['--bootstrap-server', b, '--list']))).includes(group));
  });

  it('kafka-configs changes dynamic broker settings (per broker and the cluster default) and (where the tool can) a topic', async () => {
    const broker = ['--bootstrap-server', b, '--entity-type', 'brokers', '--entity-name', '1'];
    ok('alter broker', await tool('kafka-configs.sh', [...broker, '--alter', '--add-config', 'log.cleaner.threads=2,sasl.kerberos.min.time.before.relogin=58000']));
    const described = ok('broker', await tool('kafka-configs.sh', [...broker, '--describe']));
    assert.match(described, /log\.cleaner\.threads=2 sensitive=false synonyms=\{DYNAMIC_BROKER_CONFIG:log\.cleaner\.threads=2, DEFAULT_CONFIG:log\.cleaner\.threads=1\}/);
    assert.match(described, /sasl\.kerberos\.min\.time\.before\.relogin=58000/);
    const refused = await tool('kafka-configs.sh', [...broker, '--alter', '--add-config', 'log.dirs=/elsewhere']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stdout + refused.stderr, /InvalidRequestException: Cannot update these configs dynamically: Set\(log\.dirs\)/);
    ok('delete', await tool('kafka-configs.sh', [...broker, '--alter', '--delete-config', 'log.cleaner.threads,sasl.kerberos.min.time.before.relogin']));
    assert.doesNotMatch(ok('broker', await tool('kafka-configs.sh', [...broker, '--describe'])), /log\.cleaner\.threads/);
    const defaults = ['--bootstrap-server', b, '--entity-type', 'brokers', '--entity-default'];
    ok('alter default', await tool('kafka-configs.sh', [...defaults, '--alter', '--add-config', 'log.retention.ms=7200000']));
    assert.match(ok('default', await tool('kafka-configs.sh', [...defaults, '--describe'])), /log\.retention\.ms=7200000 sensitive=false synonyms=\{DYNAMIC_DEFAULT_BROKER_CONFIG:log\.retention\.ms=7200000\}/);
    ok('delete default', await tool('kafka-configs.sh', [...defaults, '--alter', '--delete-config', 'log.retention.ms']));
    const alter = await tool('kafka-configs.sh', ['--bootstrap-server', b, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', 'retention.ms=7200000']);
    if (/Invalid entity-type topics/.test(alter.stdout + alter.stderr)) return; // Kafka 2.4's tool alters topics only through ZooKeeper
    ok('alter topic', alter);
    const topicDescribed = ok('describe topic', await tool('kafka-configs.sh', ['--bootstrap-server', b, '--entity-type', 'topics', '--entity-name', topic, '--describe']));
    assert.match(topicDescribed, /retention\.ms=7200000/);
  });

  it('kafka-delete-records, kafka-log-dirs and kafka-leader-election', async () => {
    const json = join(work, 'delete.json');
    const partitionWithData = await firstNonEmptyPartition();
    writeFileSync(json, JSON.stringify({ partitions: [{ topic, partition: partitionWithData, offset: 1 }], version: 1 }));
    const deleted = ok('delete-records', await tool('kafka-delete-records.sh', ['--bootstrap-server', b, '--offset-json-file', json]));
    assert.match(deleted, new RegExp(`partition: ${topic}-${partitionWithData}\\s+low_watermark: 1`));

    const dirs = ok('log-dirs', await tool('kafka-log-dirs.sh', ['--bootstrap-server', b, '--describe', '--topic-list', topic]));
    const report = JSON.parse(lines(dirs).find((l) => l.startsWith('{'))!) as { brokers: { broker: number; logDirs: { partitions: { partition: string }[] }[] }[] };
    assert.equal(report.brokers[0]!.broker, 1);
    assert.deepEqual(report.brokers[0]!.logDirs[0]!.partitions.map((p) => p.partition).sort(), [`${topic}-0`, `${topic}-1`, `${topic}-2`]);

    const elected = ok('leader-election', await tool('kafka-leader-election.sh', ['--bootstrap-server', b, '--election-type', 'preferred', '--topic', topic, '--partition', '0']));
    assert.match(elected, /Valid replica already elected for partitions/);
    ok('leader-election all', await tool('kafka-leader-election.sh', ['--bootstrap-server', b, '--election-type', 'preferred', '--all-topic-partitions']));
  });

  it('kafka-producer-perf-test and kafka-consumer-perf-test', async () => {
    const produced = ok('producer perf', await tool('kafka-producer-perf-test.sh', ['--topic', 'java-perf', '--num-records', '20000', '--record-size', '100',
      '--throughput', '-1', '--producer-props', `bootstrap.servers=${b}`, 'acks=all']));
    assert.match(produced, /20000 records sent/);
    const args = ['--topic', 'java-perf', '--messages', '20000', '--timeout', '30000'];
    let consumed = await tool('kafka-consumer-perf-test.sh', ['--bootstrap-server', b, ...args]);
    if (consumed.code !== 0 && /bootstrap-server is not a recognized option/.test(consumed.stdout + consumed.stderr)) {
      consumed = await tool('kafka-consumer-perf-test.sh', ['--broker-list', b, ...args]);
    }
    const data = lines(ok('consumer perf', consumed)).filter((l) => /^\d{4}-\d\d-\d\d/.test(l));
    assert.equal(data.length, 1);
    assert.equal(data[0]!.split(',').map((s) => s.trim())[4], '20000');
  });

  it('kafka-transactions lists transactions (distributions that have the tool)', async (t) => {
    if (!existsSync(join(KAFKA_HOME!, 'bin', 'kafka-transactions.sh'))) {
      t.skip('this distribution has no kafka-transactions.sh (Kafka 3.0+)');
      return;
    }
    ok('list', await tool('kafka-transactions.sh', ['--bootstrap-server', b, 'list']));
  });

  async function firstNonEmptyPartition(): Promise<number> {
    const out = ok('offsets', await tool('kafka-run-class.sh', ['kafka.tools.GetOffsetShell', '--broker-list', b, '--topic', topic, '--time', '-1']));
    const row = lines(out).map((l) => l.split(':')).find((c) => Number(c[2]) > 1);
    assert.ok(row, out);
    return Number(row[1]);
  }
});
