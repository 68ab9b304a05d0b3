/**
 * What each listener asks of its clients, resolved once at startup from the configuration:
 * its security protocol, its TLS server options, the SASL mechanisms it offers (with PLAIN's
 * user table), and the principal mapping of client certificates. A listener that cannot be
 * served as configured (TLS without a key store, SASL with no mechanism Gregor supports, PLAIN
 * without users) fails the broker's start with a ConfigError saying what to set.
 */
import type { TlsOptions } from 'node:tls';
import { ConfigError } from '../../common/config/config-def.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { parseJaasConfig, plainUsers, JaasConfigError } from './sasl/jaas-config.js';
import { SCRAM_MECHANISMS } from '../../protocol/sasl/scram-credential.js';
import { parseProtocolMap, protocolOf, usesSasl, usesTls, type SecurityProtocol } from './security-protocol.js';
import { parsePrincipalRules, type PrincipalRule } from './tls-principal.js';
import { tlsServerOptions } from './tls-options.js';

/** The SASL mechanisms Gregor can serve. */
export const SUPPORTED_SASL_MECHANISMS = ['PLAIN', ...SCRAM_MECHANISMS, 'OAUTHBEARER'] as const;

export interface ListenerSecurity {
  listener: string;
  protocol: SecurityProtocol;
  tls?: TlsOptions;
  /** Mechanisms offered, in the order configured (SASL listeners only). */
  saslMechanisms: string[];
  /** PLAIN's users and passwords (when PLAIN is offered). */
  plainUsers: ReadonlyMap<string, string>;
  /** The options of the OAUTHBEARER JAAS config (the unsecured validator's settings). */
  oauthBearerOptions: Record<string, string>;
  principalRules: PrincipalRule[];
  /** connections.max.reauth.ms for this listener (0: sessions do not expire). */
  maxReauthMs: number;
  /** sasl.server.max.receive.size: the largest frame before authentication completes. */
  maxReceiveBeforeAuth: number;
}

function saslSetup(config: BrokerConfig, listener: string): Pick<ListenerSecurity, 'saslMechanisms' | 'plainUsers' | 'oauthBearerOptions'> {
  const enabled = ((config.forListener(listener, 'sasl.enabled.mechanisms') as string[] | null) ?? []).map((m) => m.trim().toUpperCase());
  const mechanisms = enabled.filter((m) => (SUPPORTED_SASL_MECHANISMS as readonly string[]).includes(m));
  if (mechanisms.length === 0) {
    throw new ConfigError('sasl.enabled.mechanisms', `listener ${listener} offers ${enabled.join(', ') || 'no mechanism'}; Gregor supports ${SUPPORTED_SASL_MECHANISMS.join(', ')} (set listener.name.${listener.toLowerCase()}.sasl.enabled.mechanisms or sasl.enabled.mechanisms)`);
  }
  let users = new Map<string, string>();
  if (mechanisms.includes('PLAIN')) {
    const jaas = config.forListener(listener, 'sasl.jaas.config', 'PLAIN') as string | null;
    if (!jaas) {
      throw new ConfigError('sasl.jaas.config', `PLAIN on listener ${listener} needs its users: set listener.name.${listener.toLowerCase()}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";`);
    }
    try {
      users = plainUsers(parseJaasConfig(jaas));
    } catch (e) {
      if (e instanceof JaasConfigError) throw new ConfigError(`listener.name.${listener.toLowerCase()}.plain.sasl.jaas.config`, e.message);
      throw e;
    }
  }
  let oauthBearerOptions: Record<string, string> = {};
  const oauthJaas = mechanisms.includes('OAUTHBEARER') ? config.forListener(listener, 'sasl.jaas.config', 'OAUTHBEARER') as string | null : null;
  if (oauthJaas) {
    try {
      oauthBearerOptions = Object.assign({}, ...parseJaasConfig(oauthJaas).map((m) => m.options)) as Record<string, string>;
    } catch (e) {
      if (e instanceof JaasConfigError) throw new ConfigError(`listener.name.${listener.toLowerCase()}.oauthbearer.sasl.jaas.config`, e.message);
      throw e;
    }
  }
  return { saslMechanisms: mechanisms, plainUsers: users, oauthBearerOptions };
}

export function listenerSecurity(config: BrokerConfig, listener: string): ListenerSecurity {
  const protocol = protocolOf(listener, parseProtocolMap((config.list('listener.security.protocol.map') ?? [])));
  return {
    listener,
    protocol,
    tls: usesTls(protocol) ? tlsServerOptions(config, listener) : undefined,
    ...(usesSasl(protocol) ? saslSetup(config, listener) : { saslMechanisms: [], plainUsers: new Map(), oauthBearerOptions: {} }),
    principalRules: parsePrincipalRules((config.forListener(listener, 'ssl.principal.mapping.rules') as string | null) ?? 'DEFAULT'),
    maxReauthMs: Number(config.forListener(listener, 'connections.max.reauth.ms') ?? 0),
    maxReceiveBeforeAuth: Number(config.forListener(listener, 'sasl.server.max.receive.size') ?? 524288),
  };
}
