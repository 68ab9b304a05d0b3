/**
 * What scripts and people rely on, without a broker:
 *
 *   - --help on every kafka-*.sh executable, every tool through `gregor`, and every Gregor
 *     command exits 0 and shows examples;
 *   - a broker that is not there gives exactly one line on stderr, naming the address and
 *     `gregor serve`, and exit code 1, from every tool and every Gregor command;
 *   - bad usage (a missing required option, an unknown or ambiguous option, a missing action,
 *     an unknown command) gives exactly one line naming the problem and exit code 2, before any
 *     connection is attempted.
 *
 * Exit codes: 0 success, 1 failure, 2 usage error (src/cli/support/output.ts).
 */
import { before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../support/clients/process.js';
import { gregor, inParallel, KAFKA_BIN_DIR, kafkaScripts, lines, sh, unusedPort } from '../../support/cli.js';
import { startTestBroker } from '../../support/broker.js';

const PARALLEL = 3;

function show(what: string, r: RunResult): string {
  return `${what}: exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** The lines under "Examples:" in a help text. */
function examples(help: string): string[] {
  const all = help.split('\n');
  const at = all.findIndex((l) => /^Examples:\s*$/.test(l));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of all.slice(at + 1)) {
    if (!/^\s+\S/.test(l)) break;
    out.push(l.trim());
  }
  return out;
}

describe('--help', () => {
  const scripts = kafkaScripts();

  it('bin/kafka has every Kafka tool Gregor implements, and kafka-server-start', () => {
    assert.deepEqual(scripts, [
      'kafka-acls.sh', 'kafka-configs.sh', 'kafka-console-consumer.sh', 'kafka-console-producer.sh', 'kafka-console-share-consumer.sh', 'kafka-consumer-groups.sh',
      'kafka-consumer-perf-test.sh', 'kafka-producer-perf-test.sh', 'kafka-reassign-partitions.sh', 'kafka-server-start.sh', 'kafka-share-groups.sh', 'kafka-topics.sh',
    ]);
  });

  it('every kafka-*.sh --help exits 0 and shows examples of that tool; gregor <tool> --help shows the same', async () => {
    await inParallel(scripts, PARALLEL, async (script) => {
      const tool = script.replace(/\.sh$/, '');
      const r = await sh(`./${script} --help`, { cwd: KAFKA_BIN_DIR });
      assert.equal(r.code, 0, show(script, r));
      assert.equal(r.stderr, '', show(script, r));
      const ex = examples(r.stdout);
      assert.ok(ex.length >= 1, show(`${script}: examples`, r));
      const mention = tool === 'kafka-server-start' ? /gregor serve/ : new RegExp(`^(echo .*\\| )?${tool}(\\.sh)? `);
      assert.ok(ex.every((e) => mention.test(e)), `${script}: every example runs the tool: ${ex.join(' / ')}`);
      if (tool !== 'kafka-server-start') {
        const g = await gregor([tool, '--help']);
        assert.equal(g.code, 0, show(`gregor ${tool}`, g));
        assert.equal(g.stdout, r.stdout, `gregor ${tool} --help is the same text`);
        // Every option is documented.
        assert.match(r.stdout, /--bootstrap-server <host:port/);
      }
    });
  });

  it('gregor --help and every Gregor command\'s --help exit 0 and show examples of that command', async () => {
    const cases: [string[], RegExp][] = [
      [['--help'], /^(echo .*\| )?(gregor|kafka-\S+) /],
      [['serve', '--help'], /^gregor serve/],
      [['topics', '--help'], /^gregor topics (create|list|describe|alter|delete)\b/],
      [['topics', 'create', '--help'], /^gregor topics /],
      [['produce', '--help'], /^(echo .*\| )?gregor produce \S+/],
      [['consume', '--help'], /^gregor consume \S+/],
      [['groups', '--help'], /^gregor groups (list|describe|delete|reset-offsets)\b/],
      [['groups', 'describe', '-h'], /^gregor groups /],
      [['configs', '--help'], /^gregor configs (describe|alter) \S+/],
      [['perf', '--help'], /^gregor perf (produce|consume) \S+/],
      [['perf', 'consume', '--help'], /^gregor perf /],
    ];
    const results = await inParallel(cases, PARALLEL, async ([args, mention]) => {
      const what = `gregor ${args.join(' ')}`;
      const r = await gregor(args);
      assert.equal(r.code, 0, show(what, r));
      assert.equal(r.stderr, '', show(what, r));
      const ex = examples(r.stdout);
      assert.ok(ex.length >= 1, show(`${what}: examples`, r));
      assert.ok(ex.every((e) => mention.test(e)), `${what}: examples ${JSON.stringify(ex)}`);
      return r;
    });
    // The top-level help names every command.
    const top = results[0]!;
    for (const c of ['serve', 'topics', 'produce', 'consume', 'groups', 'configs', 'perf', 'kafka-topics', 'kafka-console-producer', 'kafka-console-consumer', 'kafka-consumer-groups', 'kafka-configs', 'kafka-producer-perf-test', 'kafka-consumer-perf-test']) {
      assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'), `gregor --help lists ${c}`);
    }
  });
});

describe('no broker there', () => {
  let b: string;
  before(async () => {
    b = `127.0.0.1:${await unusedPort()}`;
  });

  it('every tool and Gregor command says, in one line, that it cannot reach the address and how to start a broker; exit 1', async () => {
    const cases: { args: string[]; input?: string }[] = [
      { args: ['kafka-topics', '--list', '--bootstrap-server', b] },
      { args: ['kafka-console-producer', '--topic', 't', '--broker-list', b], input: 'a line\n' },
      { args: ['kafka-console-consumer', '--topic', 't', '--from-beginning', '--bootstrap-server', b] },
      { args: ['kafka-consumer-groups', '--list', '--bootstrap-server', b] },
      { args: ['kafka-configs', '--describe', '--entity-type', 'topics', '--entity-name', 't', '--bootstrap-server', b] },
      { args: ['kafka-producer-perf-test', '--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--producer-props', `bootstrap.servers=${b}`] },
      { args: ['kafka-consumer-perf-test', '--topic', 't', '--messages', '10', '--bootstrap-server', b] },
      { args: ['topics', 'list', '-b', b] },
      { args: ['produce', 't', '-b', b], input: 'a line\n' },
      { args: ['consume', 't', '-b', b] },
      { args: ['groups', 'describe', 'g', '-b', b] },
      { args: ['perf', 'produce', 't', '--num-records', '10', '-b', b] },
    ];
    await inParallel(cases, PARALLEL, async ({ args, input }) => {
      const what = `gregor ${args.join(' ')}`;
      const started = Date.now();
      const r = await gregor(args, { input, timeoutMs: 20_000 });
      assert.equal(r.code, 1, show(what, r));
      assert.equal(r.stdout, '', show(what, r));
      assert.equal(lines(r.stderr).length, 1, show(what, r));
      assert.match(r.stderr, new RegExp(`cannot reach ${b.replace(/\./g, '\\.')}\\b.*gregor serve`), show(what, r));
      assert.ok(Date.now() - started < 15_000, `${what}: gave up in ${Date.now() - started} ms`);
    });
  });

  it('through the kafka-*.sh executables too', async () => {
    const r = await sh(`./kafka-console-consumer.sh --topic t --bootstrap-server ${b}`, { cwd: KAFKA_BIN_DIR });
    assert.equal(r.code, 1, show('kafka-console-consumer.sh', r));
    assert.deepEqual(lines(r.stderr), [`kafka-console-consumer: cannot reach ${b} — is the broker running? (start one with: gregor serve)`]);
  });
});

describe('bad usage', () => {
  let b: string;
  before(async () => {
    // Nothing listens here: a tool that tried to connect would fail with exit 1, not 2.
    b = `127.0.0.1:${await unusedPort()}`;
  });

  it('gives exit code 2 and one line naming the problem, without connecting', async () => {
    const cases: [string[], RegExp][] = [
      [['kafka-console-producer', '--bootstrap-server', b], /^kafka-console-producer: missing required option --topic /],
      [['kafka-topics', '--create', '--bootstrap-server', b], /^kafka-topics: missing required option --topic /],
      [['kafka-topics', '--create', '--topic', 't', '--partitions', 'three', '--bootstrap-server', b], /^kafka-topics: --partitions must be a positive whole number, not 'three' /],
      [['kafka-topics', '--list', '--no-such-option', '--bootstrap-server', b], /^kafka-topics: unknown option --no-such-option /],
      [['kafka-topics', '--bootstrap-server', b], /^kafka-topics: exactly one of --create, --list, --describe, --alter, --delete is needed /],
      [['kafka-consumer-groups', '--de', '--group', 'g', '--bootstrap-server', b], /^kafka-consumer-groups: option --de is ambiguous: --describe, --delete, --delete-offsets /],
      [['kafka-consumer-groups', '--describe', '--bootstrap-server', b], /^kafka-consumer-groups: --describe needs --group or --all-groups /],
      [['kafka-configs', '--entity-type', 'topics', '--entity-name', 't', '--bootstrap-server', b], /^kafka-configs: exactly one of --describe or --alter is needed /],
      [['kafka-producer-perf-test', '--topic', 't', '--bootstrap-server', b], /^kafka-producer-perf-test: --topic and a positive --num-records are required /],
      [['kafka-consumer-perf-test', '--bootstrap-server', b], /^kafka-consumer-perf-test: --topic and a positive --messages are required /],
      [['produce', '-b', b], /^gregor produce: a topic is needed/],
      [['consume', 't', '--bogus', '-b', b], /^kafka-console-consumer: unknown option --bogus /],
      [['topics', 'frob', '-b', b], /^gregor topics: unknown action 'frob' \(create, list, describe, alter, delete\)/],
      [['perf', 'frob'], /^gregor perf: unknown action 'frob' \(produce, consume\)/],
      [['frobnicate'], /^gregor: unknown command 'frobnicate' /],
      [['serve', '--bogus'], /^gregor serve: unknown option --bogus /],
    ];
    await inParallel(cases, PARALLEL, async ([args, expected]) => {
      const what = `gregor ${args.join(' ')}`;
      const r = await gregor(args);
      assert.equal(r.code, 2, show(what, r));
      assert.equal(r.stdout, '', show(what, r));
      assert.equal(lines(r.stderr).length, 1, show(what, r));
      assert.match(r.stderr, expected, show(what, r));
      assert.match(r.stderr, /\(see '[^']+ --help'( for the list)?\)\n$/, `${what}: points at --help`);
    });
  });

  it('through the kafka-*.sh executables too', async () => {
    const r = await sh('./kafka-topics.sh --create --partitions 3', { cwd: KAFKA_BIN_DIR });
    assert.equal(r.code, 2, show('kafka-topics.sh', r));
    assert.deepEqual(lines(r.stderr), ["kafka-topics: missing required option --topic (see 'kafka-topics --help')"]);
  });
});

test('kafka-topics --json lists and describes topics for scripts', async () => {
  const broker = await startTestBroker();
  try {
    const created = await gregor(['topics', 'create', 'json-topic', '--partitions', '2', '--config', 'retention.ms=1000', '-b', broker.bootstrap]);
    assert.equal(created.code, 0, created.stderr);
    const listed = JSON.parse((await gregor(['topics', 'list', '--json', '-b', broker.bootstrap])).stdout) as string[];
    assert.ok(listed.includes('json-topic'));
    const [described] = JSON.parse((await gregor(['topics', 'describe', 'json-topic', '--json', '-b', broker.bootstrap])).stdout) as { name: string; partitions: unknown[]; configs: Record<string, string> }[];
    assert.equal(described!.name, 'json-topic');
    assert.equal(described!.partitions.length, 2);
    assert.deepEqual(described!.configs, { 'retention.ms': '1000' });
  } finally {
    await broker.stop();
  }
});
