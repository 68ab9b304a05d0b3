/**
 * KIP-368 on a running broker with connections.max.reauth.ms=2000: SaslAuthenticate tells the
 * client its session lifetime; a client that does not re-authenticate is disconnected on its
 * first request after the session ended; one that re-authenticates in time keeps its connection;
 * kafkajs, which re-authenticates by itself, keeps producing across several lifetimes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/clients/raw-client.js';

const LIFETIME_MS = 2000;

describe('SASL re-authentication (connections.max.reauth.ms)', () => {
  let server: TestBroker;
  let port = 0;

  before(async () => {
    server = await startTestBroker({
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="pw";',
      'connections.max.reauth.ms': String(LIFETIME_MS),
      'num.partitions': '1',
    });
    port = server.port;
  });

  after(async () => {
    await server?.stop();
  });

  async function login(c: RawClient): Promise<bigint> {
    assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, 0);
    const r = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('\u0000alice\u0000pw') });
    assert.equal(r.errorCode, 0);
    return r.sessionLifetimeMs ?? 0n;
  }

  const metadata = (c: RawClient) => c.request(ApiKey.Metadata, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });

  it('announces the lifetime; a session left to expire is closed on its next request, a renewed one is not', async () => {
    const stale = await RawClient.connect(port);
    const renewed = await RawClient.connect(port);
    assert.equal(await login(stale), BigInt(LIFETIME_MS));
    await login(renewed);
    await metadata(stale);
    await new Promise((r) => setTimeout(r, LIFETIME_MS * 0.6));
    assert.ok((await login(renewed)) > 0n, 're-authenticated on the same connection');
    await new Promise((r) => setTimeout(r, LIFETIME_MS * 0.6));
    // stale's session ended; renewed's has time left
    stale.send(ApiKey.Metadata, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(await stale.waitClosed(3000), true);
    assert.ok((await metadata(renewed)).brokers.length > 0);
    renewed.socket.destroy();
  });

  it('kafkajs re-authenticates by itself and keeps producing across several session lifetimes', async () => {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username: 'alice', password: 'pw' } });
    const producer = kafka.producer();
    await producer.connect();
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < LIFETIME_MS * 3) {
      await producer.send({ topic: 'reauth', messages: [{ value: String(sent) }] });
      sent++;
      await new Promise((r) => setTimeout(r, 200));
    }
    await producer.disconnect();
    const log = server.broker.services.replicas.get('reauth', 0)!.log;
    assert.equal(log.logEndOffset, sent);
  });
});
