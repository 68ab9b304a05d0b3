/**
 * The command line for the new group protocols: kafka-configs on a group (share.auto.offset.reset),
 * kafka-console-share-consumer reading a topic as a share group (two runs in one group take
 * disjoint records; --release gives records back), kafka-share-groups --list/--describe/--delete
 * and `gregor share-groups`, and kafka-console-consumer with group.protocol=consumer, whose group
 * kafka-consumer-groups lists and describes while share groups stay out of its list.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { expectOk, gregor, lines, parseTable, startGregor } from '../../support/cli.js';

describe('share groups and the consumer protocol on the command line', () => {
  let broker: TestBroker;
  let b: string;

  before(async () => {
    broker = await startTestBroker({ 'group.share.heartbeat.interval.ms': '200', 'group.consumer.heartbeat.interval.ms': '200', 'group.consumer.min.heartbeat.interval.ms': '100' });
    b = broker.bootstrap;
    expectOk('create', await gregor(['kafka-topics', '--bootstrap-server', b, '--create', '--topic', 'jobs', '--partitions', '1']));
    expectOk('produce', await gregor(['produce', 'jobs', '-b', b], { input: Array.from({ length: 10 }, (_, i) => `job-${i}`).join('\n') + '\n' }));
  });
  after(async () => {
    await broker?.stop();
  });

  it('sets a group setting, shares a topic out between runs, and describes the share group', async () => {
    expectOk('configs', await gregor(['kafka-configs', '--bootstrap-server', b, '--entity-type', 'groups', '--entity-name', 'workers', '--alter', '--add-config', 'share.auto.offset.reset=earliest']));
    const described = expectOk('describe configs', await gregor(['kafka-configs', '--bootstrap-server', b, '--entity-type', 'groups', '--entity-name', 'workers', '--describe']));
    assert.match(described.stdout, /share\.auto\.offset\.reset=earliest/);
    const bad = await gregor(['kafka-configs', '--bootstrap-server', b, '--entity-type', 'groups', '--entity-name', 'workers', '--alter', '--add-config', 'share.auto.offset.reset=never']);
    assert.equal(bad.code, 1);

    // a first run gives back what it takes (--release): the next run gets the same records again
    const released = expectOk('release run', await gregor(['kafka-console-share-consumer', '--bootstrap-server', b, '--topic', 'jobs', '--group', 'workers', '--max-messages', '3', '--release', '--timeout-ms', '5000']));
    assert.equal(lines(released.stdout).length, 3);
    // a member that stays: while it runs, the group is listed and described with it
    const live = startGregor(['kafka-console-share-consumer', '--bootstrap-server', b, '--topic', 'jobs', '--group', 'workers', '--property', 'print.delivery.count=true']);
    try {
      await live.waitForOutput((out) => lines(out).length === 10, 'all ten jobs');
      const got = lines(live.stdout());
      assert.deepEqual(got.map((l) => l.split('\t')[1]).sort(), Array.from({ length: 10 }, (_, i) => `job-${i}`).sort());
      // the first run acquired the whole batch and released it all (printed or not): a second delivery each
      assert.equal(got.filter((l) => l.startsWith('DeliveryCount:2')).length, 10, got.join('\n'));
      const [list, desc, native] = await Promise.all([
        gregor(['kafka-share-groups', '--bootstrap-server', b, '--list']),
        gregor(['kafka-share-groups', '--bootstrap-server', b, '--describe', '--group', 'workers']),
        gregor(['share-groups', 'describe', 'workers', '-b', b, '--state']),
      ]);
      assert.deepEqual(lines(expectOk('list', list).stdout), ['workers']);
      const members = parseTable(expectOk('describe', desc).stdout, 'GROUP');
      assert.equal(members.length, 1);
      assert.equal(members[0]!.ASSIGNMENT, 'jobs:0');
      assert.equal(parseTable(expectOk('state', native).stdout, 'GROUP')[0]?.STATE, 'Stable');
      const consumerGroups = expectOk('consumer groups', await gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--list']));
      assert.ok(!lines(consumerGroups.stdout).includes('workers'), 'share groups are not consumer groups');
    } finally {
      const exit = await live.stop('SIGTERM');
      assert.equal(exit.code, 0, live.stderr());
    }
    // once the member has left, the group can be deleted
    const deleted = expectOk('delete', await gregor(['kafka-share-groups', '--bootstrap-server', b, '--delete', '--group', 'workers']));
    assert.match(deleted.stdout, /Deletion of requested share groups \('workers'\) was successful/);
    assert.deepEqual(lines(expectOk('list after delete', await gregor(['share-groups', 'list', '-b', b])).stdout), []);
  });

  it('kafka-console-consumer joins with group.protocol=consumer', async () => {
    const c = expectOk('consume', await gregor(['kafka-console-consumer', '--bootstrap-server', b, '--topic', 'jobs', '--group', 'new-protocol', '--from-beginning',
      '--max-messages', '10', '--consumer-property', 'group.protocol=consumer']));
    assert.equal(lines(c.stdout).length, 10);
    const state = expectOk('describe', await gregor(['kafka-consumer-groups', '--bootstrap-server', b, '--describe', '--group', 'new-protocol']));
    const rows = parseTable(state.stdout, 'GROUP');
    assert.deepEqual(rows.map((r) => [r.TOPIC, r.PARTITION, r['CURRENT-OFFSET'], r.LAG]), [['jobs', '0', '10', '0']]);
  });
});
