/**
 * A TLS listener's server options from Kafka's `ssl.*` settings (node:tls does the protocol):
 *
 *   key store   ssl.keystore.type=PEM with ssl.keystore.location (a file holding the private key
 *               and the certificate chain) or ssl.keystore.certificate.chain + ssl.keystore.key
 *               (PEM text); ssl.keystore.type=PKCS12 with ssl.keystore.location and
 *               ssl.keystore.password. A PEM file is recognised whatever the type says. JKS is
 *               refused with the keytool command that converts it.
 *   trust store ssl.truststore.location (PEM certificates) or ssl.truststore.certificates; used to
 *               check client certificates (ssl.client.auth=required|requested).
 *   protocols   ssl.enabled.protocols (TLSv1.2, TLSv1.3), ssl.cipher.suites (IANA or OpenSSL names).
 *
 * Each setting is read for the listener (`listener.name.<l>.ssl.*` first).
 */
import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import { ConfigError } from '../../common/config/config-def.js';
import type { BrokerConfig } from '../config/broker-config.js';

/** What ssl.client.auth asks of clients. */
export type ClientAuth = 'required' | 'requested' | 'none';

const JKS_MAGIC = 0xfeedfeed;

function str(config: BrokerConfig, listener: string, name: string): string | null {
  return config.forListener(listener, name) as string | null;
}

function readStore(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(setting, `cannot read ${path}: ${(e as Error).message}`);
  }
}

function isPem(bytes: Buffer): boolean {
  return bytes.subarray(0, 200).toString('latin1').includes('-----BEGIN ');
}

function refuseJks(setting: string, path: string, store: 'keystore' | 'truststore'): never {
  const convert = store === 'keystore'
    ? `keytool -importkeystore -srckeystore ${path} -destkeystore ${path}.p12 -deststoretype PKCS12, then set ssl.keystore.type=PKCS12`
    : `keytool -exportcert -rfc -keystore ${path} -alias <alias> -file ca.pem, then set ssl.truststore.type=PEM and ssl.truststore.location=ca.pem`;
  throw new ConfigError(setting, `${path} is a JKS ${store}, which Gregor cannot read: convert it (${convert})`);
}

function keyStore(config: BrokerConfig, l: string): Pick<TlsOptions, 'key' | 'cert' | 'pfx' | 'passphrase'> {
  const type = (str(config, l, 'ssl.keystore.type') ?? 'JKS').toUpperCase();
  const location = str(config, l, 'ssl.keystore.location');
  const keyPassword = str(config, l, 'ssl.key.password') ?? undefined;
  const chain = str(config, l, 'ssl.keystore.certificate.chain');
  const key = str(config, l, 'ssl.keystore.key');
  if (chain || key) {
    if (!chain || !key) throw new ConfigError('ssl.keystore.certificate.chain', `listener ${l} needs both ssl.keystore.certificate.chain and ssl.keystore.key`);
    return { cert: chain, key, passphrase: keyPassword };
  }
  if (!location) throw new ConfigError('ssl.keystore.location', `listener ${l} uses TLS but has no key store: set ssl.keystore.location (PEM or PKCS12) or ssl.keystore.certificate.chain and ssl.keystore.key`);
  const bytes = readStore('ssl.keystore.location', location);
  if (isPem(bytes)) return { cert: bytes, key: bytes, passphrase: keyPassword };
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === JKS_MAGIC) refuseJks('ssl.keystore.location', location, 'keystore');
  if (type === 'PKCS12') return { pfx: bytes, passphrase: str(config, l, 'ssl.keystore.password') ?? undefined };
  throw new ConfigError('ssl.keystore.type', `${location} is neither PEM nor, with ssl.keystore.type=PKCS12, a PKCS12 file (type is ${type})`);
}

function trustStore(config: BrokerConfig, l: string): Pick<TlsOptions, 'ca'> {
  const inline = str(config, l, 'ssl.truststore.certificates');
  if (inline) return { ca: inline };
  const location = str(config, l, 'ssl.truststore.location');
  if (!location) return {};
  const bytes = readStore('ssl.truststore.location', location);
  if (isPem(bytes)) return { ca: bytes };
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === JKS_MAGIC) refuseJks('ssl.truststore.location', location, 'truststore');
  throw new ConfigError('ssl.truststore.location', `${location} is not a PEM file of certificates: export them (openssl pkcs12 -in ${location} -nokeys -out ca.pem) and point ssl.truststore.location at ca.pem`);
}

/** Java's protocol names to Node's TLS version bounds. */
function versions(enabled: readonly string[]): Pick<TlsOptions, 'minVersion' | 'maxVersion'> {
  const known = enabled.filter((p) => p === 'TLSv1.2' || p === 'TLSv1.3') as ('TLSv1.2' | 'TLSv1.3')[];
  if (known.length === 0) throw new ConfigError('ssl.enabled.protocols', `none of ${enabled.join(', ')} is supported: use TLSv1.2 and/or TLSv1.3`);
  return { minVersion: known.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3', maxVersion: known.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2' };
}

/** IANA names Java uses for common TLS 1.2 suites, in OpenSSL's naming; TLS 1.3 names are the same in both. */
const IANA_TO_OPENSSL: Record<string, string> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: 'DHE-RSA-AES128-GCM-SHA256',
  TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: 'DHE-RSA-AES256-GCM-SHA384',
};

function ciphers(suites: readonly string[]): Pick<TlsOptions, 'ciphers'> {
  if (suites.length === 0) return {};
  return { ciphers: suites.map((s) => IANA_TO_OPENSSL[s] ?? s).join(':') };
}

export function clientAuthOf(config: BrokerConfig, listener: string): ClientAuth {
  return (str(config, listener, 'ssl.client.auth') ?? 'none') as ClientAuth;
}

/** The node:tls server options of a TLS listener; throws ConfigError naming what is missing. */
export function tlsServerOptions(config: BrokerConfig, listener: string): TlsOptions {
  const clientAuth = clientAuthOf(config, listener);
  const trust = trustStore(config, listener);
  if (clientAuth !== 'none' && !trust.ca) {
    throw new ConfigError('ssl.truststore.location', `listener ${listener} has ssl.client.auth=${clientAuth} but no trust store to check client certificates with`);
  }
  return {
    ...keyStore(config, listener),
    ...trust,
    ...versions(config.forListener(listener, 'ssl.enabled.protocols') as string[]),
    ...ciphers((config.forListener(listener, 'ssl.cipher.suites') as string[] | null) ?? []),
    requestCert: clientAuth !== 'none',
    rejectUnauthorized: clientAuth === 'required',
  };
}
