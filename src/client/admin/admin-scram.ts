/**
 * Admin SCRAM credential operations (KIP-554): set or delete users' SCRAM-SHA-256/512 credentials
 * (AlterUserScramCredentials; the password is salted and hashed here, only the salted password
 * travels) and list which mechanisms each user has (DescribeUserScramCredentials).
 *
 * Contract: stateless functions over the AdminContext; the Admin class delegates to them.
 */
import { randomBytes } from 'node:crypto';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { MIN_ITERATIONS, mechanismOfType, mechanismType, saltPassword, type ScramMechanism } from '../../protocol/sasl/scram-credential.js';
import { call, check, errorName } from './requests.js';
import type { AdminContext } from './admin-helpers.js';

export type ScramCredentialChange =
  | { user: string; mechanism: ScramMechanism; password: string; iterations?: number }
  | { user: string; mechanism: ScramMechanism; delete: true };

export interface UserResult {
  user: string;
  errorCode: number;
  error: string | null;
  errorMessage: string | null;
}

export interface UserScramCredentials extends UserResult {
  credentials: { mechanism: ScramMechanism; iterations: number }[];
}

export async function alterUserScramCredentials(ctx: AdminContext, changes: readonly ScramCredentialChange[]): Promise<UserResult[]> {
  const deletions = changes.filter((c) => 'delete' in c).map((c) => ({ name: c.user, mechanism: mechanismType(c.mechanism) }));
  const upsertions = changes.flatMap((c) => {
    if ('delete' in c) return [];
    const salt = randomBytes(32);
    const iterations = c.iterations ?? MIN_ITERATIONS;
    return [{ name: c.user, mechanism: mechanismType(c.mechanism), iterations, salt, saltedPassword: saltPassword(c.mechanism, c.password, salt, iterations) }];
  });
  const { response } = await call(ctx.client, 'controller', ApiKey.AlterUserScramCredentials, 0, () => ({ deletions, upsertions }));
  return response.results.map((r) => ({ user: r.user, errorCode: r.errorCode, error: errorName(r.errorCode), errorMessage: r.errorMessage }));
}

/** The users' credentials (mechanism and iterations, never secrets); every user's when `users` is null. */
export async function describeUserScramCredentials(ctx: AdminContext, users: readonly string[] | null = null): Promise<UserScramCredentials[]> {
  return ctx.client.withRetries(async () => {
    const { response } = await call(ctx.client, 'any', ApiKey.DescribeUserScramCredentials, 0, () => ({ users: users === null ? null : users.map((name) => ({ name })) }));
    check(response.errorCode, 'describe user SCRAM credentials', response.errorMessage);
    return response.results.map((r) => ({
      user: r.user,
      errorCode: r.errorCode,
      error: r.errorCode === ErrorCode.NONE ? null : errorName(r.errorCode),
      errorMessage: r.errorMessage,
      credentials: r.credentialInfos.flatMap((i) => {
        const mechanism = mechanismOfType(i.mechanism);
        return mechanism ? [{ mechanism, iterations: i.iterations }] : [];
      }),
    }));
  });
}
