/**
 * Listener security from configuration: protocols from listener.security.protocol.map, per-listener
 * settings (listener.name.<l>.), and the start-up refusals that say what to set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BrokerConfig } from '../../../src/broker/config/broker-config.js';
import { listenerSecurity } from '../../../src/broker/security/listener-security.js';

const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="a";';

test('protocols come from the map; a listener it does not name is refused', () => {
  const c = BrokerConfig.fromMap({ listeners: 'INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0', 'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT', 'sasl.enabled.mechanisms': 'PLAIN', 'listener.name.external.plain.sasl.jaas.config': PLAIN_JAAS });
  assert.equal(listenerSecurity(c, 'INTERNAL').protocol, 'PLAINTEXT');
  const ext = listenerSecurity(c, 'EXTERNAL');
  assert.equal(ext.protocol, 'SASL_PLAINTEXT');
  assert.deepEqual([...ext.plainUsers], [['alice', 'a']]);
  const unmapped = BrokerConfig.fromMap({ listeners: 'OTHER://127.0.0.1:0' });
  assert.throws(() => listenerSecurity(unmapped, 'OTHER'), /no security protocol for listener OTHER/);
});

test("per-listener settings win over the broker's, and mechanism-scoped JAAS over the listener's", () => {
  const c = BrokerConfig.fromMap({
    listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
    'sasl.enabled.mechanisms': 'GSSAPI',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
    'sasl.jaas.config': 'x.Y required user_zed="z";',
    'listener.name.SASL_PLAINTEXT.plain.sasl.jaas.config': PLAIN_JAAS,
    'listener.name.sasl_plaintext.connections.max.reauth.ms': '60000',
  });
  const s = listenerSecurity(c, 'SASL_PLAINTEXT');
  assert.deepEqual(s.saslMechanisms, ['PLAIN', 'SCRAM-SHA-512']);
  assert.deepEqual([...s.plainUsers], [['alice', 'a']]);
  assert.equal(s.maxReauthMs, 60000);
});

test('refusals: only GSSAPI, PLAIN without users, TLS without a key store, a JKS key store, client auth without trust', () => {
  const sasl = (more: Record<string, string>) => BrokerConfig.fromMap({ listeners: 'SASL_PLAINTEXT://127.0.0.1:0', ...more });
  assert.throws(() => listenerSecurity(sasl({}), 'SASL_PLAINTEXT'), /offers GSSAPI; Gregor supports PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
  assert.throws(() => listenerSecurity(sasl({ 'sasl.enabled.mechanisms': 'PLAIN' }), 'SASL_PLAINTEXT'), /PLAIN on listener SASL_PLAINTEXT needs its users/);
  const tls = (more: Record<string, string>) => BrokerConfig.fromMap({ listeners: 'SSL://127.0.0.1:0', ...more });
  assert.throws(() => listenerSecurity(tls({}), 'SSL'), /has no key store/);
  const dir = mkdtempSync(join(tmpdir(), 'gregor-tls-conf-'));
  try {
    const jks = join(dir, 'broker.jks');
    writeFileSync(jks, Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
    assert.throws(() => listenerSecurity(tls({ 'ssl.keystore.location': jks }), 'SSL'), /JKS keystore.*keytool -importkeystore/);
    assert.throws(() => listenerSecurity(tls({ 'ssl.keystore.location': join(dir, 'missing.pem') }), 'SSL'), /cannot read/);
    assert.throws(() => listenerSecurity(tls({ 'ssl.keystore.certificate.chain': 'x', 'ssl.keystore.key': 'y', 'ssl.client.auth': 'required' }), 'SSL'), /no trust store/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a listener-scoped setting with a bad value is refused at load, naming it', () => {
  assert.throws(() => BrokerConfig.fromMap({ 'listener.name.ssl.ssl.client.auth': 'always' }), /ssl\.client\.auth/);
  assert.throws(() => BrokerConfig.fromMap({ 'listener.name.ssl.no.such.setting': '1' }), /unknown setting/);
});
