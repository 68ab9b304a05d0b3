/**
 * AlterUserScramCredentials (key 51), v0: adds, replaces and deletes users' SCRAM credentials.
 * The client sends the salted password (never the password); the broker derives StoredKey and
 * ServerKey and keeps them with the salt in the user's settings in the metadata store, where
 * every broker's SCRAM authentication reads them. Per user, in Kafka's order: an unknown
 * mechanism is UNSUPPORTED_SASL_MECHANISM; an empty name, an empty salt or password, or an
 * iteration count outside 4096-16384 UNACCEPTABLE_CREDENTIAL; the same user and mechanism twice
 * DUPLICATE_RESOURCE; deleting what does not exist RESOURCE_NOT_FOUND. A user with any error has
 * none of its changes applied.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import {
  credentialFromSalted, formatCredential, MAX_ITERATIONS, mechanismOfType, MIN_ITERATIONS, type ScramMechanism,
} from '../../protocol/sasl/scram-credential.js';
import { kafkaErrorCodeOf } from '../errors.js';
import { defineHandler } from './api-handler.js';

interface Change {
  user: string;
  mechanism: number;
  upsert?: { iterations: number; salt: Buffer; saltedPassword: Buffer };
}

type Failure = { errorCode: number; errorMessage: string };

function check(c: Change, seen: Map<string, number>, existing: Record<string, Record<string, string>>): Failure | undefined {
  const mechanism = mechanismOfType(c.mechanism);
  if (!mechanism) return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: 'Unknown SCRAM mechanism' };
  if (c.user === '') return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Username must not be empty' };
  if (seen.get(`${c.user}\u0000${c.mechanism}`)! > 1) {
    return { errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' };
  }
  if (c.upsert) {
    if (c.upsert.iterations < MIN_ITERATIONS) return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too few iterations' };
    if (c.upsert.iterations > MAX_ITERATIONS) return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too many iterations' };
    if (c.upsert.salt.length === 0) return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Salt must not be empty' };
    if (c.upsert.saltedPassword.length === 0) return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Salted password must not be empty' };
  } else if (existing[c.user]?.[mechanism] === undefined) {
    return { errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' };
  }
  return undefined;
}

export const alterUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKey.AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const { metadata } = ctx.services;
    const changes: Change[] = [
      ...request.deletions.map((d) => ({ user: d.name, mechanism: d.mechanism })),
      ...request.upsertions.map((u) => ({ user: u.name, mechanism: u.mechanism, upsert: u })),
    ];
    const seen = new Map<string, number>();
    for (const c of changes) seen.set(`${c.user}\u0000${c.mechanism}`, (seen.get(`${c.user}\u0000${c.mechanism}`) ?? 0) + 1);
    const existing = metadata.entityConfigs('users');
    const failures = new Map<string, Failure>();
    for (const c of changes) {
      const f = check(c, seen, existing);
      if (f && !failures.has(c.user)) failures.set(c.user, f);
    }
    const users = [...new Set(changes.map((c) => c.user))];
    const results = await Promise.all(users.map(async (user) => {
      const failure = failures.get(user);
      if (failure) return { user, ...failure };
      const configs = { ...(existing[user] ?? {}) };
      for (const c of changes.filter((x) => x.user === user)) {
        const mechanism = mechanismOfType(c.mechanism) as ScramMechanism;
        if (c.upsert) configs[mechanism] = formatCredential(credentialFromSalted(mechanism, c.upsert.saltedPassword, c.upsert.salt, c.upsert.iterations));
        else delete configs[mechanism];
      }
      try {
        await metadata.setEntityConfigs('users', user, configs);
        return { user, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (e) {
        return { user, errorCode: kafkaErrorCodeOf(e) ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: e instanceof Error ? e.message : String(e) };
      }
    }));
    return { throttleTimeMs: 0, results };
  },
});
