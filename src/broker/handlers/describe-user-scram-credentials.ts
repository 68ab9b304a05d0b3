/**
 * DescribeUserScramCredentials (key 50), v0: the SCRAM mechanisms and iteration counts each user
 * has credentials for (never the credentials). No users asked: every user with one. A user
 * without credentials is RESOURCE_NOT_FOUND, a user asked twice DUPLICATE_RESOURCE, as in Kafka.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { mechanismType, parseCredential, SCRAM_MECHANISMS } from '../../protocol/sasl/scram-credential.js';
import { defineHandler } from './api-handler.js';

export const describeUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKey.DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    const users = ctx.services.metadata.entityConfigs('users');
    const infosOf = (user: string): { mechanism: number; iterations: number }[] =>
      SCRAM_MECHANISMS.flatMap((m) => {
        const c = users[user]?.[m] === undefined ? undefined : parseCredential(users[user]![m]!);
        return c ? [{ mechanism: mechanismType(m), iterations: c.iterations }] : [];
      });
    const asked = request.users === null || request.users.length === 0
      ? Object.keys(users).filter((u) => infosOf(u).length > 0).sort()
      : request.users.map((u) => u.name);
    const counts = new Map<string, number>();
    for (const u of asked) counts.set(u, (counts.get(u) ?? 0) + 1);
    const results = [...new Set(asked)].map((user) => {
      if (counts.get(user)! > 1) {
        return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request', credentialInfos: [] };
      }
      const credentialInfos = infosOf(user);
      if (credentialInfos.length === 0) {
        return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos };
      }
      return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
});
