/**
 * Console API, security: ACL bindings (list, create, delete one) and SCRAM users (list, set a
 * password, remove a mechanism), through CreateAcls / DescribeAcls / DeleteAcls and
 * Alter/DescribeUserScramCredentials, so the broker's authorizer decides who may do it. Names are
 * Kafka's (TOPIC, PREFIXED, READ, ALLOW, SCRAM-SHA-256).
 */
import type { AclBinding } from '../../../protocol/acl/acl-binding.js';
import { AclOperation, AclPermission, PatternType, ResourceType } from '../../../protocol/acl/acl-binding.js';
import type { ScramMechanism } from '../../../protocol/sasl/scram-credential.js';
import type { ApiRouter } from '../../../http/api-router.js';
import { intField, oneOf, stringField } from '../../../http/fields.js';
import { HttpError } from '../../../http/http-error.js';

type Named = Record<string, number>;

function nameOf(table: Named, code: number): string {
  return Object.entries(table).find(([, v]) => v === code)?.[0] ?? String(code);
}

function codeOf(table: Named, body: Record<string, unknown>, field: string, allowed: readonly string[]): number {
  return table[oneOf((body[field] as string | undefined)?.toUpperCase(), field, allowed)]!;
}

const RESOURCES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'DELEGATION_TOKEN', 'USER'];
const PATTERNS = ['LITERAL', 'PREFIXED'];
const OPERATIONS = Object.keys(AclOperation).filter((k) => !['UNKNOWN', 'ANY'].includes(k));
const PERMISSIONS = ['ALLOW', 'DENY'];
const MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

function bindingView(b: AclBinding) {
  return {
    resourceType: nameOf(ResourceType, b.resourceType), resourceName: b.resourceName, patternType: nameOf(PatternType, b.patternType),
    principal: b.principal, host: b.host, operation: nameOf(AclOperation, b.operation), permission: nameOf(AclPermission, b.permission),
  };
}

function bindingOf(body: Record<string, unknown>): AclBinding {
  const resourceType = codeOf(ResourceType, body, 'resourceType', RESOURCES);
  return {
    resourceType,
    resourceName: resourceType === ResourceType.CLUSTER ? 'kafka-cluster' : stringField(body, 'resourceName'),
    patternType: codeOf(PatternType, { patternType: body.patternType ?? 'LITERAL' }, 'patternType', PATTERNS),
    principal: stringField(body, 'principal'),
    host: stringField(body, 'host', true) || '*',
    operation: codeOf(AclOperation, body, 'operation', OPERATIONS),
    permission: codeOf(AclPermission, { permission: body.permission ?? 'ALLOW' }, 'permission', PERMISSIONS),
  };
}

function failIfError(outcome: { errorCode: number; error: string | null; errorMessage: string | null } | undefined, what: string): void {
  if (outcome && outcome.errorCode !== 0) {
    const status = outcome.error?.endsWith('AUTHORIZATION_FAILED') ? 403 : outcome.error === 'RESOURCE_NOT_FOUND' ? 404 : 400;
    throw new HttpError(status, `${what}: ${outcome.error}${outcome.errorMessage ? ` (${outcome.errorMessage})` : ''}`, outcome.error ?? undefined);
  }
}

export function addSecurityRoutes(router: ApiRouter): void {
  router.add('GET', '/acls', async ({ session }) => {
    const all = await session.admin.describeAcls({
      resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null,
      operation: AclOperation.ANY, permission: AclPermission.ANY,
    });
    return all.map(bindingView);
  });

  router.add('POST', '/acls', async ({ session, body }) => {
    const binding = bindingOf(await body());
    const [outcome] = await session.admin.createAcls([binding]);
    failIfError(outcome, 'cannot create the ACL');
    return { status: 201, body: bindingView(binding) };
  });

  router.add('DELETE', '/acls', async ({ session, body }) => {
    const b = bindingOf(await body());
    const [outcome] = await session.admin.deleteAcls([b]);
    failIfError(outcome, 'cannot delete the ACL');
    if (!outcome || outcome.deleted.length === 0) throw new HttpError(404, 'no such ACL');
    return { deleted: outcome.deleted.map(bindingView) };
  });

  router.add('GET', '/users', async ({ session }) => {
    const users = await session.admin.describeUserScramCredentials();
    return users.filter((u) => u.errorCode === 0).map((u) => ({ user: u.user, credentials: u.credentials }));
  });

  router.add('PUT', '/users/:user', async ({ session, params, body }) => {
    const b = await body();
    const mechanism = oneOf(b.mechanism as string | undefined, 'mechanism', MECHANISMS, 'SCRAM-SHA-256') as ScramMechanism;
    const password = stringField(b, 'password');
    const iterations = intField(b, 'iterations', 4096, true);
    const [r] = await session.admin.alterUserScramCredentials([{ user: params.user!, mechanism, password, ...(iterations ? { iterations } : {}) }]);
    failIfError(r, `cannot set the password of ${params.user}`);
    return { user: params.user, mechanism };
  });

  router.add('DELETE', '/users/:user', async ({ session, params, query }) => {
    const mechanism = oneOf(query.get('mechanism'), 'mechanism', MECHANISMS) as ScramMechanism;
    const [r] = await session.admin.alterUserScramCredentials([{ user: params.user!, mechanism, delete: true }]);
    failIfError(r, `cannot remove ${mechanism} from ${params.user}`);
    return { user: params.user, removed: mechanism };
  });
}
