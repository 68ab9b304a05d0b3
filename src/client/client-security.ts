/**
 * How a client secures its connections: TLS options for node:tls and SASL credentials, built
 * from Kafka's client properties (security.protocol, sasl.mechanism, sasl.jaas.config with
 * username and password, ssl.truststore.location / ssl.ca.location, ssl.keystore.location,
 * ssl.endpoint.identification.algorithm), so a `--command-config` file written for Kafka's tools
 * works unchanged.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectOptions } from 'node:tls';
import type { SaslMechanismName } from '../protocol/sasl/sasl-client.js';
import { ClientError } from './client-error.js';

export interface ClientSecurity {
  /** Connect with TLS (SSL, SASL_SSL). */
  tls?: Pick<TlsConnectOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'pfx' | 'rejectUnauthorized' | 'checkServerIdentity' | 'servername'>;
  /** Authenticate with SASL (SASL_PLAINTEXT, SASL_SSL). */
  sasl?: { mechanism: SaslMechanismName; username: string; password: string };
}

const MECHANISMS: readonly string[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

function jaasCredentials(jaas: string): { username: string; password: string } {
  const get = (k: string): string | undefined => new RegExp(`${k}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas)?.[1]?.replace(/\\(.)/g, '$1')
    ?? new RegExp(`${k}\\s*=\\s*([^\\s";]+)`).exec(jaas)?.[1];
  const username = get('username');
  const password = get('password');
  if (username === undefined || password === undefined) throw new ClientError('INVALID_ARGUMENT', 'sasl.jaas.config needs username="..." and password="..."');
  return { username, password };
}

function readPem(setting: string, path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ClientError('INVALID_ARGUMENT', `${setting}: cannot read ${path}: ${(e as Error).message}`);
  }
  if (!bytes.subarray(0, 200).toString('latin1').includes('-----BEGIN ')) {
    throw new ClientError('INVALID_ARGUMENT', `${setting}: ${path} is not PEM; convert a JKS or PKCS12 store to PEM (keytool / openssl pkcs12)`);
  }
  return bytes;
}

/** Security from Kafka client properties; undefined for PLAINTEXT. */
export function securityFromProperties(props: ReadonlyMap<string, string>): ClientSecurity | undefined {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) throw new ClientError('INVALID_ARGUMENT', `unknown security.protocol ${protocol}`);
  const out: ClientSecurity = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const ca = props.get('ssl.truststore.location') ?? props.get('ssl.ca.location');
    const keystore = props.get('ssl.keystore.location');
    const verifyHost = (props.get('ssl.endpoint.identification.algorithm') ?? 'https') !== '';
    out.tls = {
      ...(ca ? { ca: readPem('ssl.truststore.location', ca) } : {}),
      ...(keystore ? { cert: readPem('ssl.keystore.location', keystore), key: readPem('ssl.keystore.location', keystore), passphrase: props.get('ssl.key.password') } : {}),
      ...(verifyHost ? {} : { checkServerIdentity: () => undefined }),
    };
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = (props.get('sasl.mechanism') ?? props.get('sasl.mechanisms') ?? 'GSSAPI').toUpperCase();
    if (!MECHANISMS.includes(mechanism)) throw new ClientError('INVALID_ARGUMENT', `sasl.mechanism ${mechanism} is not supported (${MECHANISMS.join(', ')})`);
    const jaas = props.get('sasl.jaas.config');
    const creds = jaas ? jaasCredentials(jaas) : { username: props.get('sasl.username') ?? '', password: props.get('sasl.password') ?? '' };
    if (creds.username === '') throw new ClientError('INVALID_ARGUMENT', 'SASL needs sasl.jaas.config (or sasl.username and sasl.password)');
    out.sasl = { mechanism: mechanism as SaslMechanismName, ...creds };
  }
  return out.tls || out.sasl ? out : undefined;
}
