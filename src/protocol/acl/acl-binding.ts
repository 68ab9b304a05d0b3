/**
 * Kafka's ACL model as the protocol numbers it: an ACL binding is a resource pattern (type, name,
 * LITERAL or PREFIXED) and an entry (principal, host, operation, ALLOW or DENY). Filters (for
 * DescribeAcls and DeleteAcls) use ANY to match every value of a field and MATCH to match every
 * pattern that applies to a name (literal, wildcard `*`, prefixes of it).
 */
export const ResourceType = {
  UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7,
} as const;

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

export const AclOperation = {
  UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14,
} as const;

export const AclPermission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export const CLUSTER_NAME = 'kafka-cluster';
export const WILDCARD = '*';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permission: number;
}

export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permission: number;
}

/** The operations each resource type has (Kafka's ResourceType / AclOperation pairs). */
const OPERATIONS_BY_RESOURCE: Record<number, readonly number[]> = {
  [ResourceType.TOPIC]: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  // DESCRIBE_CONFIGS and ALTER_CONFIGS: group settings (Kafka 3.8+, KIP-848)
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.CLUSTER]: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
  [ResourceType.TRANSACTIONAL_ID]: [AclOperation.DESCRIBE, AclOperation.WRITE],
  [ResourceType.DELEGATION_TOKEN]: [AclOperation.DESCRIBE],
  [ResourceType.USER]: [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS],
};

export function operationsOf(resourceType: number): readonly number[] {
  return OPERATIONS_BY_RESOURCE[resourceType] ?? [];
}

/** Why a binding cannot be created (Kafka's checks in CreateAcls), or undefined. */
export function invalidBinding(b: AclBinding): string | undefined {
  if (!(b.resourceType in OPERATIONS_BY_RESOURCE)) return `Invalid resource type ${b.resourceType}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `Invalid pattern type ${b.patternType}: only LITERAL and PREFIXED patterns can be stored`;
  if (b.resourceName === '') return 'Resource name must not be empty';
  if (b.resourceType === ResourceType.CLUSTER && (b.resourceName !== CLUSTER_NAME || b.patternType !== PatternType.LITERAL)) {
    return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  }
  if (b.permission !== AclPermission.ALLOW && b.permission !== AclPermission.DENY) return `Invalid permission type ${b.permission}`;
  if (b.operation !== AclOperation.ALL && !operationsOf(b.resourceType).includes(b.operation)) return `Invalid operation ${b.operation} for resource type ${b.resourceType}`;
  const colon = b.principal.indexOf(':');
  if (colon <= 0) return `Could not parse principal from \`${b.principal}\` (no colon is present separating the principal type from the principal name)`;
  if (b.host === '') return 'Host must not be empty';
  return undefined;
}

/** Whether a filter field matches a value (null and ANY match everything). */
function fieldMatches(filter: number, value: number): boolean {
  return filter === 1 /* ANY */ || filter === value;
}

/** Whether a stored binding matches a filter (DescribeAcls, DeleteAcls). */
export function filterMatches(f: AclFilter, b: AclBinding): boolean {
  if (!fieldMatches(f.resourceType, b.resourceType)) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (!fieldMatches(f.operation, b.operation)) return false;
  if (!fieldMatches(f.permission, b.permission)) return false;
  if (f.patternType === PatternType.MATCH) {
    if (f.resourceName === null) return true;
    if (b.patternType === PatternType.LITERAL) return b.resourceName === f.resourceName || b.resourceName === WILDCARD;
    return b.patternType === PatternType.PREFIXED && f.resourceName.startsWith(b.resourceName);
  }
  if (!fieldMatches(f.patternType, b.patternType)) return false;
  return f.resourceName === null || f.resourceName === b.resourceName;
}

/** Why a filter is malformed (DeleteAcls / DescribeAcls), or undefined. */
export function invalidFilter(f: AclFilter): string | undefined {
  if (f.resourceType === ResourceType.UNKNOWN) return 'Resource type UNKNOWN is not a valid filter';
  if (f.patternType === PatternType.UNKNOWN) return 'Pattern type UNKNOWN is not a valid filter';
  if (f.operation === AclOperation.UNKNOWN) return 'Operation UNKNOWN is not a valid filter';
  if (f.permission === AclPermission.UNKNOWN) return 'Permission type UNKNOWN is not a valid filter';
  return undefined;
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return a.resourceType === b.resourceType && a.resourceName === b.resourceName && a.patternType === b.patternType
    && a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permission === b.permission;
}
