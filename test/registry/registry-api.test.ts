/**
 * The schema registry on a broker: curl with the requests of Confluent Schema Registry's
 * documentation, then the registry's real clients unchanged — @kafkajs/confluent-schema-registry
 * and @confluentinc/schemaregistry — registering Avro, JSON Schema and Protobuf schemas whose
 * records travel through kafkajs and decode back; compatibility refusals, deletes, config and
 * mode with the registry's error codes; schemas surviving a broker restart (kept in `_schemas`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker.js';

const run = promisify(execFile);
const SR = 'application/vnd.schemaregistry.v1+json';

describe('schema registry', () => {
  let server: TestBroker;
  let url = '';
  let kafka: Kafka;

  const curl = async (method: string, path: string, data?: string): Promise<{ status: number; body: unknown }> => {
    const args = ['-s', '-w', '\n%{http_code}', '-X', method, ...(data !== undefined ? ['-H', `Content-Type: ${SR}`, '--data', data] : []), `${url}${path}`];
    const out = (await run('curl', args)).stdout;
    const cut = out.lastIndexOf('\n');
    return { status: Number(out.slice(cut + 1)), body: JSON.parse(out.slice(0, cut)) };
  };

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1' });
    url = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
    kafka = new Kafka({ brokers: [server.bootstrap], clientId: 'registry-test', logLevel: logLevel.NOTHING });
  });

  after(async () => {
    await server?.stop();
  });

  it("answers the documentation's curl requests", async () => {
    assert.deepEqual(await curl('POST', '/subjects/Kafka-key/versions', '{"schema": "{\\"type\\": \\"string\\"}"}'), { status: 200, body: { id: 1 } });
    assert.deepEqual(await curl('POST', '/subjects/Kafka-value/versions', '{"schema": "{\\"type\\": \\"string\\"}"}'), { status: 200, body: { id: 1 } });
    assert.deepEqual((await curl('GET', '/subjects')).body, ['Kafka-key', 'Kafka-value']);
    assert.deepEqual((await curl('GET', '/schemas/ids/1')).body, { schema: '"string"' });
    assert.deepEqual((await curl('GET', '/subjects/Kafka-value/versions')).body, [1]);
    assert.deepEqual((await curl('GET', '/subjects/Kafka-value/versions/1')).body, { subject: 'Kafka-value', version: 1, id: 1, schema: '"string"' });
    assert.deepEqual((await curl('GET', '/subjects/Kafka-value/versions/latest')).body, { subject: 'Kafka-value', version: 1, id: 1, schema: '"string"' });
    assert.deepEqual((await curl('POST', '/subjects/Kafka-key', '{"schema": "{\\"type\\": \\"string\\"}"}')).body, { subject: 'Kafka-key', version: 1, id: 1, schema: '"string"' });
    assert.deepEqual((await curl('POST', '/compatibility/subjects/Kafka-value/versions/latest', '{"schema": "{\\"type\\": \\"string\\"}"}')).body, { is_compatible: true });
    assert.deepEqual((await curl('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await curl('PUT', '/config', '{"compatibility": "NONE"}')).body, { compatibility: 'NONE' });
    assert.deepEqual((await curl('PUT', '/config/Kafka-value', '{"compatibility": "BACKWARD"}')).body, { compatibility: 'BACKWARD' });
    assert.deepEqual((await curl('GET', '/config/Kafka-value')).body, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await curl('GET', '/schemas/types')).body, ['JSON', 'PROTOBUF', 'AVRO']);
    assert.deepEqual((await curl('GET', '/schemas/ids/1/versions')).body, [{ subject: 'Kafka-key', version: 1 }, { subject: 'Kafka-value', version: 1 }]);
    const incompatible = await curl('POST', '/compatibility/subjects/Kafka-value/versions/latest?verbose=true', '{"schema": "{\\"type\\": \\"int\\"}"}');
    assert.equal((incompatible.body as { is_compatible: boolean }).is_compatible, false);
    assert.ok(((incompatible.body as { messages: string[] }).messages).length > 0);
    const refused = await curl('POST', '/subjects/Kafka-value/versions', '{"schema": "{\\"type\\": \\"int\\"}"}');
    assert.equal(refused.status, 409);
    assert.equal((refused.body as { error_code: number }).error_code, 409);
    assert.deepEqual((await curl('DELETE', '/subjects/Kafka-value/versions/1')).body, 1);
    assert.deepEqual((await curl('GET', '/subjects/Kafka-value/versions/1')).body, { error_code: 40402, message: 'Version 1 not found.' });
    assert.deepEqual((await curl('GET', '/subjects/Kafka-value/versions/1?deleted=true')).status, 200);
    assert.deepEqual((await curl('DELETE', '/subjects/Kafka-key')).body, [1]);
    assert.deepEqual((await curl('GET', '/subjects')).body, []);
    assert.deepEqual((await curl('GET', '/subjects?deleted=true')).body, ['Kafka-key', 'Kafka-value']);
    assert.deepEqual((await curl('DELETE', '/subjects/Kafka-key?permanent=true')).body, [1]);
    assert.deepEqual((await curl('GET', '/subjects?deleted=true')).body, ['Kafka-value']);
    assert.equal((await curl('PUT', '/config', '{"compatibility": "BACKWARD"}')).status, 200);
  });

  it("answers bad requests with the registry's error codes", async () => {
    const cases: [string, string, string | undefined, number, number][] = [
      ['GET', '/subjects/nope/versions', undefined, 404, 40401],
      ['GET', '/subjects/nope/versions/1', undefined, 404, 40401],
      ['GET', '/schemas/ids/999', undefined, 404, 40403],
      ['GET', '/schemas/ids/abc', undefined, 404, 40403],
      ['POST', '/subjects/x/versions', '{"schema": "{\\"type\\": \\"recrod\\"}"}', 422, 42201],
      ['POST', '/subjects/x/versions', '{"schemaType": "XML", "schema": "<a/>"}', 422, 42201],
      ['POST', '/subjects/x/versions', '{}', 422, 42201],
      ['POST', '/subjects/x/versions', '{"schema": "syntax = \\"proto3\\"; message M { int32 a = 1 }", "schemaType": "PROTOBUF"}', 422, 42201],
      ['POST', '/subjects/x/versions', '{"schema": "\\"string\\"", "references": [{"name": "a", "subject": "none", "version": 1}]}', 422, 42201],
      ['GET', '/subjects/Kafka-value/versions/0', undefined, 422, 42202],
      ['GET', '/subjects/Kafka-value/versions/abc', undefined, 422, 42202],
      ['PUT', '/config', '{"compatibility": "SOMETIMES"}', 422, 42203],
      ['PUT', '/mode', '{"mode": "NAP"}', 422, 42204],
      ['GET', '/config/never-configured', undefined, 404, 40408],
      ['DELETE', '/subjects/live?permanent=true', undefined, 404, 40405],
      ['DELETE', '/subjects/live/versions/1?permanent=true', undefined, 404, 40407],
      ['POST', '/subjects/nope', '{"schema": "\\"string\\""}', 404, 40401],
    ];
    assert.equal((await curl('POST', '/subjects/live/versions', '{"schema": "\\"bytes\\""}')).status, 200);
    for (const [method, path, data, status, code] of cases) {
      const r = await curl(method, path, data);
      assert.deepEqual([r.status, (r.body as { error_code: number }).error_code], [status, code], `${method} ${path} ${data ?? ''}: ${JSON.stringify(r.body)}`);
    }
    const plain = await fetch(`${url}/subjects/x/versions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"schema":"\\"string\\""}' });
    assert.equal(plain.status, 415);
  });

  it('registers schemas that reference others, and says who references them', async () => {
    const send = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': SR }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };
    const address = { type: 'record', name: 'Address', namespace: 'shop', fields: [{ name: 'city', type: 'string' }] };
    const customer = { type: 'record', name: 'Customer', namespace: 'shop', fields: [{ name: 'name', type: 'string' }, { name: 'address', type: 'shop.Address' }] };
    const a = await send('POST', '/subjects/address/versions', { schema: JSON.stringify(address) });
    const withoutRef = await send('POST', '/subjects/customer/versions', { schema: JSON.stringify(customer) });
    assert.deepEqual([withoutRef.status, withoutRef.body.error_code], [422, 42201]);
    const references = [{ name: 'shop.Address', subject: 'address', version: 1 }];
    const c = await send('POST', '/subjects/customer/versions', { schema: JSON.stringify(customer), references });
    assert.equal(c.status, 200);
    assert.deepEqual((await curl('GET', `/schemas/ids/${c.body.id as number}`)).body, { references, schema: JSON.stringify(customer) });
    assert.deepEqual((await curl('GET', '/subjects/address/versions/1/referencedby')).body, [c.body.id]);
    assert.notEqual(a.body.id, c.body.id);
  });

  it('READONLY mode refuses registrations', async () => {
    assert.deepEqual((await curl('PUT', '/mode/locked', '{"mode": "READONLY"}')).body, { mode: 'READONLY' });
    const r = await curl('POST', '/subjects/locked/versions', '{"schema": "\\"string\\""}');
    assert.deepEqual([r.status, (r.body as { error_code: number }).error_code], [422, 42205]);
    assert.deepEqual((await curl('DELETE', '/mode/locked')).body, { mode: 'READONLY' });
    assert.equal((await curl('POST', '/subjects/locked/versions', '{"schema": "\\"string\\""}')).status, 200);
  });

  it('@kafkajs/confluent-schema-registry: Avro, JSON Schema and Protobuf records through kafkajs', async () => {
    const registry = new SchemaRegistry({ host: url });
    const avro = { type: 'record', name: 'Payment', namespace: 'shop', fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }] };
    const a1 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(avro) }, { subject: 'payments-value' });
    await assert.rejects(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify({ ...avro, fields: [...avro.fields, { name: 'currency', type: 'string' }] }) }, { subject: 'payments-value' }), /incompatible/);
    const a2 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify({ ...avro, fields: [...avro.fields, { name: 'currency', type: 'string', default: 'EUR' }] }) }, { subject: 'payments-value' });
    assert.notEqual(a1.id, a2.id);
    assert.equal(await registry.getLatestSchemaId('payments-value'), a2.id);
    const json = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify({ type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku'] }) }, { subject: 'items-value' });
    const protoSchema = 'syntax = "proto3";\npackage shop;\nmessage Point {\n  int32 x = 1;\n  int32 y = 2;\n}\n';
    const proto = await registry.register({ type: SchemaType.PROTOBUF, schema: protoSchema }, { subject: 'points-value' });
    assert.equal(new Set([a1.id, a2.id, json.id, proto.id]).size, 4);

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'typed', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const values = [
      await registry.encode(a1.id, { id: 'p-1', amount: 9.5 }),
      await registry.encode(a2.id, { id: 'p-2', amount: 1, currency: 'USD' }),
      await registry.encode(json.id, { sku: 'A-1', qty: 3 }),
      await registry.encode(proto.id, { x: 4, y: -2 }),
    ];
    await assert.rejects(registry.encode(json.id, { qty: 'many' }), /invalid payload/);
    await producer.send({ topic: 'typed', messages: values.map((value) => ({ value })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'typed-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'typed', fromBeginning: true });
    const decoded: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${decoded.length} records decoded`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          decoded.push(JSON.parse(JSON.stringify(await registry.decode(message.value!))));
          if (decoded.length === values.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    assert.deepEqual(decoded, [{ id: 'p-1', amount: 9.5 }, { id: 'p-2', amount: 1, currency: 'USD' }, { sku: 'A-1', qty: 3 }, { x: 4, y: -2 }]);
  });

  it('@confluentinc/schemaregistry serializes and deserializes Avro with the latest version', async () => {
    const client = new SchemaRegistryClient({ baseURLs: [url] });
    const id = await client.register('orders-value', { schemaType: 'AVRO', schema: JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'n', type: 'int' }] }) });
    const bytes = await new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize('orders', { n: 42 });
    assert.deepEqual([...bytes.subarray(0, 5)], [0, 0, 0, 0, id]);
    assert.deepEqual(JSON.parse(JSON.stringify(await new AvroDeserializer(client, SerdeType.VALUE, {}).deserialize('orders', bytes))), { n: 42 });
    const latest = await client.getLatestSchemaMetadata('orders-value');
    assert.deepEqual([latest.id, latest.version, latest.subject], [id, 1, 'orders-value']);
  });

  it('refuses records without a registered schema id on a topic with confluent.value.schema.validation', async () => {
    const registry = new SchemaRegistry({ host: url });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Checked', fields: [{ name: 'n', type: 'int' }] }) }, { subject: 'checked-value' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'checked', numPartitions: 1, configEntries: [{ name: 'confluent.value.schema.validation', value: 'true' }] }] });
    await admin.disconnect();
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      await producer.send({ topic: 'checked', messages: [{ value: await registry.encode(id, { n: 1 }) }, { key: 'gone', value: null }] });
      await assert.rejects(producer.send({ topic: 'checked', messages: [{ value: 'plain text' }] }), (e: Error) => /INVALID_RECORD|invalid|validation/i.test(`${e.name} ${e.message} ${(e as { type?: string }).type ?? ''}`));
      const unknownId = Buffer.from([0, 0, 0, 3, 231, 1, 2]);
      await assert.rejects(producer.send({ topic: 'checked', messages: [{ value: unknownId }] }));
    } finally {
      await producer.disconnect();
    }
    const restBase = `${url}/v3/clusters/${(await (await fetch(`${url}/v3/clusters`)).json() as { data: { cluster_id: string }[] }).data[0]!.cluster_id}`;
    const viaRest = await (await fetch(`${restBase}/topics/checked/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value":{"type":"STRING","data":"not registered"}}' })).json() as { error_code: number; message: string };
    assert.equal(viaRest.error_code, 40002);
    assert.match(viaRest.message, /INVALID_RECORD/);
    const offsets = await kafka.admin();
    await offsets.connect();
    const [end] = await offsets.fetchTopicOffsets('checked');
    await offsets.disconnect();
    assert.equal(end!.high, '2', 'only the valid record and the tombstone were appended');
  });

  it('keeps every schema across a broker restart (read back from _schemas)', async () => {
    const before = (await curl('GET', '/schemas')).body as { subject: string; id: number }[];
    assert.ok(before.length >= 5);
    await server.restart();
    url = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
    const after = (await curl('GET', '/schemas')).body as { subject: string; id: number }[];
    assert.deepEqual(after, before);
    assert.deepEqual((await curl('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    const next = await curl('POST', '/subjects/after-restart/versions', '{"schema": "\\"long\\""}');
    assert.equal((next.body as { id: number }).id, Math.max(...before.map((s) => s.id)) + 1);
  });
});
