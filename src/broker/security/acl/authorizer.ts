/**
 * The authorizer: Kafka's StandardAuthorizer / AclAuthorizer rules over the ACLs in the metadata
 * store. For a principal on a host asking to perform an operation on a resource:
 *
 *   1. a super user (`super.users`, `User:alice;User:bob`) is allowed everything;
 *   2. the ACLs that apply are those of the resource's type whose pattern covers the name
 *      (LITERAL equal, LITERAL `*`, PREFIXED a prefix of it) and whose principal (or `User:*`)
 *      and host (or `*`) are the caller's;
 *   3. a DENY for the operation (or ALL) refuses, whatever else applies;
 *   4. an ALLOW for the operation (or ALL, or one implying it: READ, WRITE, DELETE and ALTER
 *      imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS) allows;
 *   5. no ACL at all on the resource: `allow.everyone.if.no.acl.found` decides; otherwise refuse.
 *
 * Without `authorizer.class.name` every request is allowed (Kafka's default). Contract: reads the
 * metadata store's current ACLs on every call (a small, in-memory list); event-loop only.
 */
import type { KafkaPrincipal } from '../principal.js';
import { principalText } from '../principal.js';
import { AclOperation, AclPermission, PatternType, WILDCARD, type AclBinding } from '../../../protocol/acl/acl-binding.js';

export interface AuthorizerSettings {
  enabled: boolean;
  superUsers: ReadonlySet<string>;
  allowEveryoneIfNoAclFound: boolean;
}

export interface Action {
  operation: number;
  resourceType: number;
  resourceName: string;
}

const IMPLIES_DESCRIBE: readonly number[] = [AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER];

function grants(aclOperation: number, wanted: number): boolean {
  if (aclOperation === AclOperation.ALL || aclOperation === wanted) return true;
  if (wanted === AclOperation.DESCRIBE) return IMPLIES_DESCRIBE.includes(aclOperation);
  if (wanted === AclOperation.DESCRIBE_CONFIGS) return aclOperation === AclOperation.ALTER_CONFIGS;
  return false;
}

function coversName(b: AclBinding, name: string): boolean {
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === WILDCARD;
  return b.patternType === PatternType.PREFIXED && name.startsWith(b.resourceName);
}

/** The authorizer's settings as the configuration has them now. */
let last: { key: string; settings: AuthorizerSettings } | undefined;

export function authorizerSettings(config: { str(name: string): string | null; bool(name: string): boolean }): AuthorizerSettings {
  const className = config.str('authorizer.class.name') ?? '';
  const superUsers = config.str('super.users') ?? '';
  const open = config.bool('allow.everyone.if.no.acl.found');
  const key = `${className}\u0000${superUsers}\u0000${open}`;
  if (last?.key !== key) {
    last = {
      key,
      settings: {
        enabled: className !== '',
        superUsers: new Set(superUsers.split(';').map((s) => s.trim()).filter((s) => s !== '')),
        allowEveryoneIfNoAclFound: open,
      },
    };
  }
  return last.settings;
}

export class Authorizer {
  constructor(
    private readonly settings: () => AuthorizerSettings,
    private readonly acls: () => readonly AclBinding[],
  ) {}

  get enabled(): boolean {
    return this.settings().enabled;
  }

  /**
   * Whether the principal may perform the operation on some resource of the type: a super user,
   * no ACL of the type at all with allow.everyone.if.no.acl.found, or an ALLOW for it (or ALL)
   * whose pattern no DENY of the principal covers wholly (a DENY on a LITERAL `*` or on a prefix of
   * the allowed pattern's name).
   */
  authorizeAny(principal: KafkaPrincipal, host: string, operation: number, resourceType: number): boolean {
    const s = this.settings();
    if (!s.enabled) return true;
    const who = principalText(principal);
    if (s.superUsers.has(who)) return true;
    const ofType = this.acls().filter((b) => b.resourceType === resourceType);
    if (ofType.length === 0) return s.allowEveryoneIfNoAclFound;
    const mine = ofType.filter((b) => (b.principal === who || b.principal === `${principal.type}:*`) && (b.host === WILDCARD || b.host === host));
    const denies = mine.filter((b) => b.permission === AclPermission.DENY && (b.operation === AclOperation.ALL || b.operation === operation));
    return mine.some((b) => b.permission === AclPermission.ALLOW && grants(b.operation, operation)
      && !denies.some((d) => (d.patternType === PatternType.LITERAL && d.resourceName === WILDCARD)
        || (d.patternType === PatternType.PREFIXED && b.resourceName.startsWith(d.resourceName))
        || (d.patternType === b.patternType && d.resourceName === b.resourceName)));
  }

  authorize(principal: KafkaPrincipal, host: string, action: Action): boolean {
    const s = this.settings();
    if (!s.enabled) return true;
    const who = principalText(principal);
    if (s.superUsers.has(who)) return true;
    const onResource = this.acls().filter((b) => b.resourceType === action.resourceType && coversName(b, action.resourceName));
    if (onResource.length === 0) return s.allowEveryoneIfNoAclFound;
    const mine = onResource.filter((b) => (b.principal === who || b.principal === `${principal.type}:*`) && (b.host === WILDCARD || b.host === host));
    // a DENY refuses its own operation (or everything, for ALL); it implies nothing else
    if (mine.some((b) => b.permission === AclPermission.DENY && (b.operation === AclOperation.ALL || b.operation === action.operation))) return false;
    return mine.some((b) => b.permission === AclPermission.ALLOW && grants(b.operation, action.operation));
  }
}
