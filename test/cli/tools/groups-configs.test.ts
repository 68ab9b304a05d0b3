/**
 * kafka-consumer-groups, kafka-configs and kafka-topics --alter/--delete against a broker started
 * here, in Kafka's and in Gregor's spellings, with every outcome checked through another client
 * (kafkajs's admin, kcat):
 *
 *   - after a group consumed part of a topic, --describe shows the committed offsets, the log end
 *     offsets and the lag per partition, and --list names the group;
 *   - while a member is consuming, --describe names it and --reset-offsets refuses;
 *   - --reset-offsets --to-earliest is a dry run until --execute, after which the group's
 *     consumer reads the topic from the start again; --delete removes the group;
 *   - kafka-configs --alter --add-config/--delete-config change what kafkajs describes;
 *   - kafka-topics --alter --partitions adds partitions and --delete removes the topic.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatMetadata, kcatMissing } from '../../support/clients/kcat.js';
import type { RunResult } from '../../support/clients/process.js';
import { endOffsets, expectOk, gregor, lines, parseTable, startGregor, withKafkajsAdmin } from '../../support/cli.js';

const skip = kcatMissing() ?? false;
if (skip) console.log(`# groups-configs.test: skipped: ${skip}`);

interface LagRow { topic: string; partition: number; currentOffset: number | null; logEndOffset: number; lag: number | null; consumerId: string | null }

async function committed(bootstrap: string, group: string, topic: string): Promise<Map<number, number>> {
  return withKafkajsAdmin(bootstrap, async (admin) => {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  });
}

describe('consumer groups, configs, topic changes', { skip }, () => {
  let broker: TestBroker;
  let b: string;

  before(async () => {
    broker = await startTestBroker();
    b = broker.bootstrap;
  });
  after(async () => {
    await broker?.stop();
  });

  /** Lines to one partition of a topic with the console producer's --partition. */
  async function produceTo(topic: string, partition: number, values: string[]): Promise<void> {
    expectOk('produce', await gregor(['produce', topic, '-b', b, '--partition', String(partition)], { input: values.join('\n') + '\n' }));
  }

  describe('kafka-consumer-groups', () => {
    const topic = 'orders';
    const group = 'billing';

    before(async () => {
      expectOk('create', await gregor(['kafka-topics', '--bootstrap-server', b, '--create', '--topic', topic, '--partitions', '2']));
      await Promise.all([produceTo(topic, 0, ['o0-0', 'o0-1', 'o0-2']), produceTo(topic, 1, ['o1-0', 'o1-1', 'o1-2'])]);
      // The group reads all six (and commits on close), then more arrive: the group has consumed
      // part of the topic.
      const c = expectOk('consume', await gregor(['kafka-console-consumer', '--bootstrap-server', b, '--topic', topic, '--group', group, '--from-beginning', '--max-messages', '6']));
      assert.deepEqual(lines(c.stdout).sort(), ['o0-0', 'o0-1', 'o0-2', 'o1-0', 'o1-1', 'o1-2']);
      await Promise.all([produceTo(topic, 0, ['o0-3', 'o0-4']), produceTo(topic, 1, ['o1-3'])]);
    });

    it('--list names the group', async () => {
      const [r, g] = await Promise.all([gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--list']), gregor(['groups', 'list', '-b', b])]);
      assert.ok(lines(expectOk('list', r).stdout).includes(group), r.stdout);
      assert.ok(lines(expectOk('groups list', g).stdout).includes(group), g.stdout);
    });

    it('--describe shows committed offsets, log end offsets and lag per partition', async () => {
      const [r, json] = (await Promise.all([
        gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--describe', '--group', group]),
        gregor(['groups', 'describe', group, '-b', b, '--json']),
      ])).map((x, i) => expectOk(`describe ${i}`, x)) as [RunResult, RunResult];
      assert.match(r.stdout, /Consumer group 'billing' has no active members\./);
      const rows = parseTable(r.stdout, 'GROUP').map((row) => [row.TOPIC, row.PARTITION, row['CURRENT-OFFSET'], row['LOG-END-OFFSET'], row.LAG, row['CONSUMER-ID']]);
      assert.deepEqual(rows, [[topic, '0', '3', '5', '2', '-'], [topic, '1', '3', '4', '1', '-']]);
      // The same figures from kafkajs: what the group committed and where the logs end.
      assert.deepEqual([...(await committed(b, group, topic))].sort(), [[0, 3], [1, 3]]);
      assert.deepEqual([...(await endOffsets(b, topic))].sort(), [[0, 5], [1, 4]]);
      // Gregor's spelling, as JSON.
      const j = JSON.parse(json.stdout) as { group: string; state: string; partitions: LagRow[] }[];
      assert.equal(j.length, 1);
      assert.equal(j[0]!.state, 'Empty');
      assert.deepEqual(j[0]!.partitions.map((p) => [p.partition, p.currentOffset, p.logEndOffset, p.lag]), [[0, 3, 5, 2], [1, 3, 4, 1]]);
    });

    it('with a member consuming: --describe names it, --reset-offsets refuses', async () => {
      const live = startGregor(['consume', topic, '-b', b, '--group', 'live-group', '--from-beginning', '--follow']);
      try {
        await live.waitForOutput((out) => lines(out).length === 9, 'the live member reading the topic');
        const [members, state, reset] = await Promise.all([
          gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--describe', '--group', 'live-group', '--members']),
          gregor(['groups', 'describe', 'live-group', '-b', b, '--state']),
          gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--group', 'live-group', '--reset-offsets', '--to-earliest', '--topic', topic, '--execute']),
        ]);
        const m = parseTable(expectOk('members', members).stdout, 'GROUP');
        assert.equal(m.length, 1, members.stdout);
        assert.equal(m[0]!['#PARTITIONS'], '2');
        assert.notEqual(m[0]!['CONSUMER-ID'], '-');
        assert.equal(parseTable(expectOk('state', state).stdout, 'GROUP')[0]?.STATE, 'Stable');
        assert.equal(reset.code, 1);
        assert.equal(lines(reset.stderr).length, 1);
        assert.match(reset.stderr, /inactive.*Stable/);
      } finally {
        const exit = await live.stop('SIGTERM');
        assert.equal(exit.code, 0, live.stderr());
      }
      assert.match(live.stderr(), /Processed a total of 9 messages/);
    });

    it('--reset-offsets --to-earliest: a dry run first, then --execute, and the group reads from the start', async () => {
      const dry = expectOk('dry run', await gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--group', group, '--reset-offsets', '--to-earliest', '--topic', topic]));
      assert.deepEqual(parseTable(dry.stdout, 'GROUP').map((r) => [r.PARTITION, r['NEW-OFFSET']]), [['0', '0'], ['1', '0']]);
      assert.deepEqual([...(await committed(b, group, topic))].sort(), [[0, 3], [1, 3]], 'a dry run changes nothing');

      const done = expectOk('execute', await gregor(['groups', 'reset-offsets', group, '-b', b, '--to-earliest', '--topic', topic, '--execute']));
      assert.deepEqual(parseTable(done.stdout, 'GROUP').map((r) => [r.PARTITION, r['NEW-OFFSET']]), [['0', '0'], ['1', '0']]);
      assert.deepEqual([...(await committed(b, group, topic))].sort(), [[0, 0], [1, 0]]);

      // No --from-beginning: the group's committed position is where it starts.
      const again = expectOk('re-read', await gregor(['consume', topic, '-b', b, '--group', group, '--max-messages', '9']));
      assert.deepEqual(lines(again.stdout).sort(), ['o0-0', 'o0-1', 'o0-2', 'o0-3', 'o0-4', 'o1-0', 'o1-1', 'o1-2', 'o1-3']);
      assert.deepEqual([...(await committed(b, group, topic))].sort(), [[0, 5], [1, 4]]);
      const d = expectOk('describe', await gregor(['groups', 'describe', group, '-b', b]));
      assert.deepEqual(parseTable(d.stdout, 'GROUP').map((r) => r.LAG), ['0', '0']);
    });

    it('--delete removes the group', async () => {
      const r = expectOk('delete', await gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--delete', '--group', group]));
      assert.match(r.stdout, /Deletion of requested consumer groups \('billing'\) was successful\./);
      const listed = await withKafkajsAdmin(b, (admin) => admin.listGroups());
      assert.ok(!listed.groups.some((g) => g.groupId === group), 'kafkajs no longer lists it');
      assert.ok(!lines(expectOk('list', await gregor(['groups', 'list', '-b', b])).stdout).includes(group));
      const gone = await gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--describe', '--group', group]);
      assert.equal(gone.code, 1);
      assert.equal(gone.stderr.trim(), "Error: Consumer group 'billing' does not exist.");
    });
  });

  describe('kafka-configs', () => {
    const topic = 'settings';

    async function kafkajsConfig(name: string): Promise<{ value: string; isDefault: boolean }> {
      return withKafkajsAdmin(b, async (admin) => {
        const r = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: [name] }] });
        const e = r.resources[0]!.configEntries.find((x) => x.configName === name)!;
        return { value: e.configValue, isDefault: e.isDefault };
      });
    }

    before(async () => {
      expectOk('create', await gregor(['topics', 'create', topic, '-b', b]));
    });

    it('--alter --add-config sets topic configs that kafkajs and --describe then show', async () => {
      const r = expectOk('alter', await gregor(['kafka-configs', '--bootstrap-server', b, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', 'retention.ms=86400000,max.message.bytes=2000000']));
      assert.equal(r.stdout.trim(), `Completed updating config for topic ${topic}.`);
      assert.deepEqual(await kafkajsConfig('retention.ms'), { value: '86400000', isDefault: false });
      assert.deepEqual(await kafkajsConfig('max.message.bytes'), { value: '2000000', isDefault: false });

      const [d, json, t] = (await Promise.all([
        gregor(['kafka-configs', '--bootstrap-server', b, '--entity-type', 'topics', '--entity-name', topic, '--describe']),
        gregor(['configs', 'describe', topic, '-b', b, '--json']),
        gregor(['topics', 'describe', topic, '-b', b]),
      ])).map((x, i) => expectOk(`describe ${i}`, x)) as [RunResult, RunResult, RunResult];
      assert.equal(lines(d.stdout)[0], `Dynamic configs for topic ${topic} are:`);
      assert.match(d.stdout, /^ {2}retention\.ms=86400000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=86400000.*\}$/m);
      assert.match(d.stdout, /^ {2}max\.message\.bytes=2000000 /m);
      const j = JSON.parse(json.stdout) as { name: string; value: string; source: string }[];
      assert.deepEqual(j.map((e) => [e.name, e.value, e.source]).sort(), [['max.message.bytes', '2000000', 'DYNAMIC_TOPIC_CONFIG'], ['retention.ms', '86400000', 'DYNAMIC_TOPIC_CONFIG']]);
      // kafka-topics --describe lists the overrides too.
      assert.match(lines(t.stdout)[0]!, /\tConfigs: max\.message\.bytes=2000000,retention\.ms=86400000$/);
    });

    it('--alter --delete-config returns a setting to its default', async () => {
      expectOk('delete-config', await gregor(['configs', 'alter', topic, '-b', b, '--delete-config', 'retention.ms']));
      const after = await kafkajsConfig('retention.ms');
      assert.equal(after.isDefault, true);
      assert.equal(after.value, String(7 * 24 * 3600 * 1000), 'the broker default, log.retention.hours=168');
      assert.deepEqual(await kafkajsConfig('max.message.bytes'), { value: '2000000', isDefault: false }, 'the other override stays');
      const d = expectOk('describe', await gregor(['configs', 'describe', topic, '-b', b]));
      assert.doesNotMatch(d.stdout, /retention\.ms/);
      assert.match(d.stdout, /max\.message\.bytes=2000000/);
    });

    it('an invalid config or an unknown topic fails with one line and exit 1', async () => {
      const [bad, missing] = await Promise.all([
        gregor(['kafka-configs', '--bootstrap-server', b, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', 'no.such.setting=1']),
        gregor(['configs', 'describe', 'no-such-topic', '-b', b]),
      ]);
      assert.equal(bad.code, 1);
      assert.equal(lines(bad.stderr).length, 1);
      assert.match(bad.stderr, /no\.such\.setting/);
      assert.equal(missing.code, 1);
      assert.equal(lines(missing.stderr).length, 1);
      assert.match(missing.stderr, /no-such-topic/);
    });
  });

  describe('kafka-topics --alter and --delete', () => {
    it('--alter --partitions adds partitions', async () => {
      expectOk('create', await gregor(['kafka-topics', '--bootstrap-server', b, '--create', '--topic', 'growing', '--partitions', '2']));
      const r = expectOk('alter', await gregor(['kafka-topics', '--bootstrap-server', b, '--alter', '--topic', 'growing', '--partitions', '5']));
      assert.match(r.stdout, /growing/);
      const md = await kcatMetadata(b, 'growing');
      assert.deepEqual(md.topics.find((t) => t.topic === 'growing')!.partitions.map((p) => p.partition).sort(), [0, 1, 2, 3, 4]);
      const [d, shrink, dup] = await Promise.all([
        gregor(['topics', 'describe', 'growing', '-b', b]),
        // Fewer partitions than now is refused, and so is creating it again; one line each.
        gregor(['topics', 'alter', 'growing', '-b', b, '--partitions', '3']),
        gregor(['kafka-topics', '--bootstrap-server', b, '--create', '--topic', 'growing']),
      ]);
      assert.match(expectOk('describe', d).stdout, /PartitionCount: 5\t/);
      assert.equal(dup.code, 1);
      assert.deepEqual(lines(dup.stderr).length, 1, dup.stderr);
      assert.match(dup.stderr, /already exists/);
      assert.equal(shrink.code, 1);
      assert.equal(lines(shrink.stderr).length, 1, shrink.stderr);
    });

    it('--delete removes the topic', async () => {
      expectOk('create', await gregor(['topics', 'create', 'doomed', '-b', b, '--partitions', '1']));
      expectOk('delete', await gregor(['kafka-topics', '--bootstrap-server', b, '--delete', '--topic', 'doomed']));
      const md = await kcatMetadata(b);
      assert.ok(!md.topics.some((t) => t.topic === 'doomed'), 'kcat no longer sees it');
      const [list, again, ifExists] = await Promise.all([
        gregor(['topics', 'list', '-b', b]),
        gregor(['topics', 'delete', 'doomed', '-b', b]),
        gregor(['topics', 'delete', 'doomed', '-b', b, '--if-exists']),
      ]);
      assert.ok(!lines(expectOk('list', list).stdout).includes('doomed'));
      assert.equal(again.code, 1);
      assert.equal(lines(again.stderr).length, 1, again.stderr);
      expectOk('--if-exists', ifExists);
    });
  });
});
