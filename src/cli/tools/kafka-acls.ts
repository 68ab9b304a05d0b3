/**
 * kafka-acls: add, list and remove ACLs with Kafka's flags and output
 * (--add/--remove/--list, --allow-principal/--deny-principal, --allow-host/--deny-host,
 * --operation, --topic/--group/--cluster/--transactional-id/--delegation-token/--user-principal,
 * --resource-pattern-type, the --producer and --consumer conveniences, --force).
 */
import {
  AclOperation, AclPermission, CLUSTER_NAME, PatternType, ResourceType, type AclBinding, type AclFilter,
} from '../../protocol/acl/acl-binding.js';
import type { Admin } from '../../client/admin/admin.js';
import { UsageError, type ParsedOptions } from '../support/options.js';
import { EXIT_FAILURE, EXIT_OK, type Io } from '../support/output.js';
import { withAdmin } from '../support/connect.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';

const OPERATION_NAMES: Record<string, number> = {
  all: AclOperation.ALL, read: AclOperation.READ, write: AclOperation.WRITE, create: AclOperation.CREATE, delete: AclOperation.DELETE,
  alter: AclOperation.ALTER, describe: AclOperation.DESCRIBE, clusteraction: AclOperation.CLUSTER_ACTION,
  describeconfigs: AclOperation.DESCRIBE_CONFIGS, alterconfigs: AclOperation.ALTER_CONFIGS, idempotentwrite: AclOperation.IDEMPOTENT_WRITE,
  createtokens: AclOperation.CREATE_TOKENS, describetokens: AclOperation.DESCRIBE_TOKENS,
};

const name = (table: Record<string, number>, code: number): string => Object.entries(table).find(([, v]) => v === code)?.[0] ?? String(code);
const RESOURCE_NAMES: Record<string, number> = { TOPIC: ResourceType.TOPIC, GROUP: ResourceType.GROUP, CLUSTER: ResourceType.CLUSTER, TRANSACTIONAL_ID: ResourceType.TRANSACTIONAL_ID, DELEGATION_TOKEN: ResourceType.DELEGATION_TOKEN, USER: ResourceType.USER };
const OPERATION_UPPER: Record<string, number> = {
  ALL: AclOperation.ALL, READ: AclOperation.READ, WRITE: AclOperation.WRITE, CREATE: AclOperation.CREATE, DELETE: AclOperation.DELETE, ALTER: AclOperation.ALTER,
  DESCRIBE: AclOperation.DESCRIBE, CLUSTER_ACTION: AclOperation.CLUSTER_ACTION, DESCRIBE_CONFIGS: AclOperation.DESCRIBE_CONFIGS, ALTER_CONFIGS: AclOperation.ALTER_CONFIGS,
  IDEMPOTENT_WRITE: AclOperation.IDEMPOTENT_WRITE, CREATE_TOKENS: AclOperation.CREATE_TOKENS, DESCRIBE_TOKENS: AclOperation.DESCRIBE_TOKENS,
};
const PATTERN_NAMES: Record<string, number> = { LITERAL: PatternType.LITERAL, PREFIXED: PatternType.PREFIXED, ANY: PatternType.ANY, MATCH: PatternType.MATCH };

interface Resource {
  type: number;
  name: string;
}

function resources(o: ParsedOptions): Resource[] {
  return [
    ...o.all('topic').map((n) => ({ type: ResourceType.TOPIC, name: n })),
    ...o.all('group').map((n) => ({ type: ResourceType.GROUP, name: n })),
    ...(o.has('cluster') ? [{ type: ResourceType.CLUSTER, name: CLUSTER_NAME }] : []),
    ...o.all('transactional-id').map((n) => ({ type: ResourceType.TRANSACTIONAL_ID, name: n })),
    ...o.all('delegation-token').map((n) => ({ type: ResourceType.DELEGATION_TOKEN, name: n })),
    ...o.all('user-principal').map((n) => ({ type: ResourceType.USER, name: n })),
  ];
}

function patternType(o: ParsedOptions, forAdd: boolean): number {
  const given = (o.get('resource-pattern-type') ?? 'literal').toUpperCase();
  const p = PATTERN_NAMES[given];
  if (p === undefined) throw new UsageError(`--resource-pattern-type must be literal, prefixed, any or match, not '${given.toLowerCase()}'`);
  if (forAdd && p !== PatternType.LITERAL && p !== PatternType.PREFIXED) throw new UsageError('A --resource-pattern-type of literal or prefixed is needed with --add');
  return p;
}

function operations(o: ParsedOptions): number[] {
  return o.all('operation').map((op) => {
    const code = OPERATION_NAMES[op.toLowerCase().replace(/[-_]/g, '')];
    if (code === undefined) throw new UsageError(`unknown --operation '${op}' (${Object.keys(OPERATION_NAMES).join(', ')})`);
    return code;
  });
}

/** The (resource, operation) pairs --producer and --consumer stand for, as Kafka's AclCommand expands them. */
function conveniences(o: ParsedOptions, res: Resource[]): { resource: Resource; operation: number }[] {
  const out: { resource: Resource; operation: number }[] = [];
  const topics = res.filter((r) => r.type === ResourceType.TOPIC);
  if (o.has('producer')) {
    for (const t of topics) for (const op of [AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE]) out.push({ resource: t, operation: op });
    for (const t of res.filter((r) => r.type === ResourceType.TRANSACTIONAL_ID)) for (const op of [AclOperation.WRITE, AclOperation.DESCRIBE]) out.push({ resource: t, operation: op });
    if (o.has('idempotent')) out.push({ resource: { type: ResourceType.CLUSTER, name: CLUSTER_NAME }, operation: AclOperation.IDEMPOTENT_WRITE });
  }
  if (o.has('consumer')) {
    for (const t of topics) for (const op of [AclOperation.READ, AclOperation.DESCRIBE]) out.push({ resource: t, operation: op });
    for (const g of res.filter((r) => r.type === ResourceType.GROUP)) out.push({ resource: g, operation: AclOperation.READ });
  }
  return out;
}

function bindingsToAdd(o: ParsedOptions): AclBinding[] {
  const res = resources(o);
  if (res.length === 0) throw new UsageError('You must specify a resource: --topic, --group, --cluster, --transactional-id, --delegation-token or --user-principal');
  const pattern = patternType(o, true);
  const entries = [
    ...o.all('allow-principal').map((p) => ({ principal: p, permission: AclPermission.ALLOW, hosts: o.all('allow-host') })),
    ...o.all('deny-principal').map((p) => ({ principal: p, permission: AclPermission.DENY, hosts: o.all('deny-host') })),
  ];
  if (entries.length === 0) throw new UsageError('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.');
  const pairs = o.has('producer') || o.has('consumer')
    ? conveniences(o, res)
    : res.flatMap((r) => {
      const ops = operations(o);
      if (ops.length === 0) throw new UsageError('--operation is needed with --add (or --producer / --consumer)');
      return ops.map((op) => ({ resource: r, operation: op }));
    });
  return entries.flatMap((e) => (e.hosts.length > 0 ? e.hosts : ['*']).flatMap((host) => pairs.map((p) => ({
    resourceType: p.resource.type, resourceName: p.resource.name, patternType: pattern, principal: e.principal, host, operation: p.operation, permission: e.permission,
  }))));
}

function patternText(b: { resourceType: number; resourceName: string; patternType: number }): string {
  return `ResourcePattern(resourceType=${name(RESOURCE_NAMES, b.resourceType)}, name=${b.resourceName}, patternType=${name(PATTERN_NAMES, b.patternType)})`;
}

function entryText(b: AclBinding): string {
  return `(principal=${b.principal}, host=${b.host}, operation=${name(OPERATION_UPPER, b.operation)}, permissionType=${b.permission === AclPermission.ALLOW ? 'ALLOW' : 'DENY'})`;
}

/** Kafka's listing: bindings grouped by resource pattern. */
function printByResource(title: string, bindings: readonly AclBinding[], io: Io): void {
  const groups = new Map<string, AclBinding[]>();
  for (const b of bindings) groups.set(patternText(b), [...(groups.get(patternText(b)) ?? []), b]);
  for (const [pattern, list] of groups) io.stdout.write(`${title} \`${pattern}\`: \n ${list.map((b) => `\t${entryText(b)}`).join(' \n ')} \n\n`);
}

function listFilter(r: Resource | undefined, pattern: number, principal: string | null): AclFilter {
  return {
    resourceType: r?.type ?? ResourceType.ANY, resourceName: r?.name ?? null, patternType: r ? pattern : PatternType.ANY,
    principal, host: null, operation: AclOperation.ANY, permission: AclPermission.ANY,
  };
}

async function list(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const res = resources(o);
  const pattern = patternType(o, false);
  const principals = o.all('principal');
  const filters = (res.length === 0 ? [undefined] : res).flatMap((r) => (principals.length === 0 ? [null] : principals).map((p) => listFilter(r, pattern, p)));
  const found: AclBinding[] = [];
  for (const f of filters) found.push(...await admin.describeAcls(f));
  printByResource('Current ACLs for resource', found, io);
  return EXIT_OK;
}

async function add(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const bindings = bindingsToAdd(o);
  printByResource('Adding ACLs for resource', bindings, io);
  const outcomes = await admin.createAcls(bindings);
  const failed = outcomes.map((r, i) => ({ r, b: bindings[i]! })).filter((x) => x.r.errorCode !== 0);
  for (const { r, b } of failed) io.stderr.write(`Error while adding ACLs: ${r.errorMessage ?? r.error} (${patternText(b)} ${entryText(b)})\n`);
  if (failed.length > 0) return EXIT_FAILURE;
  return list(admin, o, io);
}

async function remove(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const res = resources(o);
  if (res.length === 0) throw new UsageError('You must specify a resource to remove ACLs from');
  if (!o.has('force')) throw new UsageError('--remove deletes ACLs without asking only with --force');
  const pattern = patternType(o, false);
  const principals = [...o.all('allow-principal'), ...o.all('deny-principal')];
  const ops = o.has('producer') || o.has('consumer') ? [...new Set(conveniences(o, res).map((c) => c.operation))] : operations(o);
  const filters: AclFilter[] = res.flatMap((r) => (principals.length === 0 ? [null] : principals).flatMap((p) => (ops.length === 0 ? [AclOperation.ANY] : ops).map((op) => ({
    resourceType: r.type, resourceName: r.name, patternType: pattern, principal: p, host: null, operation: op, permission: AclPermission.ANY,
  }))));
  const results = await admin.deleteAcls(filters);
  const failed = results.filter((r) => r.errorCode !== 0);
  for (const r of failed) io.stderr.write(`Error while removing ACLs: ${r.errorMessage ?? r.error}\n`);
  return failed.length > 0 ? EXIT_FAILURE : list(admin, o, io);
}

export const kafkaAcls: Tool = {
  name: 'kafka-acls',
  summary: 'add, list and remove ACLs',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'add', doc: 'Add ACLs.' },
    { name: 'remove', doc: 'Remove ACLs (with --force).' },
    { name: 'list', doc: 'List ACLs (of the given resources, or all).' },
    { name: 'allow-principal', value: 'Type:name', repeatable: true, doc: 'Principal the ACLs allow, e.g. User:alice (User:* for everyone).' },
    { name: 'deny-principal', value: 'Type:name', repeatable: true, doc: 'Principal the ACLs deny.' },
    { name: 'allow-host', value: 'host', repeatable: true, doc: 'Hosts allowed (default *).' },
    { name: 'deny-host', value: 'host', repeatable: true, doc: 'Hosts denied (default *).' },
    { name: 'principal', value: 'Type:name', repeatable: true, doc: 'With --list: only the ACLs of this principal.' },
    { name: 'operation', value: 'op', repeatable: true, doc: 'Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All.' },
    { name: 'topic', value: 'name', repeatable: true, doc: 'Topic resource (* for every topic).' },
    { name: 'group', value: 'name', repeatable: true, doc: 'Consumer group resource.' },
    { name: 'cluster', doc: 'The cluster resource.' },
    { name: 'transactional-id', value: 'id', repeatable: true, doc: 'Transactional id resource.' },
    { name: 'delegation-token', value: 'id', repeatable: true, doc: 'Delegation token resource.' },
    { name: 'user-principal', value: 'name', repeatable: true, doc: 'User resource (token creation for others).' },
    { name: 'resource-pattern-type', value: 'literal|prefixed|any|match', doc: 'How resource names match (default literal).' },
    { name: 'producer', doc: 'Convenience: WRITE, DESCRIBE, CREATE on the topics (WRITE, DESCRIBE on transactional ids).' },
    { name: 'consumer', doc: 'Convenience: READ, DESCRIBE on the topics, READ on the groups.' },
    { name: 'idempotent', doc: 'With --producer: IDEMPOTENT_WRITE on the cluster.' },
    { name: 'force', doc: 'Remove without asking.' },
  ],
  examples: [
    'kafka-acls --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Read --topic orders --group billing',
    'kafka-acls --bootstrap-server localhost:9092 --add --allow-principal User:bob --producer --topic orders',
    'kafka-acls --bootstrap-server localhost:9092 --list --topic orders',
    'kafka-acls --bootstrap-server localhost:9092 --remove --force --allow-principal User:alice --operation Read --topic orders',
  ],
  async run(o, io) {
    const actions = ['add', 'remove', 'list'].filter((a) => o.has(a));
    if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --add, --remove.');
    // usage errors before connecting
    if (o.has('add')) bindingsToAdd(o);
    return withAdmin(bootstrapOf(o), (admin) => (o.has('add') ? add(admin, o, io) : o.has('remove') ? remove(admin, o, io) : list(admin, o, io)));
  },
};
