/**
 * kafka-configs: describe and alter topic and broker configurations with Kafka's flags
 * (--entity-type topics|brokers, --entity-name, --describe, --alter --add-config/--delete-config),
 * and users' SCRAM credentials (--entity-type users --alter
 * --add-config 'SCRAM-SHA-256=[iterations=8192,password=secret]', --delete-config SCRAM-SHA-256,
 * --describe), as Kafka's tool does them (AlterUserScramCredentials / DescribeUserScramCredentials).
 */
import { SCRAM_MECHANISMS, type ScramMechanism } from '../../protocol/sasl/scram-credential.js';
import type { Admin } from '../../client/admin/admin.js';
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
    default:
      throw new UsageError(`--entity-type must be topics, brokers or broker-loggers, not '${entityType ?? ''}'`);
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

async function alterUser(admin: Admin, user: string, add: Map<string, string>, remove: string[], io: Io): Promise<number> {
  const changes = [
    ...[...add].map(([m, v]) => ({ user, mechanism: scramMechanism(m), ...scramValue(m, v) })),
    ...remove.map((m) => ({ user, mechanism: scramMechanism(m), delete: true as const })),
  ];
  const [result] = await admin.alterUserScramCredentials(changes);
  if (result && result.errorCode !== 0) {
    io.stderr.write(`Error while executing config command with args: ${result.errorMessage ?? result.error}\n`);
    return 1;
  }
  io.stdout.write(`Completed updating config for user ${user}.\n`);
  return EXIT_OK;
}

async function describeUsers(admin: Admin, user: string | undefined, io: Io): Promise<number> {
  const results = await admin.describeUserScramCredentials(user === undefined ? null : [user]);
  for (const r of results) {
    if (r.errorCode !== 0) continue;
    const list = r.credentials.map((c) => `${c.mechanism}=iterations=${c.iterations}`).join(', ');
    io.stdout.write(`SCRAM credential configs for user-principal '${r.user}' are ${list}\n`);
  }
  return EXIT_OK;
}

export const kafkaConfigs: Tool = {
  name: 'kafka-configs',
  summary: 'describe and alter topic and broker configurations',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'entity-type', value: 'topics|brokers|broker-loggers|users', doc: 'The kind of entity.' },
    { name: 'entity-name', value: 'name', doc: 'The topic name or broker id.' },
    { name: 'entity-default', doc: 'The cluster-wide default (brokers).' },
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
  ],
  async run(o, io) {
    if (o.get('entity-type') === 'users') {
      if (o.has('alter') === o.has('describe')) throw new UsageError('exactly one of --describe or --alter is needed');
      const user = o.get('entity-name');
      if (o.has('alter')) {
        if (user === undefined) throw new UsageError('--entity-name is required');
        const add = parseConfigList(o.get('add-config') ?? '');
        const remove = (o.get('delete-config') ?? '').split(',').map((k) => k.trim()).filter((k) => k);
        if (add.size + remove.length === 0) throw new UsageError('--alter needs --add-config or --delete-config');
        for (const m of [...add.keys(), ...remove]) scramMechanism(m);
        return withAdmin(bootstrapOf(o), (admin) => alterUser(admin, user, add, remove, io));
      }
      return withAdmin(bootstrapOf(o), (admin) => describeUsers(admin, user, io));
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
      const dynamicSource = type === 'topic' ? 'DYNAMIC_TOPIC_CONFIG' : name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
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
