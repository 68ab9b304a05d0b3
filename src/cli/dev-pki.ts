/**
 * A development certificate authority for `gregor cluster up --secure`: made with the openssl
 * command (kept in <data>/tls and reused on the next start), a CA and one broker certificate for
 * localhost and 127.0.0.1 (key and chain in one PEM file, as ssl.keystore.type=PEM reads it).
 * For trying security locally only: the CA's key sits next to it, unprotected.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevPki {
  dir: string;
  caPem: string;
  brokerPem: string;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('--secure needs the openssl command to make a development CA (Debian/Ubuntu: apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? String(e)}`);
  }
}

export function devPki(dataDir: string): DevPki {
  const dir = join(dataDir, 'tls');
  const p = (f: string): string => join(dir, f);
  const out = { dir, caPem: p('ca.pem'), brokerPem: p('broker.pem') };
  if (existsSync(out.caPem) && existsSync(out.brokerPem)) return out;
  mkdirSync(dir, { recursive: true });
  const key = (f: string): void => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(f)]);
  key('ca.key');
  openssl(['req', '-x509', '-new', '-key', p('ca.key'), '-out', p('ca.pem'), '-days', '825', '-subj', '/CN=Gregor development CA (not for production)']);
  key('broker.key');
  openssl(['req', '-new', '-key', p('broker.key'), '-out', p('broker.csr'), '-subj', '/CN=localhost']);
  writeFileSync(p('broker.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', p('broker.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('broker.crt'), '-days', '825', '-extfile', p('broker.ext')]);
  writeFileSync(out.brokerPem, Buffer.concat([readFileSync(p('broker.key')), readFileSync(p('broker.crt'))]));
  return out;
}
