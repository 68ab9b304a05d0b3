/**
 * kafka-configs: describe and alter topic and broker configurations with Kafka's flags
 * (--entity-type topics|brokers, --entity-name, --describe, --alter --add-config/--delete-config),
 * and users' SCRAM credentials (--entity-type users --alter
 * --add-config 'SCRAM-SHA-256=[iterations=8192,password=secret]', --delete-config SCRAM-SHA-256,
 * --describe), as Kafka's tool does them (AlterUserScramCredentials / DescribeUserScramCredentials),
 * and client quotas of users, clients and ips (--entity-type users --entity-name alice
 * [--entity-type clients --entity-name app] --alter --add-config 'producer_byte_rate=1048576';
 * --entity-default for the default entity), through AlterClientQuotas / DescribeClientQuotas.
 */
import { QUOTA_KEYS } from '../../broker/quota/quota-entity.js';
import type { QuotaEntityComponent } from '../../client/admin/admin-quotas.js';
import { SCRAM_MECHANISMS, type ScramMechanism } from '../../protocol/sasl/scram-credential.js';
import type { Admin } from '../../client/admin/admin.js';
import type { ParsedOptions } from '../support/options.js';
import type { Io } from '../support/output.js';
import { keyValues, UsageError } from '../support/options.js';
import { EXIT_OK } from '../support/output.js';
import { withAdmin } from '../support/connect.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import type { ConfigResourceType } from '../../client/admin/configs.js';

function resourceType(entityType: string | undefined, o: { has(n: string): boolean }): ConfigResourceType {
  if (o.has('topic')) return 'topic';
  if (o.has('broker')) return 'broker';
  switch (entityType) {
    case 'topics':
      return 'topic';
    case 'brokers':
      return 'broker';
    case 'broker-loggers':
      return 'broker-logger';
    case 'groups':
      return 'group';
    default:
      throw new UsageError(`--entity-type must be topics, brokers, broker-loggers or groups, not '${entityType ?? ''}'`);
  }
}

/** Kafka's config list syntax: a=1,b=[x,y] (square brackets keep commas inside a value). */
function parseConfigList(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let depth = 0;
  let current = '';
  const flush = (): void => {
    if (current.trim() === '') return;
    const eq = current.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected key=value in --add-config, got '${current}'`);
    out.set(current.slice(0, eq).trim(), current.slice(eq + 1).replace(/^\[(.*)\]$/, '$1'));
    current = '';
  };
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) flush();
    else current += ch;
  }
  flush();
  return out;
}

function scramMechanism(name: string): ScramMechanism {
  if (!(SCRAM_MECHANISMS as readonly string[]).includes(name)) {
    throw new UsageError(`users take SCRAM credentials only (${SCRAM_MECHANISMS.join(', ')}), not '${name}'`);
  }
  return name as ScramMechanism;
}

/** `iterations=8192,password=secret` (the value inside SCRAM-SHA-256=[...]). */
function scramValue(mechanism: string, text: string): { password: string; iterations?: number } {
  const fields = new Map(text.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq).trim(), kv.slice(eq + 1)] as [string, string];
  }));
  const password = fields.get('password');
  if (!password) throw new UsageError(`${mechanism} needs [password=...] (and optionally iterations=n)`);
  const iterations = fields.has('iterations') ? Number(fields.get('iterations')) : undefined;
  if (iterations !== undefined && !Number.isInteger(iterations)) throw new UsageError(`${mechanism}: iterations must be a number`);
  return { password, iterations };
}

const ENTITY_KIND: Record<string, QuotaEntityComponent['entityType']> = { users: 'user', clients: 'client-id', ips: 'ip' };

/** The entity named by --entity-type/--entity-name pairs (in order), --entity-default filling the types left unnamed. */
function quotaEntity(o: ParsedOptions): QuotaEntityComponent[] {
  const types = o.all('entity-type');
  const names = o.all('entity-name');
  if (names.length > types.length) throw new UsageError('each --entity-name needs its --entity-type');
  if (names.length < types.length && !o.has('entity-default')) throw new UsageError('--entity-name or --entity-default is needed for each --entity-type');
  return types.map((t, i) => {
    const kind = ENTITY_KIND[t];
    if (!kind) throw new UsageError(`--entity-type ${t} cannot be combined with users, clients or ips`);
    return { entityType: kind, entityName: names[i] ?? null };
  });
}

function describeEntity(entity: readonly QuotaEntityComponent[]): string {
  const label = { user: 'user-principal', 'client-id': 'client-id', ip: 'ip' } as const;
  return entity.map((c) => (c.entityName === null ? `the default ${label[c.entityType]}` : `${label[c.entityType]} '${c.entityName}'`)).join(', ');
}

async function alterEntity(admin: Admin, entity: QuotaEntityComponent[], add: Map<string, string>, remove: string[], io: Io): Promise<number> {
  const isScram = (k: string): boolean => (SCRAM_MECHANISMS as readonly string[]).includes(k);
  const user = entity.length === 1 && entity[0]!.entityType === 'user' ? entity[0]!.entityName : undefined;
  const scramAdd = [...add].filter(([k]) => isScram(k));
  const scramRemove = remove.filter(isScram);
  if ((scramAdd.length > 0 || scramRemove.length > 0) && (user === undefined || user === null)) {
    throw new UsageError('SCRAM credentials belong to one named user: --entity-type users --entity-name <user>');
  }
  const quotaOps = [
    ...[...add].filter(([k]) => !isScram(k)).map(([k, v]) => {
      const value = Number(v);
      if (!Number.isFinite(value)) throw new UsageError(`${k} needs a number, not '${v}'`);
      return { key: k, value };
    }),
    ...remove.filter((k) => !isScram(k)).map((k) => ({ key: k, value: null })),
  ];
  for (const op of quotaOps) if (!QUOTA_KEYS.includes(op.key)) throw new UsageError(`unknown quota ${op.key} (${QUOTA_KEYS.join(', ')}; users also take ${SCRAM_MECHANISMS.join(', ')})`);
  if (scramAdd.length > 0 || scramRemove.length > 0) {
    const changes = [
      ...scramAdd.map(([m, v]) => ({ user: user!, mechanism: scramMechanism(m), ...scramValue(m, v) })),
      ...scramRemove.map((m) => ({ user: user!, mechanism: scramMechanism(m), delete: true as const })),
    ];
    const [result] = await admin.alterUserScramCredentials(changes);
    if (result && result.errorCode !== 0) {
      io.stderr.write(`Error while executing config command with args: ${result.errorMessage ?? result.error}\n`);
      return 1;
    }
  }
  if (quotaOps.length > 0) {
    const [result] = await admin.alterClientQuotas([{ entity, ops: quotaOps }]);
    if (result && result.errorCode !== 0) {
      io.stderr.write(`Error while executing config command with args: ${result.errorMessage ?? result.error}\n`);
      return 1;
    }
  }
  io.stdout.write(`Completed updating config for ${describeEntity(entity)}.\n`);
  return EXIT_OK;
}

async function describeEntities(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const types = o.all('entity-type');
  const names = o.all('entity-name');
  const filter = types.map((t, i) => ({
    entityType: ENTITY_KIND[t]!,
    match: names[i] !== undefined ? { exact: names[i]! } : o.has('entity-default') ? ('default' as const) : ('specified' as const),
  }));
  for (const e of await admin.describeClientQuotas(filter, true)) {
    const values = Object.entries(e.values).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${Number.isInteger(v) ? v.toFixed(1) : v}`).join(', ');
    io.stdout.write(`Quota configs for ${describeEntity(e.entity)} are ${values}\n`);
  }
  if (types.length === 1 && types[0] === 'users' && !o.has('entity-default')) {
    for (const r of await admin.describeUserScramCredentials(names[0] === undefined ? null : [names[0]])) {
      if (r.errorCode !== 0) continue;
      io.stdout.write(`SCRAM credential configs for user-principal '${r.user}' are ${r.credentials.map((c) => `${c.mechanism}=iterations=${c.iterations}`).join(', ')}\n`);
    }
  }
  return EXIT_OK;
}

export const kafkaConfigs: Tool = {
  name: 'kafka-configs',
  summary: 'describe and alter topic and broker configurations',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'entity-type', value: 'topics|brokers|broker-loggers|users|clients|ips', repeatable: true, doc: 'The kind of entity (users and clients together for a user+client entity).' },
    { name: 'entity-name', value: 'name', repeatable: true, doc: 'The topic name, broker id, user, client id or ip.' },
    { name: 'entity-default', doc: 'The cluster-wide default (brokers), or the default user / client / ip.' },
    { name: 'topic', value: 'name', doc: 'Shorthand for --entity-type topics --entity-name <name>.' },
    { name: 'broker', value: 'id', doc: 'Shorthand for --entity-type brokers --entity-name <id>.' },
    { name: 'describe', doc: 'Show the configuration.' },
    { name: 'alter', doc: 'Change the configuration.' },
    { name: 'add-config', value: 'k1=v1,k2=[v1,v2]', doc: 'Settings to set (with --alter).' },
    { name: 'delete-config', value: 'k1,k2', doc: 'Settings to remove (with --alter).' },
    { name: 'all', doc: 'With --describe: every setting, not only overrides.' },
    { name: 'json', doc: 'Print JSON.' },
  ],
  examples: [
    'kafka-configs --bootstrap-server localhost:9092 --entity-type topics --entity-name orders --describe',
    'kafka-configs --bootstrap-server localhost:9092 --entity-type topics --entity-name orders --alter --add-config retention.ms=86400000',
    'kafka-configs --bootstrap-server localhost:9092 --entity-type topics --entity-name orders --alter --delete-config retention.ms',
    "kafka-configs --bootstrap-server localhost:9092 --entity-type users --entity-name alice --alter --add-config 'SCRAM-SHA-256=[password=alice-secret]'",
    "kafka-configs --bootstrap-server localhost:9092 --entity-type users --entity-name alice --alter --add-config 'producer_byte_rate=1048576,consumer_byte_rate=2097152'",
    'kafka-configs --bootstrap-server localhost:9092 --entity-type clients --entity-default --alter --add-config request_percentage=50',
  ],
  async run(o, io) {
    if (o.all('entity-type').some((t) => t in ENTITY_KIND)) {
      if (o.has('alter') === o.has('describe')) throw new UsageError('exactly one of --describe or --alter is needed');
      if (o.has('describe')) return withAdmin(bootstrapOf(o), (admin) => describeEntities(admin, o, io));
      const entity = quotaEntity(o);
      const add = parseConfigList(o.get('add-config') ?? '');
      const remove = (o.get('delete-config') ?? '').split(',').map((k) => k.trim()).filter((k) => k);
      if (add.size + remove.length === 0) throw new UsageError('--alter needs --add-config or --delete-config');
      return withAdmin(bootstrapOf(o), (admin) => alterEntity(admin, entity, add, remove, io));
    }
    const type = resourceType(o.get('entity-type'), o);
    const name = o.get('topic') ?? o.get('broker') ?? (o.has('entity-default') ? '' : o.get('entity-name'));
    if (name === undefined) throw new UsageError('--entity-name is required');
    // Usage is checked before connecting, so a usage error is reported as one (exit 2) even
    // when no broker is reachable.
    if (o.has('alter') === o.has('describe')) throw new UsageError('exactly one of --describe or --alter is needed');
    const ops = o.has('alter') ? [
      ...[...parseConfigList(o.get('add-config') ?? '')].map(([k, v]) => ({ name: k, op: 'set' as const, value: v })),
      ...(o.get('delete-config') ?? '').split(',').filter((k) => k.trim()).map((k) => ({ name: k.trim(), op: 'delete' as const })),
    ] : [];
    if (o.has('alter') && ops.length === 0) throw new UsageError('--alter needs --add-config or --delete-config');
    return withAdmin(bootstrapOf(o), async (admin) => {
      const entity = `${type} ${name}`;
      if (o.has('alter')) {
        await admin.incrementalAlterConfigs(type, name, ops);
        io.stdout.write(name === '' ? 'Completed updating default config for brokers in the cluster.\n' : `Completed updating config for ${entity}.\n`);
        return EXIT_OK;
      }
      const [desc] = await admin.describeConfigs([{ type, name }], { includeSynonyms: true });
      // without --all only the entity's own dynamic settings, as Kafka's tool shows them
      const dynamicSource = type === 'topic' ? 'DYNAMIC_TOPIC_CONFIG' : type === 'group' ? 'DYNAMIC_GROUP_CONFIG' : name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
      const entries = (desc?.entries ?? []).filter((e) => o.has('all') || type === 'broker-logger' || e.source === dynamicSource)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (o.has('json')) {
        io.stdout.write(`${JSON.stringify(entries.map((e) => ({ name: e.name, value: e.value, source: e.source, readOnly: e.readOnly, sensitive: e.sensitive })))}\n`);
        return EXIT_OK;
      }
      io.stdout.write(name === '' ? 'Default configs for brokers in the cluster are:\n' : `${o.has('all') ? 'All' : 'Dynamic'} configs for ${entity} are:\n`);
      for (const e of entries) {
        const synonyms = e.synonyms.map((s) => `${s.source}:${s.name}=${s.value ?? ''}`).join(', ');
        io.stdout.write(`  ${e.name}=${e.sensitive ? 'null' : (e.value ?? '')} sensitive=${e.sensitive} synonyms={${synonyms}}\n`);
      }
      return EXIT_OK;
    });
  },
};
