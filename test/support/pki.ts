/**
 * Test support: a throwaway PKI made with the openssl command: a CA, a broker certificate for
 * localhost / 127.0.0.1 (key and chain in one PEM file, as ssl.keystore.type=PEM takes it), a
 * client certificate signed by the CA, and one signed by nobody the broker trusts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOk, executableProblem, run } from './clients/process.js';

export const OPENSSL = process.env.GREGOR_OPENSSL ?? '/usr/bin/openssl';

export interface TestPki {
  dir: string;
  caPem: string;
  /** Private key and certificate chain of the broker, one PEM file. */
  brokerPem: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate the broker's CA did not sign. */
  strangerCert: string;
  strangerKey: string;
  remove(): void;
}

export function opensslMissing(): string | undefined {
  const problem = executableProblem(OPENSSL);
  return problem === undefined ? undefined : `openssl unavailable (${problem}); set GREGOR_OPENSSL`;
}

async function openssl(args: string[]): Promise<void> {
  checkOk(`openssl ${args.join(' ')}`, await run(OPENSSL, args, { timeoutMs: 30_000 }));
}

/** Creates the PKI; `clientSubject` is the client certificate's subject in openssl's /K=V form. */
export async function createTestPki(clientSubject = '/C=DE/O=Acme/OU=eng/CN=app1'): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-pki-'));
  const p = (f: string): string => join(dir, f);
  const key = (f: string): Promise<void> => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(f)]);
  await key('ca.key');
  await openssl(['req', '-x509', '-new', '-key', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=Gregor Test CA']);
  const signed = async (name: string, subject: string, ca: [string, string] | null, ext?: string): Promise<void> => {
    await key(`${name}.key`);
    await openssl(['req', '-new', '-key', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subject]);
    if (ext) writeFileSync(p(`${name}.ext`), ext);
    const signer = ca ? ['-CA', ca[0], '-CAkey', ca[1], '-CAcreateserial'] : ['-signkey', p(`${name}.key`)];
    await openssl(['x509', '-req', '-in', p(`${name}.csr`), ...signer, '-out', p(`${name}.crt`), '-days', '2', ...(ext ? ['-extfile', p(`${name}.ext`)] : [])]);
  };
  await signed('broker', '/CN=localhost', [p('ca.pem'), p('ca.key')], 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  writeFileSync(p('broker.pem'), Buffer.concat([readFileSync(p('broker.key')), readFileSync(p('broker.crt'))]));
  await signed('client', clientSubject, [p('ca.pem'), p('ca.key')]);
  await signed('stranger', '/CN=stranger', null);
  return {
    dir, caPem: p('ca.pem'), brokerPem: p('broker.pem'), clientCert: p('client.crt'), clientKey: p('client.key'),
    strangerCert: p('stranger.crt'), strangerKey: p('stranger.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
