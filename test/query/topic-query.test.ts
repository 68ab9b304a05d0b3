/**
 * Queries over a topic (GET /query/topics/{topic} and `gregor query`), checked against a
 * brute-force pass over the generated records: offset and time ranges (the start found with the
 * time index; a late batch of old records skipped by its header), partitions, key/value/header
 * contains, regular expressions, JSON predicates, Avro values decoded through the schema registry,
 * the limit; bad queries answered with what to fix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Admin } from '../../src/client/admin/admin.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { expectOk, gregor } from '../support/cli.js';

interface Generated { i: number; partition: number; offset: number; timestamp: number; key: string; value: { n: number; kind: string; amount: number; user: { country: string } }; src: string }

describe('topic queries', () => {
  let server: TestBroker;
  let client: KafkaClient;
  let http = '';
  const N = 3000;
  const T0 = Date.now() - 3_600_000;
  const COUNTRIES = ['FR', 'DE', 'US', 'JP'];
  const data: Generated[] = Array.from({ length: N }, (_, i) => ({
    i, partition: i % 3, offset: Math.floor(i / 3), timestamp: T0 + i * 10, key: `user-${i % 50}`,
    value: { n: i, kind: ['click', 'view', 'buy'][i % 3]!, amount: (i * 37) % 500, user: { country: COUNTRIES[i % 4]! } }, src: i % 2 ? 'web' : 'app',
  }));
  const OLD = 50;
  /** The late batch of old records appended to partition 0 after the rest. */
  const late: Generated[] = Array.from({ length: OLD }, (_, j) => ({
    i: -1, partition: 0, offset: N / 3 + j, timestamp: T0 - 1_000_000 + j, key: 'late', value: { n: -1, kind: 'late', amount: 999, user: { country: 'FR' } }, src: '',
  }));
  const everything = [...data, ...late];

  const query = async (params: string) => {
    const res = await fetch(`${http}/query/topics/events?${params}`);
    const text = await res.text();
    if (res.status !== 200) return { status: res.status, error: (JSON.parse(text) as { message: string }).message, rows: [], done: undefined };
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = lines.pop() as { done: boolean; matched: number; recordsScanned: number; batchesSkipped: number };
    return { status: 200, rows: lines as { partition: number; offset: number; timestamp: number; key: string; value: unknown }[], done, error: undefined };
  };
  const ids = (rows: { partition: number; offset: number }[]) => rows.map((r) => `${r.partition}@${r.offset}`).sort();
  const expected = (pick: (g: Generated) => boolean) => everything.filter(pick).map((g) => `${g.partition}@${g.offset}`).sort();

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1' });
    http = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'query-test' });
    await new Admin(client).createTopics([{ name: 'events', numPartitions: 3, replicationFactor: 1 }]);
    const producer = new Producer(client, { lingerMs: 0 });
    for (let i = 0; i < N; i += 150) {
      await producer.send('events', data.slice(i, i + 150).map((g) => ({ key: g.key, value: JSON.stringify(g.value), partition: g.partition, timestamp: g.timestamp, headers: { src: g.src } })));
    }
    // a late batch of old records at the end of partition 0: its header's maxTimestamp lets a time query skip it
    await producer.send('events', late.map((g) => ({ key: g.key, value: JSON.stringify(g.value), partition: 0, timestamp: g.timestamp })));
    await producer.close();
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  it('answers filters as a brute-force scan does', async () => {
    const cases: [string, (g: Generated) => boolean][] = [
      ['where=amount%20%3E%20400', (g) => g.value.amount > 400],
      ['where=' + encodeURIComponent('kind == "buy" && user.country == "FR"'), (g) => g.value.kind === 'buy' && g.value.user.country === 'FR'],
      ['key=user-7', (g) => g.key.includes('user-7')],
      ['keyRegex=' + encodeURIComponent('^user-(1|2)$'), (g) => /^user-(1|2)$/.test(g.key)],
      ['valueRegex=' + encodeURIComponent('"amount":4\\d\\d,'), (g) => g.value.amount >= 400 && g.value.amount < 500],
      ['header=web&value=view', (g) => g.src === 'web' && g.value.kind === 'view'],
      ['partitions=1&fromOffset=100&toOffset=199&where=' + encodeURIComponent('amount < 100'), (g) => g.partition === 1 && g.offset >= 100 && g.offset <= 199 && g.value.amount < 100],
    ];
    for (const [params, pick] of cases) {
      const r = await query(`${params}&limit=100000`);
      assert.equal(r.status, 200, `${params}: ${r.error}`);
      assert.deepEqual(ids(r.rows), expected(pick), params);
      assert.equal(r.done!.matched, r.rows.length);
    }
  });

  it('finds a time range through the time index and skips old batches by their header', async () => {
    const from = T0 + 1000 * 10;
    const to = T0 + 1999 * 10;
    const r = await query(`fromTime=${from}&toTime=${new Date(to).toISOString()}&limit=100000`);
    assert.deepEqual(ids(r.rows), expected((g) => g.timestamp >= from && g.timestamp <= to));
    assert.ok(r.done!.recordsScanned <= 1000 + 3 * 150, `scanned ${r.done!.recordsScanned}: the start came from the time index, not a full scan`);
    const tail = await query(`fromTime=${T0 + 2900 * 10}&partitions=0&limit=100000`);
    assert.deepEqual(ids(tail.rows), expected((g) => g.partition === 0 && g.timestamp >= T0 + 2900 * 10));
    assert.ok(tail.done!.batchesSkipped >= 1, 'the late batch of old records was skipped by its header');
    assert.ok(tail.rows.every((row) => row.key !== 'late'));
  });

  it('stops at the limit and returns records in partition and offset order', async () => {
    const r = await query('where=amount%20%3E%3D%200&limit=7');
    assert.equal(r.rows.length, 7);
    assert.deepEqual(r.rows.map((x) => [x.partition, x.offset]), [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6]]);
    assert.equal(r.done!.matched, 7);
  });

  it('decodes Avro values through the schema registry for predicates', async () => {
    const registry = new SchemaRegistry({ host: http });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Sale', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }] }) }, { subject: 'sales-value' });
    await new Admin(client).createTopics([{ name: 'sales', numPartitions: 1, replicationFactor: 1 }]);
    const producer = new Producer(client, { lingerMs: 0 });
    await producer.send('sales', await Promise.all([['A', 1], ['B', 5], ['C', 9]].map(async ([sku, qty]) => ({ value: await registry.encode(id, { sku, qty }) }))));
    await producer.close();
    const res = await fetch(`${http}/query/topics/sales?where=${encodeURIComponent('qty >= 5')}`);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { value?: { sku: string }; valueSchemaId?: number });
    lines.pop();
    assert.deepEqual(lines.map((l) => [l.value!.sku, l.valueSchemaId]), [['B', id], ['C', id]]);
  });

  it('decodes Protobuf and JSON Schema values through the registry too', async () => {
    const registry = new SchemaRegistry({ host: http });
    const proto = await registry.register({ type: SchemaType.PROTOBUF, schema: 'syntax = "proto3"; package geo; message Point { int32 x = 1; int32 y = 2; }' }, { subject: 'points-value' });
    const json = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify({ type: 'object', properties: { x: { type: 'integer' } } }) }, { subject: 'points-json-value' });
    await new Admin(client).createTopics([{ name: 'points', numPartitions: 1, replicationFactor: 1 }]);
    const producer = new Producer(client, { lingerMs: 0 });
    await producer.send('points', [
      { value: await registry.encode(proto.id, { x: 1, y: 2 }) },
      { value: await registry.encode(proto.id, { x: 7, y: 8 }) },
      { value: await registry.encode(json.id, { x: 9 }) },
    ]);
    await producer.close();
    const res = await fetch(`${http}/query/topics/points?where=${encodeURIComponent('x > 5')}`);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { value?: { x: number }; valueSchemaId?: number });
    lines.pop();
    assert.deepEqual(lines.map((l) => [l.value!.x, l.valueSchemaId]), [[7, proto.id], [9, json.id]]);
  });

  it('answers bad queries with what to fix', async () => {
    const cases: [string, RegExp][] = [
      ['keyRegex=(', /keyRegex '\(' is not a regular expression/],
      ['where=amount', /not a predicate/],
      ['fromTime=yesterday', /fromTime must be milliseconds since the epoch or an ISO 8601 time/],
      ['fromOffset=9&toOffset=3', /fromOffset 9 is after toOffset 3/],
      ['limit=0', /limit must be a whole number/],
      ['partitions=7', /has no partition 7/],
      ['partitions=a', /partitions must be a comma-separated list/],
    ];
    for (const [params, message] of cases) {
      const r = await query(params);
      assert.equal(r.status, 400, params);
      assert.match(r.error!, message, params);
    }
    const missing = await fetch(`${http}/query/topics/none`);
    assert.equal(missing.status, 404);
    assert.equal((await fetch(`${http}/query/nothing`)).status, 404);
  });

  it('gregor query prints matching records as JSON lines and the counts', async () => {
    const r = expectOk('gregor query', await gregor(['query', 'events', '--http', http, '--partition', '2', '--where', 'amount > 490', '--limit', '5']));
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; value: string });
    assert.deepEqual(rows.map((x) => (JSON.parse(x.value) as { amount: number }).amount > 490), rows.map(() => true));
    assert.ok(rows.length > 0 && rows.length <= 5 && rows.every((x) => x.partition === 2));
    assert.match(r.stderr, /\d+ matched; \d+ records scanned/);
    const bad = await gregor(['query', 'events', '--http', http, '--where', 'amount']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /gregor query: 'amount' is not a predicate/);
    assert.equal((await gregor(['query'])).code, 2);
  });
});
