/**
 * The console's HTTP API on a broker: what each endpoint answers for good and bad input (status,
 * error_code, Kafka error name, a message naming the field), the message browser's reads (filter
 * against a brute-force check, paging by cursor without gaps or repeats, start by offset and time,
 * live tail), group lag and resets, and the guards on changes (JSON only, same origin).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../src/client/admin/admin.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer/index.js';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { waitFor } from '../support/clients/wait.js';
import { consoleCaller, type Caller } from './console-caller.js';

describe('console API', () => {
  let server: TestBroker;
  let client: KafkaClient;
  let admin: Admin;
  let call: Caller;
  const N = 240;
  const T0 = Date.now() - 600_000;
  const records = Array.from({ length: N }, (_, i) => ({
    timestamp: T0 + i * 10,
    key: `key-${i % 10}`,
    value: JSON.stringify({ n: i, region: ['EU', 'US', 'APAC'][i % 3], amount: (i * 37) % 100, tags: i % 4 === 0 ? ['vip'] : [] }),
    headers: { source: i % 2 === 0 ? 'web' : 'mobile' },
  }));

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1' });
    call = consoleCaller(server.broker.http.bound[0]!.port);
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'console-api-test' });
    admin = new Admin(client);
    await admin.createTopics([{ name: 'data', numPartitions: 3, replicationFactor: 1 }]);
    const producer = new Producer(client, { lingerMs: 0 });
    for (let i = 0; i < N; i += 40) await producer.send('data', records.slice(i, i + 40).map((r, j) => ({ ...r, partition: (i + j) % 3 })));
    await producer.close();
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  describe('topics', () => {
    it('creates, lists, describes, alters and deletes a topic', async () => {
      const created = await call('POST', '/topics', { name: 'made', partitions: '2', configs: { 'retention.ms': '3600000' } });
      assert.equal(created.status, 201);
      assert.deepEqual([created.body.name, created.body.partitions, created.body.replicationFactor], ['made', 2, 1]);
      const list = await call('GET', '/topics');
      const row = (list.body as { name: string; partitions: number; endOffsets: number; sizeBytes: number }[]).find((t) => t.name === 'data')!;
      assert.equal(row.partitions, 3);
      assert.equal(row.endOffsets, N);
      assert.ok(row.sizeBytes > 0);
      const detail = await call('GET', '/topics/made');
      assert.equal(detail.status, 200);
      assert.deepEqual(detail.body.partitions.map((p: { partition: number; low: number; high: number }) => [p.partition, p.low, p.high]), [[0, 0, 0], [1, 0, 0]]);
      const retention = detail.body.configs.find((c: { name: string }) => c.name === 'retention.ms');
      assert.deepEqual([retention.value, retention.source], ['3600000', 'topic']);
      assert.equal(detail.body.configs.find((c: { name: string }) => c.name === 'cleanup.policy').source, 'default');
      assert.equal((await call('PUT', '/topics/made/configs', { set: { 'retention.ms': 'soon' } })).body.kafka_error, 'INVALID_CONFIG');
      assert.equal((await call('PUT', '/topics/made/configs', { delete: ['retention.ms'] })).status, 200);
      const after = await call('GET', '/topics/made');
      assert.equal(after.body.configs.find((c: { name: string }) => c.name === 'retention.ms').source, 'default');
      assert.equal((await call('POST', '/topics/made/partitions', { count: 5 })).status, 200);
      assert.equal((await call('GET', '/topics/made')).body.partitions.length, 5);
      const shrink = await call('POST', '/topics/made/partitions', { count: 2 });
      assert.deepEqual([shrink.status, shrink.body.kafka_error], [400, 'INVALID_PARTITIONS']);
      assert.equal((await call('DELETE', '/topics/made')).status, 200);
      assert.equal((await call('GET', '/topics/made')).status, 404);
      assert.equal((await call('DELETE', '/topics/made')).status, 404);
    });

    it('answers bad input with the field and Kafka error', async () => {
      const cases: [Record<string, unknown>, number, RegExp][] = [
        [{}, 400, /'name' is required/],
        [{ name: '' }, 400, /'name' must not be empty/],
        [{ name: 5 }, 400, /'name' must be a string/],
        [{ name: 'x', partitions: 'many' }, 400, /'partitions' must be a whole number/],
        [{ name: 'x', partitions: 0 }, 400, /'partitions' must be at least 1/],
        [{ name: 'x', replicationFactor: 3 }, 400, /INVALID_REPLICATION_FACTOR/],
        [{ name: 'x', configs: ['a'] }, 400, /'configs' must be an object/],
        [{ name: 'x', configs: { 'retention.ms': 'abc' } }, 400, /INVALID_CONFIG/],
        [{ name: 'x', configs: { 'no.such.config': '1' } }, 400, /INVALID_CONFIG/],
        [{ name: 'bad/name' }, 400, /INVALID_TOPIC_EXCEPTION/],
        [{ name: 'data' }, 409, /TOPIC_ALREADY_EXISTS/],
      ];
      for (const [body, status, message] of cases) {
        const r = await call('POST', '/topics', body);
        assert.equal(r.status, status, JSON.stringify(body));
        assert.match(r.body.message, message, JSON.stringify(body));
        assert.equal(r.body.error_code, status);
      }
      assert.equal((await call('GET', '/topics')).body.some((t: { name: string }) => t.name === 'x'), false);
      assert.equal((await call('PUT', '/topics/data/configs', {})).status, 400);
      assert.equal((await call('POST', '/topics/data/partitions', { count: 'x' })).status, 400);
      assert.equal((await call('GET', '/topics/nope')).body.kafka_error, 'UNKNOWN_TOPIC_OR_PARTITION');
    });
  });

  describe('messages', () => {
    type Rec = { partition: number; offset: number; key: { text: string }; value: { text: string }; headers: { key: string; value: { text: string } }[] };
    const all = async (query: string, limit = 500): Promise<Rec[]> => {
      const out: Rec[] = [];
      let r = await call('GET', `/topics/data/messages?limit=${limit}&${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      out.push(...r.body.records);
      for (let i = 0; i < 100 && !r.body.reachedEnd; i++) {
        r = await call('GET', `/topics/data/messages?limit=${limit}&cursor=${r.body.cursor}&${query}`);
        out.push(...r.body.records);
      }
      return out;
    };
    const ns = (rs: Rec[]) => rs.map((r) => (JSON.parse(r.value.text) as { n: number }).n).sort((a, b) => a - b);
    const expected = (pick: (v: { n: number; region: string; amount: number; tags: string[] }, i: number) => boolean) =>
      records.map((r, i) => ({ v: JSON.parse(r.value), i, r })).filter(({ v, i, r }) => pick(v, i) && r).map(({ v }) => v.n as number);

    it('reads every record once and in time order across partitions, paging by cursor', async () => {
      const rs = await all('', 7);
      assert.deepEqual(rs.map((r) => (JSON.parse(r.value.text) as { n: number }).n), records.map((_, i) => i));
      const fromTime = await call('GET', `/topics/data/messages?from=timestamp&timestamp=${T0 + 1000}&limit=4`);
      assert.deepEqual(fromTime.body.records.map((r: Rec) => JSON.parse(r.value.text).n), [100, 101, 102, 103]);
      const first = rs.find((r) => JSON.parse(r.value.text).n === 0)!;
      assert.deepEqual([first.partition, first.key.text, first.headers[0]!.key, first.headers[0]!.value.text], [0, 'key-0', 'source', 'web']);
    });

    it('filters on the broker as a brute-force scan does', async () => {
      const filters: [string, (v: { n: number; region: string; amount: number; tags: string[] }, i: number) => boolean][] = [
        ['where=amount%20%3E%3D%2050', (v) => v.amount >= 50],
        ['where=region%20%3D%3D%20%22EU%22%20%26%26%20amount%20%3C%2030', (v) => v.region === 'EU' && v.amount < 30],
        ['where=tags%5B0%5D%20exists', (v) => v.tags.length > 0],
        ['key=key-3', (_v, i) => i % 10 === 3],
        ['header=mobile', (_v, i) => i % 2 === 1],
        ['value=APAC&key=key-1', (v, i) => v.region === 'APAC' && i % 10 === 1],
      ];
      for (const [query, pick] of filters) assert.deepEqual(ns(await all(query, 13)), expected(pick), query);
    });

    it('starts at an offset, the newest records, or a time, on chosen partitions', async () => {
      const fromOffset = await call('GET', '/topics/data/messages?partitions=1&from=offset&offset=75&limit=500');
      assert.deepEqual(fromOffset.body.records.map((r: Rec) => r.offset).sort((a: number, b: number) => a - b), [75, 76, 77, 78, 79]);
      assert.ok(fromOffset.body.records.every((r: Rec) => r.partition === 1));
      const newest = await call('GET', '/topics/data/messages?from=newest&limit=4&partitions=0,2');
      assert.equal(newest.body.records.length, 4);
      assert.ok(newest.body.records.every((r: Rec) => [0, 2].includes(r.partition) && r.offset >= 76), JSON.stringify(newest.body.records.map((r: Rec) => [r.partition, r.offset])));
      assert.equal(newest.body.reachedEnd, true);
      const future = await call('GET', `/topics/data/messages?from=timestamp&timestamp=${Date.now() + 3_600_000}`);
      assert.deepEqual([future.status, future.body.records.length], [200, 0]);
      const past = await call('GET', '/topics/data/messages?from=timestamp&timestamp=0&limit=500&partitions=2');
      assert.equal(past.body.records.length, 80);
    });

    it('tails: a read at the end waits for the next record', async () => {
      const end = await call('GET', '/topics/data/messages?partitions=2&from=newest&limit=1');
      const waiting = call('GET', `/topics/data/messages?partitions=2&cursor=${end.body.cursor}&wait=5000`);
      await new Promise((r) => setTimeout(r, 300));
      const produced = await call('POST', '/topics/data/messages', { partition: 2, key: 'tail', value: '{"n":-1}', valueFormat: 'json' });
      assert.equal(produced.status, 201);
      const got = await waiting;
      assert.deepEqual(got.body.records.map((r: Rec) => [r.key.text, r.offset]), [['tail', produced.body.offset]]);
    });

    it('produces a record with headers, as text, JSON or base64', async () => {
      const r = await call('POST', '/topics/data/messages', { key: 'p', value: 'AAEC/w==', valueFormat: 'base64', headers: [{ key: 'h', value: 'v' }] });
      assert.equal(r.status, 201);
      const back = await call('GET', `/topics/data/messages?partitions=${r.body.partition}&from=offset&offset=${r.body.offset}&limit=1`);
      const rec = back.body.records[0];
      assert.deepEqual([rec.value.base64, rec.value.text, rec.headers[0].key], ['AAEC/w==', undefined, 'h']);
    });

    it('shows values that carry a schema id decoded through the registry, and filters on them', async () => {
      const port = server.broker.http.bound[0]!.port;
      const registry = new SchemaRegistry({ host: `http://127.0.0.1:${port}` });
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Reading', fields: [{ name: 'sensor', type: 'string' }, { name: 'celsius', type: 'double' }] }) }, { subject: 'readings-value' });
      await admin.createTopics([{ name: 'readings', numPartitions: 1, replicationFactor: 1 }]);
      const producer = new Producer(client, { lingerMs: 0 });
      await producer.send('readings', [{ value: await registry.encode(id, { sensor: 'north', celsius: 21.5 }) }, { value: await registry.encode(id, { sensor: 'south', celsius: 35 }) }]);
      await producer.close();
      const hot = await call('GET', `/topics/readings/messages?where=${encodeURIComponent('celsius > 30')}`);
      assert.deepEqual(hot.body.records.map((r: { decoded: { schemaId: number; json: unknown } }) => r.decoded), [{ schemaId: id, json: { sensor: 'south', celsius: 35 } }]);
      const regex = await call('GET', `/topics/data/messages?valueRegex=${encodeURIComponent('"n":(1|2)\\d\\d,')}&limit=500`);
      assert.equal(regex.body.records.length, 140, 'n from 100 to 239');
    });

    it('answers bad input with what to fix', async () => {
      const reads: [string, RegExp][] = [
        ['partitions=7', /no partition '7'/],
        ['partitions=a', /no partition 'a'/],
        ['from=yesterday', /'from' must be one of/],
        ['from=offset', /needs the parameter 'offset'/],
        ['from=timestamp&timestamp=x', /'timestamp' must be a whole number/],
        ['limit=0', /'limit' must be between 1 and 500/],
        ['limit=100000', /'limit' must be between/],
        ['wait=-5', /'wait' must be between/],
        ['cursor=garbage', /cursor is not one this console gave out/],
        ['where=amount', /not a predicate/],
        ['where=amount%20%3E', /no value to compare/],
        ['valueRegex=%5B', /valueRegex '\[' is not a regular expression/],
      ];
      for (const [query, message] of reads) {
        const r = await call('GET', `/topics/data/messages?${query}`);
        assert.equal(r.status, 400, query);
        assert.match(r.body.message, message, query);
      }
      const writes: [Record<string, unknown>, RegExp][] = [
        [{ key: 'k' }, /'value' is required/],
        [{ value: '{bad', valueFormat: 'json' }, /'value' is not valid JSON/],
        [{ value: '%%%', valueFormat: 'base64' }, /'value' is not base64/],
        [{ value: 'x', valueFormat: 'avro' }, /'valueFormat' must be one of/],
        [{ value: 'x', partition: 9 }, /has no partition 9/],
        [{ value: 'x', partition: -1 }, /'partition' must be at least 0/],
        [{ value: 'x', headers: 'h' }, /'headers' must be a list/],
        [{ value: 'x', headers: [{ value: 'v' }] }, /header 1 needs a non-empty 'key'/],
        [{ value: 5 }, /'value' must be a string/],
      ];
      for (const [body, message] of writes) {
        const r = await call('POST', '/topics/data/messages', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match(r.body.message, message, JSON.stringify(body));
      }
      assert.equal((await call('GET', '/topics/nope/messages')).status, 404);
    });
  });

  describe('groups', () => {
    it('shows lag per partition, resets offsets and deletes the group', async () => {
      await admin.commitGroupOffsets('g-lag', [{ topic: 'data', partition: 0, offset: 10 }, { topic: 'data', partition: 1, offset: 80 }]);
      const list = await call('GET', '/groups');
      const row = list.body.find((g: { groupId: string }) => g.groupId === 'g-lag');
      assert.deepEqual([row.state, row.lag, row.topics], ['Empty', 70, ['data']]);
      const detail = await call('GET', '/groups/g-lag');
      assert.deepEqual(detail.body.offsets.map((o: { partition: number; committed: number; end: number; lag: number }) => [o.partition, o.committed, o.end, o.lag]), [[0, 10, 80, 70], [1, 80, 80, 0]]);
      const dry = await call('POST', '/groups/g-lag/reset', { to: 'latest', dryRun: true });
      assert.equal(dry.body.offsets.length, 3);
      assert.equal((await call('GET', '/groups/g-lag')).body.offsets[0].committed, 10);
      const reset = await call('POST', '/groups/g-lag/reset', { to: 'offset', offset: 5, topic: 'data' });
      assert.deepEqual(reset.body.offsets.map((o: { offset: number }) => o.offset), [5, 5, 5]);
      const latest = await call('POST', '/groups/g-lag/reset', { to: 'latest' });
      assert.equal(latest.status, 200);
      assert.equal((await call('GET', '/groups')).body.find((g: { groupId: string }) => g.groupId === 'g-lag').lag, 0);
      const bad: [Record<string, unknown>, number, RegExp][] = [
        [{ to: 'middle' }, 400, /'to' must be one of earliest, latest, timestamp, offset/],
        [{ to: 'offset' }, 400, /'offset' is required/],
        [{ to: 'timestamp', timestamp: 'now' }, 400, /'timestamp' must be a whole number/],
        [{ to: 'earliest', topic: 'nope' }, 404, /UNKNOWN_TOPIC_OR_PARTITION/],
      ];
      for (const [body, status, message] of bad) {
        const r = await call('POST', '/groups/g-lag/reset', body);
        assert.equal(r.status, status, JSON.stringify(body));
        assert.match(r.body.message, message);
      }
      assert.equal((await call('POST', '/groups/no-offsets/reset', { to: 'earliest' })).status, 400);
      assert.equal((await call('DELETE', '/groups/g-lag')).status, 200);
      assert.equal((await call('GET', '/groups/g-lag')).status, 404);
      assert.equal((await call('DELETE', '/groups/g-lag')).status, 404);
    });
  });

  it('refuses to reset or delete a group that has active members', async () => {
    const kafka = new Kafka({ brokers: [server.bootstrap], clientId: 'active-member', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'g-active', heartbeatInterval: 300 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'data', fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    try {
      await waitFor(async () => ((await call('GET', '/groups/g-active')).body.state === 'Stable' ? true : undefined), { timeoutMs: 15_000, what: 'the group to be Stable' });
      const reset = await call('POST', '/groups/g-active/reset', { to: 'earliest' });
      assert.deepEqual([reset.status, reset.body.kafka_error], [409, 'NON_EMPTY_GROUP']);
      assert.match(reset.body.message, /stop its consumers first/);
      const del = await call('DELETE', '/groups/g-active');
      assert.deepEqual([del.status, del.body.kafka_error], [409, 'NON_EMPTY_GROUP']);
      const detail = await call('GET', '/groups/g-active');
      assert.deepEqual(detail.body.members.map((m: { clientId: string; assignment: { topic: string; partitions: number[] }[] }) => [m.clientId, m.assignment]), [['active-member', [{ topic: 'data', partitions: [0, 1, 2] }]]]);
    } finally {
      await consumer.disconnect();
    }
  });

  describe('guards and errors', () => {
    it('refuses changes that are not JSON or come from another origin', async () => {
      const port = server.broker.http.bound[0]!.port;
      const plain = await fetch(`http://127.0.0.1:${port}/ui/api/topics`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"csrf"}' });
      assert.equal(plain.status, 415);
      const foreign = await fetch(`http://127.0.0.1:${port}/ui/api/topics`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://elsewhere.test' }, body: '{"name":"csrf"}' });
      assert.equal(foreign.status, 403);
      assert.match(((await foreign.json()) as { message: string }).message, /may not change this cluster/);
      assert.equal((await call('GET', '/topics')).body.some((t: { name: string }) => t.name === 'csrf'), false);
    });

    it('answers unknown paths, wrong methods, bad bodies and bad encodings as JSON errors', async () => {
      assert.equal((await call('GET', '/nothing')).status, 404);
      assert.equal((await call('PUT', '/topics')).status, 405);
      const port = server.broker.http.bound[0]!.port;
      const notJson = await fetch(`http://127.0.0.1:${port}/ui/api/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{name:' });
      assert.equal(notJson.status, 400);
      assert.match(((await notJson.json()) as { message: string }).message, /not JSON/);
      const array = await call('POST', '/topics', [1, 2]);
      assert.match(array.body.message, /must be a JSON object/);
      const huge = await fetch(`http://127.0.0.1:${port}/ui/api/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"name":"${'x'.repeat(3 * 1024 * 1024)}"}` }).catch(() => null);
      if (huge) assert.equal(huge.status, 413);
      assert.equal((await call('GET', '/topics/%E0%A4%A')).status, 400);
      const acls = await call('GET', '/acls');
      assert.deepEqual([acls.status, acls.body.kafka_error], [400, 'SECURITY_DISABLED']);
    });

    it('survives random requests: every answer is JSON with an error code, and the broker keeps serving', async () => {
      const port = server.broker.http.bound[0]!.port;
      assert.equal((await call('POST', '/topics', { name: 'fuzz', partitions: 2 })).status, 201);
      const paths = ['/topics', '/topics/fuzz', '/topics/fuzz/messages', '/topics/fuzz/partitions', '/topics/fuzz/configs', '/groups', '/groups/g', '/groups/g/reset', '/acls', '/users/u', '/overview', '/session'];
      const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
      const bodies = ['', '{}', 'null', '[]', '"x"', '{"name":null}', '{"count":-1}', '{"to":"earliest","topic":7}', '{"set":{"a":{}}}', '{"value":{"nested":1}}', '{"partition":"1e3"}', '\u0000\u00ff'];
      const queries = ['', '?limit=abc', '?from=offset&offset=-3', '?partitions=,', '?where=%5B', '?cursor=%FF', '?mechanism=x', '?wait=99999999'];
      let seed = 42;
      const pick = <T>(xs: readonly T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length]!;
      for (let i = 0; i < 150; i++) {
        const method = pick(methods);
        const res = await fetch(`http://127.0.0.1:${port}/ui/api${pick(paths)}${pick(queries)}`, {
          method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : pick(bodies),
        });
        const text = await res.text();
        if (res.status >= 400) {
          const body = JSON.parse(text) as { error_code: number; message: string };
          assert.equal(body.error_code, res.status, text);
          assert.ok(body.message.length > 0);
          assert.notEqual(res.status, 500, `${method} ${res.url}: ${text}`);
        }
      }
      assert.equal((await call('GET', '/topics/data')).status, 200);
      assert.equal((await call('GET', '/overview')).status, 200);
    });

    it('serves the console page, its files, and sends browsers from / to it', async () => {
      const port = server.broker.http.bound[0]!.port;
      const page = await fetch(`http://127.0.0.1:${port}/ui/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /text\/html/);
      assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);
      assert.match(await page.text(), /<script type="module" src="app.js">/);
      const js = await fetch(`http://127.0.0.1:${port}/ui/app.js`);
      assert.deepEqual([js.status, js.headers.get('content-type')], [200, 'text/javascript; charset=utf-8']);
      assert.ok((await js.arrayBuffer()).byteLength > 10_000);
      assert.equal((await fetch(`http://127.0.0.1:${port}/ui/..%2Fpackage.json`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${port}/ui/missing.js`)).status, 404);
      const toUi = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      assert.deepEqual([toUi.status, toUi.headers.get('location')], [302, '/ui/']);
      const index = await fetch(`http://127.0.0.1:${port}/`);
      assert.ok(((await index.json()) as { endpoints: string[] }).endpoints.includes('/ui/'));
    });
  });
});
