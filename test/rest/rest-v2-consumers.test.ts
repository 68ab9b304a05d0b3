/**
 * REST Proxy v2 consumer instances: the documented flow (create a JSON consumer, subscribe, read
 * records, commit, read the committed offsets, delete), a binary consumer with assigned
 * partitions and seeks, and the errors REST Proxy answers (duplicate instance, wrong embedded
 * format, unknown instance).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../src/client/admin/admin.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';

const V2 = 'application/vnd.kafka.v2+json';

describe('REST Proxy v2 consumer instances', () => {
  let server: TestBroker;
  let client: KafkaClient;
  let base = '';

  const call = async (method: string, path: string, body?: unknown, accept?: string) => {
    const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
      method, headers: { 'content-type': V2, ...(accept ? { accept } : {}) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  };

  /** GET with a body, as REST Proxy's documentation does with curl for committed offsets. */
  const curlGet = async (url: string, body: unknown) => JSON.parse((await promisify(execFile)('curl', ['-s', '-X', 'GET', '-H', `Content-Type: ${V2}`, '--data', JSON.stringify(body), url])).stdout) as { offsets: { offset: number }[] };

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1', 'group.initial.rebalance.delay.ms': '0' });
    base = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'v2-test' });
    await new Admin(client).createTopics([{ name: 'jsontest', numPartitions: 1, replicationFactor: 1 }, { name: 'bintest', numPartitions: 2, replicationFactor: 1 }]);
    const producer = new Producer(client, { lingerMs: 0 });
    await producer.send('jsontest', Array.from({ length: 5 }, (_, i) => ({ key: JSON.stringify(`k${i}`), value: JSON.stringify({ foo: `bar${i}` }) })));
    await producer.send('bintest', Array.from({ length: 6 }, (_, i) => ({ value: Buffer.from([i, 255]), partition: i % 2 })));
    await producer.close();
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  it('runs the documented JSON consumer flow', async () => {
    const created = await call('POST', '/consumers/my_json_consumer', { name: 'my_consumer_instance', format: 'json', 'auto.offset.reset': 'earliest' });
    assert.deepEqual(created.body, { instance_id: 'my_consumer_instance', base_uri: `${base}/consumers/my_json_consumer/instances/my_consumer_instance` });
    const instance = created.body.base_uri as string;
    const dup = await call('POST', '/consumers/my_json_consumer', { name: 'my_consumer_instance', format: 'json' });
    assert.deepEqual([dup.status, dup.body.error_code], [409, 40902]);
    assert.equal((await call('POST', `${instance}/subscription`, { topics: ['jsontest'] })).status, 204);
    assert.deepEqual((await call('GET', `${instance}/subscription`)).body, { topics: ['jsontest'] });
    const wrong = await call('GET', `${instance}/records`, undefined, 'application/vnd.kafka.binary.v2+json');
    assert.deepEqual([wrong.status, wrong.body.error_code], [406, 40601]);
    const records: { topic: string; key: unknown; value: unknown; partition: number; offset: number }[] = [];
    for (let i = 0; i < 20 && records.length < 5; i++) {
      const r = await call('GET', `${instance}/records?timeout=1000`, undefined, 'application/vnd.kafka.json.v2+json');
      assert.equal(r.status, 200);
      assert.equal(r.type, 'application/vnd.kafka.json.v2+json');
      records.push(...r.body);
    }
    assert.deepEqual(records.map((r) => [r.topic, r.partition, r.offset, r.value]), Array.from({ length: 5 }, (_, i) => ['jsontest', 0, i, { foo: `bar${i}` }]));
    assert.deepEqual(records.map((r) => r.key), ['k0', 'k1', 'k2', 'k3', 'k4']);
    assert.equal((await call('POST', `${instance}/offsets`, {})).status, 204);
    const committed = await curlGet(`${instance}/offsets`, { partitions: [{ topic: 'jsontest', partition: 0 }] });
    assert.deepEqual(committed.offsets.map((o) => o.offset), [5]);
    assert.equal((await call('POST', `${instance}/offsets`, { offsets: [{ topic: 'jsontest', partition: 0, offset: 1 }] })).status, 204);
    assert.deepEqual((await curlGet(`${instance}/offsets`, { partitions: [{ topic: 'jsontest', partition: 0 }] })).offsets[0]!.offset, 2);
    assert.equal((await call('DELETE', instance)).status, 204);
    const gone = await call('GET', `${instance}/records`);
    assert.deepEqual([gone.status, gone.body.error_code], [404, 40403]);
  });

  it('reads binary records from assigned partitions and seeks', async () => {
    const created = await call('POST', '/consumers/bin-group', { format: 'binary', 'auto.offset.reset': 'earliest', 'auto.commit.enable': 'false' });
    const instance = created.body.base_uri as string;
    assert.equal((await call('POST', `${instance}/assignments`, { partitions: [{ topic: 'bintest', partition: 1 }] })).status, 204);
    assert.deepEqual((await call('GET', `${instance}/assignments`)).body, { partitions: [{ topic: 'bintest', partition: 1 }] });
    assert.equal((await call('POST', `${instance}/positions`, { offsets: [{ topic: 'bintest', partition: 1, offset: 1 }] })).status, 204);
    const read = async () => {
      for (let i = 0; i < 10; i++) {
        const r = await call('GET', `${instance}/records?timeout=500`, undefined, 'application/vnd.kafka.binary.v2+json');
        if (r.body.length > 0) return r.body as { offset: number; value: string }[];
      }
      return [];
    };
    assert.deepEqual((await read()).map((r) => [r.offset, Buffer.from(r.value, 'base64').toJSON().data]), [[1, [3, 255]], [2, [5, 255]]]);
    assert.equal((await call('POST', `${instance}/positions/beginning`, { partitions: [{ topic: 'bintest', partition: 1 }] })).status, 204);
    assert.deepEqual((await read()).map((r) => r.offset), [0, 1, 2]);
    const bad = await call('POST', `${instance}/positions`, { offsets: [{ topic: 'bintest' }] });
    assert.deepEqual([bad.status, bad.body.error_code], [422, 42205]);
    assert.equal((await call('DELETE', instance)).status, 204);
  });

  it('refuses what REST Proxy refuses', async () => {
    const fmt = await call('POST', '/consumers/g', { format: 'xml' });
    assert.deepEqual([fmt.status, fmt.body.error_code], [422, 42204]);
    const missing = await call('POST', '/consumers/g/instances/none/subscription', { topics: ['x'] });
    assert.deepEqual([missing.status, missing.body.error_code], [404, 40403]);
    const plain = await fetch(`${base}/consumers/g`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(plain.status, 415);
  });
});
