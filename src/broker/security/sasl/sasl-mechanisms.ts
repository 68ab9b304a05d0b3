/**
 * A SaslServer for a mechanism a listener offers: PLAIN against the listener's JAAS users, SCRAM
 * against the credentials kept in the metadata store, OAUTHBEARER with Kafka's unsecured-token
 * validator (its JAAS options).
 */
import type { ListenerSecurity } from '../listener-security.js';
import { PlainSaslServer } from './plain-server.js';
import { OAuthBearerSaslServer, unsecuredValidatorOptions } from './oauthbearer-server.js';
import type { SaslServer } from './sasl-server.js';
import { SCRAM_MECHANISMS, type ScramCredential, type ScramMechanism } from '../../../protocol/sasl/scram-credential.js';
import { ScramSaslServer } from './scram-server.js';

export type ScramCredentialLookup = (user: string, mechanism: ScramMechanism) => ScramCredential | undefined;

export function newSaslServer(mechanism: string, listener: ListenerSecurity, scram: ScramCredentialLookup, now: () => number): SaslServer | undefined {
  if (!listener.saslMechanisms.includes(mechanism)) return undefined;
  if (mechanism === 'PLAIN') return new PlainSaslServer(listener.plainUsers);
  if (mechanism === 'OAUTHBEARER') return new OAuthBearerSaslServer(unsecuredValidatorOptions(listener.oauthBearerOptions), now);
  if ((SCRAM_MECHANISMS as readonly string[]).includes(mechanism)) {
    const m = mechanism as ScramMechanism;
    return new ScramSaslServer(m, (user) => scram(user, m));
  }
  return undefined;
}
