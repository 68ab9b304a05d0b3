/**
 * Two brokers (and etcd) whose inter-broker listener is SASL_SSL with PLAIN over TLS (PLAIN needs
 * no credentials in the metadata store before the brokers start), with an authorizer
 * on: forwarding to the controller, replica fetching and the ISR all travel the authenticated,
 * encrypted link, and the brokers' own principal is the super user that lets them. Clients use
 * the PLAINTEXT listener (the loopback administrator is a super user too).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { etcdMissing } from '../support/etcd.js';
import { startTestCluster, withRaw, type TestCluster } from '../support/cluster.js';
import { freePort } from '../support/clients/broker-process.js';
import { createTestPki, opensslMissing, type TestPki } from '../support/pki.js';
import { waitFor } from '../support/clients/wait.js';
import { makeBatch } from '../support/batches.js';
import { connectedAdmin } from '../support/clients/groups.js';
import { readPartition } from '../support/clients/raw-client.js';
import { readFileSync } from 'node:fs';

const missing = etcdMissing() ?? opensslMissing();
if (missing) console.log(`skipping the secured-cluster test: ${missing}`);

describe('a cluster whose brokers talk over SASL_SSL', { skip: missing ?? false }, () => {
  let cluster: TestCluster;
  let pki: TestPki;

  before(async () => {
    pki = await createTestPki();
    const securePorts = [await freePort(), await freePort()];
    cluster = await startTestCluster(2, (id, port) => ({
      listeners: `PLAINTEXT://127.0.0.1:${port},SASL_SSL://127.0.0.1:${securePorts[id]}`,
      'inter.broker.listener.name': 'SASL_SSL',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': pki.brokerPem,
      'ssl.truststore.location': pki.caPem,
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'listener.name.sasl_ssl.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="broker-secret" user_broker="broker-secret";',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:broker;User:ANONYMOUS',
      'replica.lag.time.max.ms': '3000',
    }));
  });

  after(async () => {
    await cluster?.stop();
    pki?.remove();
  });

  it('advertises the SASL_SSL endpoints to each other, and replicates and forwards over them', async () => {
    // created through the broker that is not the controller: forwarded over the secured link
    const controller = await cluster.controller();
    const via = controller === 0 ? 1 : 0;
    const admin = await connectedAdmin(cluster.brokers[via]!.bootstrap);
    try {
      await admin.createTopics({ topics: [{ topic: 'secured', numPartitions: 2, replicationFactor: 2 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    for (const partition of [0, 1]) {
      const md = await cluster.metadata();
      const p = md.topics.find((t) => t.name === 'secured')!.partitions.find((x) => x.partitionIndex === partition)!;
      // acks=all with both replicas in sync: the follower fetched over SASL_SSL
      const r = await withRaw(cluster.brokers[p.leaderId]!.port, (c) => c.request(0, 9, {
        transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: 'secured', partitionData: [{ index: partition, records: makeBatch({ count: 3, prefix: `p${partition}` }) }] }],
      }));
      assert.equal(r.responses[0]!.partitionResponses[0]!.errorCode, 0);
      await waitFor(async () => {
        const m = await cluster.metadata();
        const x = m.topics.find((t) => t.name === 'secured')!.partitions.find((q) => q.partitionIndex === partition)!;
        return [...x.isrNodes].sort().join(',') === '0,1' ? true : undefined;
      }, { timeoutMs: 15_000, intervalMs: 200, what: `secured-${partition} to keep both replicas in sync` });
    }
    // the follower holds what the leader holds, byte for byte
    const md = await cluster.metadata();
    const p0 = md.topics.find((t) => t.name === 'secured')!.partitions.find((x) => x.partitionIndex === 0)!;
    const segment = (node: number): Buffer => {
      try {
        return readFileSync(`${cluster.brokers[node]!.dataDir}/secured-0/00000000000000000000.log`);
      } catch {
        return Buffer.alloc(0);
      }
    };
    assert.equal((await readPartition(cluster.brokers[p0.leaderId]!.port, 'secured', 0)).records.length, 3);
    await waitFor(() => (segment(0).length > 0 && segment(0).equals(segment(1)) ? true : undefined), { timeoutMs: 10_000, intervalMs: 100, what: 'both replicas of secured-0 to be identical' });
  });
});
