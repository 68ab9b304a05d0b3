/**
 * REST v3 ACLs: search with filters in the query (resource_type, resource_name, pattern_type,
 * principal, host, operation, permission; ANY or absent matches all), create one, delete the
 * ones a filter matches; through Describe/Create/DeleteAcls, so the authorizer decides.
 */
import type { AclBinding, AclFilter } from '../../protocol/acl/acl-binding.js';
import { AclOperation, AclPermission, PatternType, ResourceType } from '../../protocol/acl/acl-binding.js';
import type { ApiRouter } from '../../http/api-router.js';
import { stringField } from '../../http/fields.js';
import { badRequest, HttpError } from '../../http/http-error.js';
import type { Links } from '../resources.js';
import type { RestRequest } from '../rest-request.js';

type Table = Record<string, number>;

function code(table: Table, field: string, raw: unknown, fallback?: string): number {
  const name = raw === undefined || raw === null || raw === '' ? fallback : String(raw).toUpperCase();
  if (name === undefined) throw badRequest(`'${field}' is required`);
  const c = table[name];
  if (c === undefined || name === 'UNKNOWN') throw badRequest(`'${field}' must be one of ${Object.keys(table).filter((k) => k !== 'UNKNOWN').join(', ')}, not '${String(raw)}'`);
  return c;
}

function nameOf(table: Table, c: number): string {
  return Object.entries(table).find(([, v]) => v === c)?.[0] ?? 'UNKNOWN';
}

function aclData(links: Links, b: AclBinding) {
  const q = new URLSearchParams({
    resource_type: nameOf(ResourceType, b.resourceType), resource_name: b.resourceName, pattern_type: nameOf(PatternType, b.patternType),
    principal: b.principal, host: b.host, operation: nameOf(AclOperation, b.operation), permission: nameOf(AclPermission, b.permission),
  });
  return links.resource('KafkaAcl', `${links.url('acls')}?${q}`, null, {
    cluster_id: links.clusterId, resource_type: nameOf(ResourceType, b.resourceType), resource_name: b.resourceName,
    pattern_type: nameOf(PatternType, b.patternType), principal: b.principal, host: b.host,
    operation: nameOf(AclOperation, b.operation), permission: nameOf(AclPermission, b.permission),
  });
}

function filterOf(q: URLSearchParams, strict: boolean): AclFilter {
  const get = (k: string) => q.get(k) ?? undefined;
  return {
    resourceType: code(ResourceType, 'resource_type', get('resource_type'), strict ? undefined : 'ANY'),
    resourceName: get('resource_name') ?? null,
    patternType: code(PatternType, 'pattern_type', get('pattern_type'), strict ? undefined : 'ANY'),
    principal: get('principal') ?? null,
    host: get('host') ?? null,
    operation: code(AclOperation, 'operation', get('operation'), strict ? undefined : 'ANY'),
    permission: code(AclPermission, 'permission', get('permission'), strict ? undefined : 'ANY'),
  };
}

export function addAclRoutes(router: ApiRouter<RestRequest>): void {
  router.add('GET', '/clusters/:cluster/acls', async ({ session, links, query }) => {
    const found = await session.admin.describeAcls(filterOf(query, false));
    return links.list('KafkaAclList', `${links.url('acls')}${query.size ? `?${query}` : ''}`, found.map((b) => aclData(links, b)));
  }, 'Search ACLs');

  router.add('POST', '/clusters/:cluster/acls', async ({ session, body }) => {
    const b = await body();
    const binding: AclBinding = {
      resourceType: code(ResourceType, 'resource_type', b.resource_type),
      resourceName: stringField(b, 'resource_name'),
      patternType: code(PatternType, 'pattern_type', b.pattern_type),
      principal: stringField(b, 'principal'),
      host: stringField(b, 'host'),
      operation: code(AclOperation, 'operation', b.operation),
      permission: code(AclPermission, 'permission', b.permission),
    };
    const [outcome] = await session.admin.createAcls([binding]);
    if (outcome && outcome.errorCode !== 0) throw new HttpError(400, outcome.errorMessage ?? `cannot create the ACL: ${outcome.error}`, outcome.error ?? undefined);
    return { status: 201, body: undefined };
  }, 'Create an ACL');

  router.add('DELETE', '/clusters/:cluster/acls', async ({ session, links, query }) => {
    const [outcome] = await session.admin.deleteAcls([filterOf(query, true)]);
    if (outcome && outcome.errorCode !== 0) throw new HttpError(400, outcome.errorMessage ?? `cannot delete ACLs: ${outcome.error}`, outcome.error ?? undefined);
    return { data: (outcome?.deleted ?? []).map((b) => aclData(links, b)) };
  }, 'Delete the ACLs a filter matches');
}
