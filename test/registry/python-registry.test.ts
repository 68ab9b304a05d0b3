/**
 * confluent-kafka Python's schema registry client (Debian's python3-confluent-kafka, with
 * python3-requests and python3-jsonschema) against the broker's registry: it registers an Avro
 * schema and reads it back by id, and its JSON Schema serializer registers a schema while
 * producing records that its deserializer reads back through confluent-kafka's consumer.
 * (Debian has no fastavro, so the Python Avro serializer is not exercised.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { PYTHON, runPython } from '../support/clients/python.js';
import { run } from '../support/clients/process.js';

const PROBE = 'from confluent_kafka.schema_registry import SchemaRegistryClient\nfrom confluent_kafka.schema_registry.json_schema import JSONSerializer\n';
const probe = await run(PYTHON, ['-'], { input: PROBE, timeoutMs: 20_000 }).catch((e: unknown) => ({ code: 1, stderr: String(e) }));
const missing = probe.code === 0 ? undefined : `confluent-kafka's schema registry client unavailable in ${PYTHON} (apt-get install python3-confluent-kafka python3-requests python3-jsonschema)`;
if (missing) console.log(`# skipping: ${missing}`);

const SCRIPT = `
import json, sys, time
from confluent_kafka import Producer, Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient, Schema
from confluent_kafka.schema_registry.json_schema import JSONSerializer, JSONDeserializer
from confluent_kafka.serialization import SerializationContext, MessageField
p = json.loads(sys.argv[1])
sr = SchemaRegistryClient({'url': p['registry']})
avro = json.dumps({'type': 'record', 'name': 'Ping', 'fields': [{'name': 'at', 'type': 'long'}]})
avro_id = sr.register_schema('pings-value', Schema(avro, 'AVRO'))
print(json.dumps({'avro_id': avro_id, 'avro_back': json.loads(sr.get_schema(avro_id).schema_str)}))
schema_str = json.dumps({'$schema': 'http://json-schema.org/draft-07/schema#', 'title': 'Order', 'type': 'object',
                         'properties': {'id': {'type': 'integer'}, 'item': {'type': 'string'}}, 'required': ['id']})
ser = JSONSerializer(schema_str, sr)
producer = Producer({'bootstrap.servers': p['bootstrap']})
for i in range(3):
    producer.produce(p['topic'], value=ser({'id': i, 'item': 'x%d' % i}, SerializationContext(p['topic'], MessageField.VALUE)))
producer.flush(10)
latest = sr.get_latest_version(p['topic'] + '-value')
print(json.dumps({'latest_id': latest.schema_id, 'latest_version': latest.version, 'subjects': sorted(sr.get_subjects())}))
de = JSONDeserializer(schema_str)
consumer = Consumer({'bootstrap.servers': p['bootstrap'], 'group.id': 'py-registry', 'auto.offset.reset': 'earliest'})
consumer.subscribe([p['topic']])
got = []
deadline = time.time() + 20
while len(got) < 3 and time.time() < deadline:
    m = consumer.poll(0.5)
    if m is None or m.error():
        continue
    got.append(de(m.value(), SerializationContext(p['topic'], MessageField.VALUE)))
consumer.close()
print(json.dumps(got))
`;

describe("confluent-kafka Python's schema registry client", { skip: missing ?? false }, () => {
  let server: TestBroker;

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1' });
  });

  after(async () => {
    await server?.stop();
  });

  it('registers and reads schemas, and JSON Schema records travel through confluent-kafka', async () => {
    const registry = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
    const [avro, latest, records] = await runPython<Record<string, unknown>>(SCRIPT, { registry, bootstrap: server.bootstrap, topic: 'py-orders' }, 60_000);
    assert.deepEqual(avro, { avro_id: 1, avro_back: { type: 'record', name: 'Ping', fields: [{ name: 'at', type: 'long' }] } });
    assert.deepEqual(latest, { latest_id: 2, latest_version: 1, subjects: ['pings-value', 'py-orders-value'] });
    assert.deepEqual(records, [{ id: 0, item: 'x0' }, { id: 1, item: 'x1' }, { id: 2, item: 'x2' }]);
  });
});
