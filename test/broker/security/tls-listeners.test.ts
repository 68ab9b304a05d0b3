/**
 * TLS listener options beyond PEM: a PKCS12 key store with its password, ssl.client.auth=requested
 * (a client without a certificate is ANONYMOUS, one with a trusted certificate gets its mapped
 * name, an untrusted one is disconnected), and ssl.enabled.protocols bounding the TLS version.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { createTestPki, OPENSSL, opensslMissing, type TestPki } from '../../support/pki.js';
import { checkOk, run } from '../../support/clients/process.js';
import { RawClient } from '../../support/clients/raw-client.js';
import { waitFor } from '../../support/clients/wait.js';

const missing = opensslMissing();
if (missing) console.log(`# skipping the TLS listener tests: ${missing}`);

/** Connects with TLS; resolves to the negotiated protocol, or to the error that ended the attempt. */
function tlsTry(port: number, options: ConnectionOptions): Promise<{ protocol?: string | null; error?: string; socket?: ReturnType<typeof connect> }> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, ...options }, () => resolve({ protocol: s.getProtocol(), socket: s }));
    s.once('error', (e) => resolve({ error: e.message }));
  });
}

describe('TLS listener options', { skip: missing !== undefined }, () => {
  let pki: TestPki;
  let server: TestBroker;
  const port: Record<string, number> = {};

  before(async () => {
    pki = await createTestPki();
    const p12 = join(pki.dir, 'broker.p12');
    checkOk('openssl pkcs12', await run(OPENSSL, ['pkcs12', '-export', '-in', pki.brokerPem, '-inkey', pki.brokerPem, '-out', p12, '-passout', 'pass:p12-secret'], { timeoutMs: 30_000 }));
    server = await startTestBroker({
      listeners: 'PLAINTEXT://127.0.0.1:0,PKCS://127.0.0.1:0,OPTIONAL://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,PKCS:SSL,OPTIONAL:SSL',
      'listener.name.pkcs.ssl.keystore.type': 'PKCS12',
      'listener.name.pkcs.ssl.keystore.location': p12,
      'listener.name.pkcs.ssl.keystore.password': 'p12-secret',
      'listener.name.pkcs.ssl.enabled.protocols': 'TLSv1.3',
      'listener.name.optional.ssl.keystore.type': 'PEM',
      'listener.name.optional.ssl.keystore.location': pki.brokerPem,
      'listener.name.optional.ssl.truststore.location': pki.caPem,
      'listener.name.optional.ssl.client.auth': 'requested',
      'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+),.*$/$1/,DEFAULT',
    });
    for (const l of server.broker.listeners) port[l.name] = l.boundPort;
  });

  after(async () => {
    await server?.stop();
    pki?.remove();
  });

  it('a PKCS12 key store serves the certificate; ssl.enabled.protocols=TLSv1.3 refuses TLS 1.2', async () => {
    const ok = await tlsTry(port.PKCS!, { ca: readFileSync(pki.caPem), servername: 'localhost' });
    assert.equal(ok.protocol, 'TLSv1.3');
    ok.socket!.destroy();
    const old = await tlsTry(port.PKCS!, { ca: readFileSync(pki.caPem), servername: 'localhost', maxVersion: 'TLSv1.2' });
    assert.ok(old.error, 'a TLS 1.2 client is refused');
  });

  it('ssl.client.auth=requested: no certificate is ANONYMOUS, a trusted one is named, an untrusted one is turned away', async () => {
    const principalOf = async (options: ConnectionOptions): Promise<string | undefined> => {
      const r = await tlsTry(port.OPTIONAL!, { ca: readFileSync(pki.caPem), servername: 'localhost', ...options });
      if (!r.socket) return undefined;
      const local = `${r.socket.localAddress}:${r.socket.localPort}`;
      const found = await waitFor(() => server.broker.sessions().find((s) => s.address === local)?.principal, { timeoutMs: 3000, intervalMs: 20, what: 'the session' }).catch(() => undefined);
      r.socket.destroy();
      return found;
    };
    assert.equal(await principalOf({}), 'User:ANONYMOUS');
    assert.equal(await principalOf({ cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) }), 'User:app1');
    // an untrusted certificate: the broker ends the connection right after the handshake
    const stranger = await tlsTry(port.OPTIONAL!, { ca: readFileSync(pki.caPem), servername: 'localhost', cert: readFileSync(pki.strangerCert), key: readFileSync(pki.strangerKey) });
    let outcome = stranger.error ? 'refused in the handshake' : 'open';
    if (stranger.socket) {
      const closed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 3000);
        stranger.socket!.once('close', () => {
          clearTimeout(t);
          resolve(true);
        });
        stranger.socket!.on('error', () => undefined);
      });
      if (closed) outcome = 'closed after the handshake';
    }
    assert.notEqual(outcome, 'open', 'an untrusted client certificate must not get a connection');
    assert.equal(server.broker.sessions().some((s) => s.principal === 'User:stranger' || s.principal.includes('CN=stranger')), false);
    // the plaintext listener still answers
    const raw = await RawClient.connect(port.PLAINTEXT!);
    raw.socket.destroy();
  });
});
