/**
 * Certificates replaced without a restart: altering a TLS listener's key store setting (to a new
 * file, or to the same path after the file was replaced) makes new connections see the new
 * certificate; a store that cannot be read leaves the listener serving the old one.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../../src/client/admin/admin.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { createTestPki, opensslMissing, type TestPki } from '../../support/pki.js';
import { waitFor } from '../../support/clients/wait.js';

const missing = opensslMissing();
if (missing) console.log(`# skipping the TLS reload test: ${missing}`);

function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fp = s.getPeerCertificate().fingerprint256;
      s.destroy();
      resolve(fp);
    });
    s.once('error', reject);
  });
}

describe('TLS certificate reload', { skip: missing !== undefined }, () => {
  let a: TestPki;
  let b: TestPki;
  let server: TestBroker;
  let client: KafkaClient;
  let admin: Admin;
  let sslPort = 0;
  let live = '';

  before(async () => {
    a = await createTestPki();
    b = await createTestPki();
    live = join(a.dir, 'live.pem');
    copyFileSync(a.brokerPem, live);
    server = await startTestBroker({ listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0', 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': live });
    sslPort = server.broker.listeners.find((l) => l.name === 'SSL')!.boundPort;
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'tls-reload' });
    admin = new Admin(client);
  });

  after(async () => {
    client?.close();
    await server?.stop();
    a?.remove();
    b?.remove();
  });

  const setKeystore = (path: string) => admin.incrementalAlterConfigs('broker', '1', [{ name: 'listener.name.ssl.ssl.keystore.location', op: 'set', value: path }]);

  it('a new key store path, the same path over a replaced file, and an unreadable one', async () => {
    const original = await servedFingerprint(sslPort);
    await setKeystore(b.brokerPem);
    const second = await waitFor(async () => {
      const fp = await servedFingerprint(sslPort);
      return fp !== original ? fp : undefined;
    }, { timeoutMs: 5000, intervalMs: 50, what: 'the new certificate to be served' });
    // rotate in place: the same path, new content, the setting written again
    copyFileSync(a.brokerPem, live);
    await setKeystore(live);
    await waitFor(async () => ((await servedFingerprint(sslPort)) === original ? true : undefined), { timeoutMs: 5000, intervalMs: 50, what: 'the rotated certificate to be served' });
    assert.notEqual(second, original);
    // a store that cannot be read: the listener keeps serving what it had
    await setKeystore(join(a.dir, 'missing.pem'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await servedFingerprint(sslPort), original);
  });
});
