/**
 * Kafka's four security protocols and which one each listener speaks
 * (`listener.security.protocol.map`, NAME:PROTOCOL pairs; Kafka's default maps each protocol name
 * to itself). A listener the map does not name is a configuration error, as in Kafka.
 */
import { ConfigError } from '../../common/config/config-def.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export function usesTls(p: SecurityProtocol): boolean {
  return p === 'SSL' || p === 'SASL_SSL';
}

export function usesSasl(p: SecurityProtocol): boolean {
  return p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';
}

/** The map as given, listener names upper-cased; throws ConfigError on a malformed entry. */
export function parseProtocolMap(entries: readonly string[]): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  for (const entry of entries) {
    const m = /^([^:]+):([^:]+)$/.exec(entry.trim());
    if (!m) throw new ConfigError('listener.security.protocol.map', `'${entry}' is not LISTENER_NAME:SECURITY_PROTOCOL`);
    const protocol = m[2]!.trim().toUpperCase() as SecurityProtocol;
    if (!SECURITY_PROTOCOLS.includes(protocol)) {
      throw new ConfigError('listener.security.protocol.map', `unknown security protocol ${m[2]} (use one of ${SECURITY_PROTOCOLS.join(', ')})`);
    }
    map.set(m[1]!.trim().toUpperCase(), protocol);
  }
  return map;
}

/** The protocol of a listener; throws ConfigError when the map does not name it. */
export function protocolOf(listener: string, map: ReadonlyMap<string, SecurityProtocol>): SecurityProtocol {
  const name = listener.toUpperCase();
  const p = map.get(name);
  if (!p) {
    throw new ConfigError('listener.security.protocol.map', `no security protocol for listener ${listener}: add ${name}:PLAINTEXT (or SSL, SASL_PLAINTEXT, SASL_SSL)`);
  }
  return p;
}
