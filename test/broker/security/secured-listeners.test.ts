/**
 * A broker with four listeners — PLAINTEXT (administration), SASL_PLAINTEXT (PLAIN and SCRAM),
 * SSL with required client certificates, SASL_SSL (SCRAM-SHA-512 and PLAIN) — and the clients
 * users have: kafkajs, librdkafka (kcat and confluent-kafka), kafka-python, producing and consuming
 * on each, then the refusals: wrong password, unknown user, a mechanism the listener does not
 * offer, a request before authentication, plaintext on a TLS port, an untrusted certificate.
 * Certificates come from openssl (test/support/pki.ts); SCRAM users are created with
 * AlterUserScramCredentials through Gregor's admin client, as kafka-configs does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { Admin } from '../../../src/client/admin/admin.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { createTestPki, opensslMissing, type TestPki } from '../../support/pki.js';
import { KCAT, kcatConsume, kcatMissing, kcatProduce } from '../../support/clients/kcat.js';
import { kafkaPython, PYTHON, runPython } from '../../support/clients/python.js';
import { run } from '../../support/clients/process.js';
import { RawClient } from '../../support/clients/raw-client.js';

const missing = opensslMissing();
if (missing) console.log(`# skipping secured-listener tests: ${missing}`);
const kcatProblem = kcatMissing();
if (kcatProblem) console.log(`# skipping kcat cases: ${kcatProblem}`);
const pythonProbe = await kafkaPython();
const pythonProblem = typeof pythonProbe === 'string' ? pythonProbe : undefined;
if (pythonProblem) console.log(`# skipping kafka-python cases: ${pythonProblem}`);

const PLAIN_USERS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-plain" user_bob="bob-plain";';

describe('secured listeners with real clients', { skip: missing !== undefined }, () => {
  let pki: TestPki;
  let server: TestBroker;
  const port: Record<string, number> = {};
  const addr = (listener: string): string => `127.0.0.1:${port[listener]}`;

  before(async () => {
    pki = await createTestPki();
    server = await startTestBroker({
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': pki.brokerPem,
      'ssl.truststore.location': pki.caPem,
      'listener.name.ssl.ssl.client.auth': 'required',
      'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+),OU=eng,.*$/$1/U,DEFAULT',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
      'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_USERS,
      'listener.name.sasl_ssl.plain.sasl.jaas.config': PLAIN_USERS,
      'connection.failed.authentication.delay.ms': '20',
      'num.partitions': '1',
    });
    for (const l of server.broker.listeners) port[l.name] = l.boundPort;
    const client = await KafkaClient.connect({ bootstrap: [addr('PLAINTEXT')], clientId: 'secured-admin' });
    const admin = new Admin(client);
    try {
      const results = await admin.alterUserScramCredentials([
        { user: 'carol', mechanism: 'SCRAM-SHA-256', password: 'carol-256' },
        { user: 'carol', mechanism: 'SCRAM-SHA-512', password: 'carol-512', iterations: 8192 },
      ]);
      assert.deepEqual(results.map((r) => [r.user, r.errorCode]), [['carol', 0]]);
      const described = await admin.describeUserScramCredentials();
      assert.deepEqual(described.map((d) => [d.user, d.credentials]), [['carol', [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }, { mechanism: 'SCRAM-SHA-512', iterations: 8192 }]]]);
    } finally {
      await client.close();
    }
  });

  after(async () => {
    await server?.stop();
    pki?.remove();
  });

  function kafkajs(listener: string, sasl?: SASLOptions, clientId = 'kafkajs-secured'): Kafka {
    const tls = listener === 'SASL_SSL' || listener === 'SSL';
    return new Kafka({
      clientId, brokers: [addr(listener)], logLevel: logLevel.NOTHING, retry: { retries: 0 },
      ssl: tls ? { ca: [readFileSync(pki.caPem)], ...(listener === 'SSL' ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}) } : undefined,
      sasl,
    });
  }

  async function kafkajsRoundTrip(k: Kafka, topic: string, values: string[]): Promise<string[]> {
    const producer = k.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ value })) });
    await producer.disconnect();
    const consumer = k.consumer({ groupId: `${topic}-group` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kafkajs read ${seen.length} of ${values.length}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === values.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    return seen;
  }

  it('kafkajs: PLAIN and SCRAM-SHA-256 on SASL_PLAINTEXT, SCRAM-SHA-512 on SASL_SSL, a client certificate on SSL', async () => {
    const cases: [string, SASLOptions | undefined, string][] = [
      ['SASL_PLAINTEXT', { mechanism: 'plain', username: 'alice', password: 'alice-plain' }, 'kj-plain'],
      ['SASL_PLAINTEXT', { mechanism: 'scram-sha-256', username: 'carol', password: 'carol-256' }, 'kj-scram256'],
      ['SASL_SSL', { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-512' }, 'kj-scram512-tls'],
      ['SSL', undefined, 'kj-mtls'],
    ];
    for (const [listener, sasl, topic] of cases) {
      const values = [`${topic}-1`, `${topic}-2`, `${topic}-3`];
      assert.deepEqual(await kafkajsRoundTrip(kafkajs(listener, sasl), topic, values), values, topic);
    }
  });

  it('the authorizer-facing principals: the SASL user, and the mapped certificate name on SSL', async () => {
    const k = kafkajs('SSL');
    const admin = k.admin();
    await admin.connect();
    await admin.listTopics();
    const sslSessions = server.broker.sessions().filter((s) => s.listener === 'SSL');
    assert.ok(sslSessions.length > 0);
    assert.deepEqual([...new Set(sslSessions.map((s) => s.principal))], ['User:APP1']);
    await admin.disconnect();
    const scram = kafkajs('SASL_SSL', { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-512' }).admin();
    await scram.connect();
    await scram.listTopics();
    assert.ok(server.broker.sessions().some((s) => s.listener === 'SASL_SSL' && s.principal === 'User:carol' && s.authenticated));
    await scram.disconnect();
  });

  it('kafkajs refusals: a wrong password, an unknown user, a mechanism the listener does not offer', async () => {
    const refused = async (listener: string, sasl: SASLOptions): Promise<string> => {
      const admin = kafkajs(listener, sasl).admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    };
    assert.match(await refused('SASL_PLAINTEXT', { mechanism: 'plain', username: 'alice', password: 'nope' }), /Invalid username or password/);
    assert.match(await refused('SASL_SSL', { mechanism: 'scram-sha-512', username: 'carol', password: 'nope' }), /invalid credentials with SASL mechanism SCRAM-SHA-512/);
    assert.match(await refused('SASL_SSL', { mechanism: 'scram-sha-512', username: 'nobody', password: 'x' }), /invalid credentials with SASL mechanism SCRAM-SHA-512/);
    assert.match(await refused('SASL_SSL', { mechanism: 'scram-sha-256', username: 'carol', password: 'carol-256' }), /does not support the requested SASL mechanism/);
  });

  it('kcat (librdkafka): SCRAM-SHA-512 over SASL_SSL and a client certificate over SSL', { skip: kcatProblem !== undefined }, async () => {
    const scram = ['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${pki.caPem}`, '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=carol', '-X', 'sasl.password=carol-512'];
    await kcatProduce(addr('SASL_SSL'), 'kcat-scram', [{ value: 'one' }, { value: 'two' }], { extra: scram });
    assert.deepEqual((await kcatConsume(addr('SASL_SSL'), 'kcat-scram', { extra: scram })).map((r) => r.value), ['one', 'two']);
    const mtls = ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${pki.caPem}`, '-X', `ssl.certificate.location=${pki.clientCert}`, '-X', `ssl.key.location=${pki.clientKey}`];
    await kcatProduce(addr('SSL'), 'kcat-mtls', [{ value: 'tls' }], { extra: mtls });
    assert.deepEqual((await kcatConsume(addr('SSL'), 'kcat-mtls', { extra: mtls })).map((r) => r.value), ['tls']);
  });

  it('OAUTHBEARER with unsecured tokens: kcat (librdkafka builds the token) and kafkajs (the application gives it)', async () => {
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const k = kafkajs('SASL_PLAINTEXT', { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: `${b64({ alg: 'none' })}.${b64({ sub: 'erin', iat: now, exp: now + 600 })}.` }) });
    assert.deepEqual(await kafkajsRoundTrip(k, 'kj-oauth', ['o1', 'o2']), ['o1', 'o2']);
    const erin = k.admin();
    await erin.connect();
    await erin.listTopics();
    assert.ok(server.broker.sessions().some((s) => s.listener === 'SASL_PLAINTEXT' && s.principal === 'User:erin' && s.authenticated), 'the token\'s subject is the principal');
    await erin.disconnect();
    const expired = kafkajs('SASL_PLAINTEXT', { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: `${b64({ alg: 'none' })}.${b64({ sub: 'erin', exp: now - 600 })}.` }) }).admin();
    await assert.rejects(async () => {
      await expired.connect();
      await expired.listTopics();
    });
    await expired.disconnect().catch(() => undefined);
    if (kcatProblem) return;
    const oauth = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', 'sasl.oauthbearer.config=principal=frank'];
    await kcatProduce(addr('SASL_PLAINTEXT'), 'kcat-oauth', [{ value: 'jwt' }], { extra: oauth });
    assert.deepEqual((await kcatConsume(addr('SASL_PLAINTEXT'), 'kcat-oauth', { extra: oauth })).map((r) => r.value), ['jwt']);
  });

  it('kcat refusals: plaintext on a TLS port, no client certificate, an untrusted one, a wrong SCRAM password', { skip: kcatProblem !== undefined }, async () => {
    const metadata = async (listener: string, extra: string[]): Promise<{ code: number; stderr: string }> => {
      const r = await run(KCAT, ['-b', addr(listener), '-L', '-m', '3', ...extra], { timeoutMs: 20_000 });
      return { code: r.code ?? -1, stderr: r.stderr };
    };
    const plaintext = await metadata('SASL_SSL', []);
    assert.notEqual(plaintext.code, 0);
    const noCert = await metadata('SSL', ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${pki.caPem}`]);
    assert.notEqual(noCert.code, 0);
    assert.match(noCert.stderr, /certificate required|handshake|Disconnected/i);
    const stranger = await metadata('SSL', ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${pki.caPem}`, '-X', `ssl.certificate.location=${pki.strangerCert}`, '-X', `ssl.key.location=${pki.strangerKey}`]);
    assert.notEqual(stranger.code, 0);
    const wrong = await metadata('SASL_SSL', ['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${pki.caPem}`, '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=carol', '-X', 'sasl.password=wrong']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /invalid credentials with SASL mechanism SCRAM-SHA-512/);
  });

  it('kafka-python: SSL with a client certificate, PLAIN and SCRAM-SHA-256 on SASL_PLAINTEXT', { skip: pythonProblem !== undefined }, async () => {
    const script = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
p = json.loads(sys.argv[1])
opts = p['opts']
producer = KafkaProducer(bootstrap_servers=p['bootstrap'], **opts)
for v in p['values']:
    producer.send(p['topic'], v.encode()).get(timeout=15)
producer.close(timeout=5)
consumer = KafkaConsumer(bootstrap_servers=p['bootstrap'], enable_auto_commit=False, consumer_timeout_ms=5000, **opts)
tp = TopicPartition(p['topic'], 0)
consumer.assign([tp]); consumer.seek_to_beginning(tp)
print(json.dumps([m.value.decode() for m in consumer]))
consumer.close()
`;
    const cases: [string, string, Record<string, string>][] = [
      ['SSL', 'py-mtls', { security_protocol: 'SSL', ssl_cafile: pki.caPem, ssl_certfile: pki.clientCert, ssl_keyfile: pki.clientKey }],
      ['SASL_PLAINTEXT', 'py-plain', { security_protocol: 'SASL_PLAINTEXT', sasl_mechanism: 'PLAIN', sasl_plain_username: 'bob', sasl_plain_password: 'bob-plain' }],
      ['SASL_PLAINTEXT', 'py-scram', { security_protocol: 'SASL_PLAINTEXT', sasl_mechanism: 'SCRAM-SHA-256', sasl_plain_username: 'carol', sasl_plain_password: 'carol-256' }],
    ];
    for (const [listener, topic, opts] of cases) {
      const values = [`${topic}-a`, `${topic}-b`];
      const [seen] = await runPython<string[]>(script, { bootstrap: addr(listener), topic, values, opts }, 60_000);
      assert.deepEqual(seen, values, topic);
    }
  });

  it('confluent-kafka (librdkafka in Python): SASL_SSL with SCRAM-SHA-512', { skip: pythonProblem !== undefined }, async () => {
    const script = `
import json, sys
from confluent_kafka import Producer, Consumer
p = json.loads(sys.argv[1])
conf = {'bootstrap.servers': p['bootstrap'], 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-512',
        'sasl.username': 'carol', 'sasl.password': 'carol-512', 'ssl.ca.location': p['ca']}
prod = Producer(conf)
for v in p['values']:
    prod.produce(p['topic'], v.encode())
assert prod.flush(15) == 0
c = Consumer({**conf, 'group.id': 'ck-secured', 'auto.offset.reset': 'earliest'})
c.subscribe([p['topic']])
seen = []
import time
deadline = time.time() + 20
while len(seen) < len(p['values']) and time.time() < deadline:
    m = c.poll(0.5)
    if m is not None and not m.error():
        seen.append(m.value().decode())
c.close()
print(json.dumps(seen))
`;
    const r = await run(PYTHON, ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 });
    if (r.code !== 0) {
      console.log('# skipping the confluent-kafka case: confluent_kafka is not importable');
      return;
    }
    const values = ['ck-1', 'ck-2'];
    const [seen] = await runPython<string[]>(script, { bootstrap: addr('SASL_SSL'), topic: 'ck-scram', values, ca: pki.caPem }, 60_000);
    assert.deepEqual(seen, values);
  });

  it('a request other than ApiVersions or SaslHandshake before authentication closes the connection, and nothing is created', async () => {
    const raw = await RawClient.connect(port.SASL_PLAINTEXT!);
    raw.send(ApiKey.Metadata, 4, { topics: [{ name: 'leak-check' }], allowAutoTopicCreation: true });
    assert.equal(await raw.waitClosed(3000), true);
    const versions = await RawClient.connect(port.SASL_PLAINTEXT!);
    const r = await versions.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    assert.equal(r.errorCode, 0);
    const hs = await versions.request(ApiKey.SaslHandshake, 1, { mechanism: 'GSSAPI' });
    assert.deepEqual([hs.errorCode, hs.mechanisms], [33, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']]);
    assert.equal(await versions.waitClosed(3000), true);
    assert.equal(server.broker.services.metadata.topic('leak-check'), undefined);
  });

  it('SaslHandshake v0: the token travels as a raw frame and is answered raw, then requests are served', async () => {
    const raw = await RawClient.connect(port.SASL_PLAINTEXT!);
    const hs = await raw.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' });
    assert.equal(hs.errorCode, 0);
    const token = Buffer.from('\u0000alice\u0000alice-plain');
    const frame = Buffer.alloc(4 + token.length);
    frame.writeInt32BE(token.length, 0);
    token.copy(frame, 4);
    raw.write(frame);
    assert.equal((await raw.nextFrame()).length, 0); // PLAIN's empty success token
    const md = await raw.request(ApiKey.Metadata, 4, { topics: null, allowAutoTopicCreation: false });
    assert.ok(md.brokers.length > 0);
    const bad = await RawClient.connect(port.SASL_PLAINTEXT!);
    await bad.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' });
    const wrong = Buffer.from('\u0000alice\u0000nope');
    const wrongFrame = Buffer.alloc(4 + wrong.length);
    wrongFrame.writeInt32BE(wrong.length, 0);
    wrong.copy(wrongFrame, 4);
    bad.write(wrongFrame);
    assert.equal(await bad.waitClosed(3000), true);
  });
});
