/**
 * Config changes with librdkafka's admin client (confluent-kafka), as librdkafka's own tests make
 * them:
 *   - a topic's message.format.version set to a v1 format (0092-mixed_msgver) is accepted and
 *     ignored, as Kafka 3.x ignores it: records produced before and after read back alike;
 *   - a dynamically updatable broker setting (sasl.kerberos.min.time.before.relogin) is set on
 *     this broker's resource with the non-incremental AlterConfigs; a static one is refused.
 * Skipped, with the reason printed, without confluent-kafka.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { runPython } from '../../support/clients/python.js';
import { confluentKafkaMissing } from '../../support/clients/txn-python.js';

const problem = await confluentKafkaMissing();
if (problem) console.log(`skipping the confluent-kafka config tests: ${problem}`);

const SCRIPT = String.raw`
import json, sys
from confluent_kafka import Producer, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
p = json.loads(sys.argv[1])
admin = AdminClient({'bootstrap.servers': p['bootstrap']})
topic = p['topic']
admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(15)
producer = Producer({'bootstrap.servers': p['bootstrap'], 'linger.ms': 0})
def produce(values):
    for v in values:
        producer.produce(topic, value=v.encode(), partition=0)
        producer.flush(10)
produce(['a', 'b'])
res = ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={'message.format.version': '0.10.0.0'})
admin.alter_configs([res])[res].result(15)
produce(['c', 'd'])
described = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, topic)])
entries = list(described.values())[0].result(15)
out = {'format': entries['message.format.version'].value}
c = Consumer({'bootstrap.servers': p['bootstrap'], 'group.id': 'cfg', 'enable.auto.commit': False})
c.assign([TopicPartition(topic, 0, 0)])
values = []
while len(values) < 4:
    m = c.poll(10)
    if m is None:
        break
    if not m.error():
        values.append(m.value().decode())
c.close()
out['values'] = values
broker = ConfigResource(ConfigResource.Type.BROKER, p['nodeId'], set_config={'sasl.kerberos.min.time.before.relogin': '58000'})
admin.alter_configs([broker])[broker].result(15)
b = list(admin.describe_configs([ConfigResource(ConfigResource.Type.BROKER, p['nodeId'])]).values())[0].result(15)
out['relogin'] = [b['sasl.kerberos.min.time.before.relogin'].value, b['sasl.kerberos.min.time.before.relogin'].source]
bad = ConfigResource(ConfigResource.Type.BROKER, p['nodeId'], set_config={'log.dirs': '/elsewhere'})
try:
    admin.alter_configs([bad])[bad].result(15)
    out['static'] = 'accepted'
except Exception as e:
    out['static'] = str(e)
print(json.dumps(out))
`;

describe('confluent-kafka config changes', { skip: problem ?? false }, () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  it('message.format.version is accepted and ignored; a dynamic broker setting is set, a static one refused', async () => {
    const [out] = await runPython<{ format: string; values: string[]; relogin: [string, number]; static: string }>(
      SCRIPT, { bootstrap: broker.bootstrap, topic: 'mixed-msgver', nodeId: '1' }, 60_000);
    assert.ok(out);
    assert.equal(out.format, '0.10.0.0');
    assert.deepEqual(out.values, ['a', 'b', 'c', 'd']);
    assert.deepEqual(out.relogin, ['58000', 2]);
    assert.match(out.static, /Cannot update these configs dynamically: Set\(log\.dirs\)/);
  });
});
