/**
 * The etcd metadata store against a real etcd started by the test (127.0.0.1, temporary data):
 * views that follow each other's writes in order, compare-and-swap conflicts (a topic created
 * twice, stale partition epochs, racing writers on one topic), the controller fence, leases (a
 * broker killed by pid disappears after its lease; a second broker with the same node id is
 * refused), controller failover, producer-id blocks that never overlap, dynamic broker configs,
 * and a watch that resumes after etcd restarts. Skipped, with the reason printed, without etcd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EtcdMetadataStore } from '../../src/cluster/etcd/etcd-metadata-store.js';
import { DuplicateBrokerError } from '../../src/cluster/etcd/broker-registration.js';
import { NotControllerError } from '../../src/cluster/etcd/controller-election.js';
import { StaleMetadataError, type TopicMetadata } from '../../src/broker/metadata/metadata-store.js';
import { silentLogger } from '../../src/common/logger.js';
import { etcdMissing, startEtcd, type TestEtcd } from '../support/etcd.js';
import { startBackground, projectRoot, type Background } from '../support/clients/process.js';
import { waitFor } from '../support/clients/wait.js';

const missing = etcdMissing();
if (missing) console.log(`skipping the etcd store tests: ${missing}`);

const SESSION_MS = 2000;
let prefixCounter = 0;

function topic(name: string, partitions = 3): TopicMetadata {
  return {
    name, topicId: `id-${name}`.padEnd(22, 'x').slice(0, 22), internal: false, configs: {},
    partitions: Array.from({ length: partitions }, (_, partition) => ({ partition, replicas: [1], isr: [1], leader: 1, leaderEpoch: 0, partitionEpoch: 0 })),
  };
}

describe('EtcdMetadataStore', { skip: missing ?? false }, () => {
  let etcd: TestEtcd;
  const open: EtcdMetadataStore[] = [];
  const children: Background[] = [];

  async function store(nodeId: number, prefix: string): Promise<EtcdMetadataStore> {
    const s = await EtcdMetadataStore.open({
      endpoints: [etcd.endpoint], prefix, proposedClusterId: `cluster-${prefix}`.padEnd(22, '0').slice(0, 22),
      self: { nodeId, host: '127.0.0.1', port: 9000 + nodeId, rack: null },
      sessionTimeoutMs: SESSION_MS, requestTimeoutMs: 2000, logger: silentLogger(),
    });
    open.push(s);
    return s;
  }

  async function controller(s: EtcdMetadataStore): Promise<void> {
    await new Promise<void>((resolve) => s.election.campaign(resolve, () => undefined));
  }

  function child(nodeId: number, prefix: string, campaign: boolean): Background {
    const main = join(projectRoot(), 'dist', 'test', 'support', 'etcd-store-main.js');
    const c = startBackground(process.execPath, [main, JSON.stringify({ endpoint: etcd.endpoint, prefix, nodeId, sessionTimeoutMs: SESSION_MS, campaign })], { timeoutMs: 120_000 });
    children.push(c);
    return c;
  }

  async function killChild(c: Background): Promise<void> {
    process.kill(c.child.pid!, 'SIGKILL');
    await c.exited;
  }

  function newPrefix(): string {
    return `/gregor-test/${process.pid}-${prefixCounter++}`;
  }

  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    for (const c of children) await c.stop();
    for (const s of open) await s.close().catch(() => undefined);
    await etcd?.stop();
  });

  it('two brokers share a cluster id; a topic the controller creates reaches the other view with the same contents', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    const b = await store(2, prefix);
    assert.equal(a.clusterId, b.clusterId);
    await controller(a);
    await waitFor(() => b.controllerId() === 1, { what: 'b to see the controller' });
    const changes: string[] = [];
    b.onChange((c) => { if (c.kind === 'topic') changes.push(`${c.name}:${c.after ? 'put' : 'delete'}`); });
    await a.createTopic(topic('orders'));
    assert.deepEqual(a.topic('orders'), topic('orders'), 'the writer sees its write when the call resolves');
    await b.waitFor(() => b.topic('orders') !== undefined, 5000);
    assert.deepEqual(b.topic('orders'), topic('orders'));
    await a.setTopicConfigs('orders', { 'retention.ms': '1000' });
    await a.deleteTopic('orders');
    await b.waitFor(() => b.topic('orders') === undefined, 5000);
    assert.deepEqual(changes, ['orders:put', 'orders:put', 'orders:delete'], 'changes arrive in order');
  });

  it('compare-and-swap: a second create loses, a stale partition epoch is refused, racing writers on one topic both land, a non-controller cannot write', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    const b = await store(2, prefix);
    await controller(a);
    await a.createTopic(topic('t', 4));
    await assert.rejects(a.createTopic(topic('t', 4)), StaleMetadataError);
    await assert.rejects(b.createTopic(topic('u')), NotControllerError);
    await b.waitFor(() => b.topic('t') !== undefined, 5000);
    const p = (s: EtcdMetadataStore, i: number) => s.topic('t')!.partitions[i]!;
    const isr = (s: EtcdMetadataStore, i: number, to: number[]) => ({ expectedEpoch: p(s, i).partitionEpoch, next: { ...p(s, i), isr: to, partitionEpoch: p(s, i).partitionEpoch + 1 } });
    // different partitions of one topic from two brokers at once: both land (the loser retries)
    await Promise.all([a.updatePartitions('t', [isr(a, 0, [1, 2])]), b.updatePartitions('t', [isr(b, 1, [1, 3])])]);
    await b.waitFor(() => p(b, 0).partitionEpoch === 1 && p(b, 1).partitionEpoch === 1, 5000);
    assert.deepEqual([p(b, 0).isr, p(b, 1).isr], [[1, 2], [1, 3]]);
    // the same partition at the same epoch: exactly one wins
    const racing = await Promise.allSettled([a.updatePartitions('t', [isr(a, 2, [1, 2])]), b.updatePartitions('t', [isr(b, 2, [1, 3])])]);
    assert.deepEqual(racing.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.ok((racing.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason instanceof StaleMetadataError);
    await assert.rejects(a.updatePartitions('t', [{ expectedEpoch: 0, next: { ...p(a, 0), isr: [1] } }]), StaleMetadataError);
  });

  it('producer ids: concurrent reservations from several brokers never overlap', async () => {
    const prefix = newPrefix();
    const stores = await Promise.all([1, 2, 3].map((id) => store(id, prefix)));
    const starts = await Promise.all(stores.flatMap((s) => [0, 1, 2, 3].map(() => s.allocateProducerIds(1000))));
    const sorted = starts.map(Number).sort((x, y) => x - y);
    assert.deepEqual(sorted, Array.from({ length: 12 }, (_, i) => i * 1000));
  });

  it('dynamic broker configs reach every view', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    const b = await store(2, prefix);
    await a.setDynamicBrokerConfigs(null, { 'log.retention.ms': '5000' });
    await a.setDynamicBrokerConfigs(1, { 'log.cleaner.threads': '2' });
    await b.waitFor(() => b.dynamicBrokerConfigs().byBroker['1'] !== undefined, 5000);
    assert.deepEqual(b.dynamicBrokerConfigs(), { defaults: { 'log.retention.ms': '5000' }, byBroker: { 1: { 'log.cleaner.threads': '2' } } });
    await a.setDynamicBrokerConfigs(1, {});
    await b.waitFor(() => b.dynamicBrokerConfigs().byBroker['1'] === undefined, 5000);
  });

  it('ACL bindings reach every view; the same binding twice is kept once; removals reach them too', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    const b = await store(2, prefix);
    const read = { resourceType: 2, resourceName: 'orders', patternType: 3, principal: 'User:alice', host: '*', operation: 3, permission: 3 };
    const write = { ...read, operation: 4 };
    await a.addAcls([read, write]);
    await a.addAcls([read]);
    await b.waitFor(() => b.acls().length === 2, 5000);
    assert.deepEqual(b.acls().map((x) => x.operation).sort(), [3, 4]);
    await b.removeAcls([write]);
    await a.waitFor(() => a.acls().length === 1, 5000);
    assert.deepEqual(a.acls(), [read]);
  });

  it('user and client settings (SCRAM credentials, quotas) reach every view, and a removal too', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    const b = await store(2, prefix);
    await a.setEntityConfigs('users', 'alice', { 'SCRAM-SHA-256': 'salt=c2FsdA==,stored_key=a2V5,server_key=c2Vy,iterations=4096' });
    await a.setEntityConfigs('users', 'alice/clients/app', { producer_byte_rate: '1024' });
    await a.setEntityConfigs('clients', '<default>', { consumer_byte_rate: '2048' });
    await b.waitFor(() => b.entityConfigs('clients')['<default>'] !== undefined, 5000);
    assert.deepEqual(b.entityConfigs('users'), {
      alice: { 'SCRAM-SHA-256': 'salt=c2FsdA==,stored_key=a2V5,server_key=c2Vy,iterations=4096' },
      'alice/clients/app': { producer_byte_rate: '1024' },
    });
    assert.deepEqual(b.entityConfigs('clients'), { '<default>': { consumer_byte_rate: '2048' } });
    await a.setEntityConfigs('users', 'alice', {});
    await b.waitFor(() => b.entityConfigs('users').alice === undefined, 5000);
    assert.deepEqual(Object.keys(b.entityConfigs('users')), ['alice/clients/app']);
  });

  it('a broker killed by pid leaves every view when its lease lapses; its node id is then free again', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    await a.register();
    const c = child(2, prefix, false);
    await a.waitFor(() => a.brokers().some((x) => x.nodeId === 2), 10_000);
    assert.deepEqual(a.brokers().map((x) => x.nodeId), [1, 2]);
    await killChild(c);
    const killedAt = Date.now();
    await a.waitFor(() => !a.brokers().some((x) => x.nodeId === 2), SESSION_MS * 4);
    assert.ok(Date.now() - killedAt < SESSION_MS * 3, 'gone within about one lease');
    const again = await store(2, prefix);
    await again.register();
    await a.waitFor(() => a.brokers().some((x) => x.nodeId === 2), 5000);
  });

  it('a second live broker with the same node id is refused with a clear error', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    await a.register();
    const dup = await store(1, prefix);
    await assert.rejects(dup.register(), (e: unknown) => e instanceof DuplicateBrokerError && /node\.id 1 is already registered by a live broker/.test(e.message));
  });

  it('controller failover: the controller is killed by pid, another broker is elected and its fence works; the old fence is refused', async () => {
    const prefix = newPrefix();
    const b = await store(2, prefix);
    const c = child(1, prefix, true);
    await b.waitFor(() => b.controllerId() === 1, 10_000);
    let elected = false;
    b.election.campaign(() => { elected = true; }, () => undefined);
    await killChild(c);
    const killedAt = Date.now();
    await waitFor(() => elected, { timeoutMs: SESSION_MS * 5, intervalMs: 50, what: 'b to be elected' });
    assert.ok(Date.now() - killedAt < SESSION_MS * 3);
    assert.equal(b.controllerId(), 2);
    await b.createTopic(topic('after-failover'));
    assert.ok(b.topic('after-failover'));
  });

  it('the watch resumes after etcd restarts: changes made meanwhile arrive in order', async () => {
    const prefix = newPrefix();
    const a = await store(1, prefix);
    const b = await store(2, prefix);
    await controller(a);
    await etcd.restart();
    // the controller's lease may have lapsed during the restart; campaign again if so
    await waitFor(async () => {
      try {
        await a.createTopic(topic('during-restart'));
        return true;
      } catch (e) {
        if (e instanceof NotControllerError) await controller(a);
        return undefined;
      }
    }, { timeoutMs: 20_000, intervalMs: 200, what: 'a write after the restart' });
    await b.waitFor(() => b.topic('during-restart') !== undefined, 15_000);
  });
});
