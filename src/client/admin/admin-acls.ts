/**
 * Admin ACL operations: create bindings (CreateAcls), list those a filter matches (DescribeAcls)
 * and delete them (DeleteAcls). All go to the controller, as Kafka's admin client sends them.
 *
 * Contract: stateless functions over the AdminContext; the Admin class delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { AclBinding, AclFilter } from '../../protocol/acl/acl-binding.js';
import { call, check, errorName } from './requests.js';
import type { AdminContext } from './admin-helpers.js';

export interface AclOutcome {
  errorCode: number;
  error: string | null;
  errorMessage: string | null;
}

export async function createAcls(ctx: AdminContext, bindings: readonly AclBinding[]): Promise<AclOutcome[]> {
  const { response } = await call(ctx.client, 'controller', ApiKey.CreateAcls, 3, () => ({
    creations: bindings.map((b) => ({
      resourceType: b.resourceType, resourceName: b.resourceName, resourcePatternType: b.patternType,
      principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission,
    })),
  }), 1);
  return response.results.map((r) => ({ errorCode: r.errorCode, error: errorName(r.errorCode), errorMessage: r.errorMessage }));
}

export async function describeAcls(ctx: AdminContext, filter: AclFilter): Promise<AclBinding[]> {
  return ctx.client.withRetries(async () => {
    const { response } = await call(ctx.client, 'any', ApiKey.DescribeAcls, 3, () => ({
      resourceTypeFilter: filter.resourceType, resourceNameFilter: filter.resourceName, patternTypeFilter: filter.patternType,
      principalFilter: filter.principal, hostFilter: filter.host, operation: filter.operation, permissionType: filter.permission,
    }), 1);
    check(response.errorCode, 'describe ACLs', response.errorMessage);
    return response.resources.flatMap((r) => r.acls.map((a) => ({
      resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.patternType ?? 3,
      principal: a.principal, host: a.host, operation: a.operation, permission: a.permissionType,
    })));
  });
}

/** Deletes what each filter matches; per filter, the bindings deleted (or the filter's error). */
export async function deleteAcls(ctx: AdminContext, filters: readonly AclFilter[]): Promise<(AclOutcome & { deleted: AclBinding[] })[]> {
  const { response } = await call(ctx.client, 'controller', ApiKey.DeleteAcls, 3, () => ({
    filters: filters.map((f) => ({
      resourceTypeFilter: f.resourceType, resourceNameFilter: f.resourceName, patternTypeFilter: f.patternType,
      principalFilter: f.principal, hostFilter: f.host, operation: f.operation, permissionType: f.permission,
    })),
  }), 1);
  return response.filterResults.map((r) => ({
    errorCode: r.errorCode, error: errorName(r.errorCode), errorMessage: r.errorMessage,
    deleted: r.matchingAcls.map((m) => ({
      resourceType: m.resourceType, resourceName: m.resourceName, patternType: m.patternType ?? 3,
      principal: m.principal, host: m.host, operation: m.operation, permission: m.permissionType,
    })),
  }));
}
