/**
 * How this broker reaches the others: the inter-broker listener (`inter.broker.listener.name`,
 * else the listener named after `security.inter.broker.protocol`, else the first) and the
 * client side of its security. TLS trusts the listener's trust store (and presents its key store,
 * for peers that ask for client certificates); SASL uses `sasl.mechanism.inter.broker.protocol`
 * with the `username` and `password` of that mechanism's JAAS config on the listener, as Kafka's
 * brokers do. Brokers authenticate to each other this way for forwarding, replication and
 * transaction markers; with an authorizer, their principal must be a super user (or hold
 * CLUSTER_ACTION and the rest), as in Kafka.
 */
import { ConfigError } from '../../common/config/config-def.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { ClientSecurity } from '../../client/client-security.js';
import { parseJaasConfig } from './sasl/jaas-config.js';
import { parseProtocolMap, protocolOf, usesSasl, usesTls } from './security-protocol.js';
import { SUPPORTED_SASL_MECHANISMS } from './listener-security.js';
import { readFileSync } from 'node:fs';
import type { SaslMechanismName } from '../../protocol/sasl/sasl-client.js';

/** The name of the listener brokers use to reach each other. */
export function interBrokerListenerName(config: BrokerConfig): string {
  const named = config.str('inter.broker.listener.name');
  if (named) return named.toUpperCase();
  const names = config.listeners().map((l) => l.name);
  const byProtocol = (config.str('security.inter.broker.protocol') ?? 'PLAINTEXT').toUpperCase();
  return names.includes(byProtocol) ? byProtocol : names[0] ?? 'PLAINTEXT';
}

function pem(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(setting, `cannot read ${path}: ${(e as Error).message}`);
  }
}

export function interBrokerSecurity(config: BrokerConfig): ClientSecurity | undefined {
  const listener = interBrokerListenerName(config);
  const protocol = protocolOf(listener, parseProtocolMap(config.list('listener.security.protocol.map') ?? []));
  const out: ClientSecurity = {};
  if (usesTls(protocol)) {
    const str = (name: string): string | null => config.forListener(listener, name) as string | null;
    const trust = str('ssl.truststore.certificates') ?? (str('ssl.truststore.location') ? pem('ssl.truststore.location', str('ssl.truststore.location')!) : undefined);
    const chain = str('ssl.keystore.certificate.chain');
    const keystore = str('ssl.keystore.location');
    const keyPem = chain ? undefined : keystore ? pem('ssl.keystore.location', keystore) : undefined;
    const isPem = keyPem !== undefined && keyPem.subarray(0, 200).toString('latin1').includes('-----BEGIN ');
    out.tls = {
      ...(trust ? { ca: trust } : {}),
      ...(chain ? { cert: chain, key: str('ssl.keystore.key') ?? undefined } : isPem ? { cert: keyPem, key: keyPem } : keyPem ? { pfx: keyPem, passphrase: str('ssl.keystore.password') ?? undefined } : {}),
      ...(str('ssl.key.password') ? { passphrase: str('ssl.key.password')! } : {}),
      ...((str('ssl.endpoint.identification.algorithm') ?? 'https') === '' ? { checkServerIdentity: () => undefined } : {}),
    };
  }
  if (usesSasl(protocol)) {
    const mechanism = (config.str('sasl.mechanism.inter.broker.protocol') ?? 'GSSAPI').toUpperCase();
    if (!(SUPPORTED_SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new ConfigError('sasl.mechanism.inter.broker.protocol', `the inter-broker listener ${listener} uses SASL; set sasl.mechanism.inter.broker.protocol to one of ${SUPPORTED_SASL_MECHANISMS.join(', ')} (not ${mechanism})`);
    }
    const jaas = config.forListener(listener, 'sasl.jaas.config', mechanism) as string | null;
    const options = jaas ? parseJaasConfig(jaas).map((m) => m.options).find((o) => o.username !== undefined && o.password !== undefined) : undefined;
    if (!options) {
      throw new ConfigError('sasl.jaas.config', `brokers authenticate to each other with ${mechanism} on ${listener}: give listener.name.${listener.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config a username="..." and password="..."`);
    }
    out.sasl = { mechanism: mechanism as SaslMechanismName, username: options.username!, password: options.password! };
  }
  return out.tls || out.sasl ? out : undefined;
}
