/**
 * `gregor cluster up`: a local cluster in one command. Starts etcd (the `etcd` binary on the PATH,
 * data in <data>/etcd) unless --etcd names a running one, then N brokers as child processes
 * (`gregor serve`, node ids 0..N-1 on consecutive ports from --port, data in <data>/broker-<id>,
 * logs in <data>/broker-<id>.log; with fewer than three brokers the internal topics' replication
 * factors are lowered to fit), waits until every broker answers Metadata listing all N, prints
 * the bootstrap string, and on Ctrl-C or SIGTERM stops the brokers (SIGTERM, by pid) and then etcd.
 * A broker that exits on its own is reported; the others keep running.
 *
 * It talks to the brokers over the wire only (Metadata through the client layer's connection).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { ClientSecurity } from '../client/client-security.js';
import { devPki } from './dev-pki.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrokerConnection } from '../client/broker-connection.js';
import { ApiKey } from '../protocol/generated/api-registry.js';

export const CLUSTER_USAGE = `Usage: gregor cluster up [--brokers N] [--port PORT] [--data DIR] [--etcd host:port] [--etcd-port PORT]

Starts a local Gregor cluster: etcd and N brokers on 127.0.0.1, stopped together by Ctrl-C.

Options:
  --brokers N         how many brokers (default 3); node ids 0..N-1
  --port PORT         the first broker's port; the others follow (default 9092)
  --data DIR          where etcd and the brokers keep their data (default ./cluster-data)
  --etcd host:port    use this running etcd instead of starting one
  --etcd-port PORT    client port of the etcd started here (default 2379; the peer port is the next one)
  --http-port PORT    the first broker's HTTP port (web console, /metrics, /health); the others follow (default 9644)
  --override k=v      a broker setting for every broker (repeatable), as gregor serve takes it
  --secure            TLS and SASL/PLAIN on every port, ACLs on, an admin super user; a development
                      CA is generated with openssl in <data>/tls (for trying security, not production),
                      and <data>/client.properties holds what clients need (--command-config)

Examples:
  gregor cluster up
  gregor cluster up --brokers 5 --port 19092 --data /tmp/gregor-cluster
  gregor cluster up --secure   (then: kafka-topics.sh --list --bootstrap-server 127.0.0.1:9092 --command-config cluster-data/client.properties)
  kafka-topics.sh --create --topic orders --partitions 6 --bootstrap-server 127.0.0.1:9092`;

export interface ClusterUpOptions {
  brokers: number;
  port: number;
  dataDir: string;
  etcd: string | undefined;
  etcdPort: number;
  overrides: string[];
  secure: boolean;
  httpPort: number;
}

/** Parses the options; throws an Error with a one-line message on bad usage. */
export function parseClusterUp(args: string[]): ClusterUpOptions {
  const o: ClusterUpOptions = { brokers: 3, port: 9092, dataDir: 'cluster-data', etcd: undefined, etcdPort: 2379, overrides: [], secure: false, httpPort: 9644 };
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new Error(`${name} needs a whole number from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = (): string | undefined => args[++i];
    switch (a) {
      case '--brokers': o.brokers = int('--brokers', next(), 1, 64); break;
      case '--port': o.port = int('--port', next(), 1, 65535); break;
      case '--etcd-port': o.etcdPort = int('--etcd-port', next(), 1, 65534); break;
      case '--data': {
        const v = next();
        if (!v) throw new Error('--data needs a directory');
        o.dataDir = v;
        break;
      }
      case '--etcd': {
        const v = next();
        if (!v || !/^[^,/:]+:\d+$/.test(v)) throw new Error('--etcd needs host:port');
        o.etcd = v;
        break;
      }
      case '--secure': o.secure = true; break;
      case '--http-port': o.httpPort = int('--http-port', next(), 1, 65535); break;
      case '--override': {
        const v = next();
        if (!v || !v.includes('=')) throw new Error('--override needs key=value');
        o.overrides.push(v);
        break;
      }
      default: throw new Error(`unknown option '${a}' (see gregor cluster up --help)`);
    }
  }
  if (o.port + o.brokers - 1 > 65535) throw new Error('--port plus --brokers goes past port 65535');
  return o;
}

/**
 * Kafka's internal topics want 3 replicas (and 2 in sync for transactions); a smaller local
 * cluster gets what it can hold, unless the user set them.
 */
function internalTopicSettings(brokers: number, overrides: readonly string[]): string[] {
  if (brokers >= 3) return [];
  const wanted: Record<string, number> = {
    'offsets.topic.replication.factor': brokers,
    'transaction.state.log.replication.factor': brokers,
    'transaction.state.log.min.isr': Math.min(2, brokers),
  };
  return Object.entries(wanted).filter(([k]) => !overrides.some((o) => o.startsWith(`${k}=`))).map(([k, v]) => `${k}=${v}`);
}

/** The directories on the PATH that hold an executable `name`, first match. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
}

function startChild(name: string, command: string, args: string[], logFile: string): Child {
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  return { name, proc, exited };
}

async function stopChild(c: Child, graceMs: number): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill('SIGTERM');
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(timer);
}

/** Resolves once `check` resolves true, polling every 200 ms, or rejects after `timeoutMs`. */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problem = failed();
    if (problem) throw new Error(problem);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Settings and client security of a --secure cluster: SASL_SSL everywhere, PLAIN users admin and broker, ACLs on. */
function secureSetup(data: string): { settings: string[]; security: ClientSecurity; adminPassword: string; clientProperties: string } {
  const pki = devPki(data);
  const secretFile = join(pki.dir, 'passwords.json');
  const secrets = existsSync(secretFile)
    ? (JSON.parse(readFileSync(secretFile, 'utf8')) as { admin: string; broker: string })
    : { admin: randomBytes(12).toString('base64url'), broker: randomBytes(12).toString('base64url') };
  writeFileSync(secretFile, JSON.stringify(secrets), { mode: 0o600 });
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="${secrets.broker}" user_broker="${secrets.broker}" user_admin="${secrets.admin}";`;
  const settings = [
    'listener.security.protocol.map=SASL_SSL:SASL_SSL', 'inter.broker.listener.name=SASL_SSL',
    'ssl.keystore.type=PEM', `ssl.keystore.location=${pki.brokerPem}`, `ssl.truststore.location=${pki.caPem}`,
    'sasl.enabled.mechanisms=PLAIN', 'sasl.mechanism.inter.broker.protocol=PLAIN', `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaas}`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users=User:admin;User:broker',
  ];
  const clientProperties = [
    'security.protocol=SASL_SSL', 'sasl.mechanism=PLAIN',
    `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${secrets.admin}";`,
    `ssl.truststore.location=${pki.caPem}`, 'ssl.truststore.type=PEM', '',
  ].join('\n');
  return { settings, security: { tls: { ca: readFileSync(pki.caPem) }, sasl: { mechanism: 'PLAIN', username: 'admin', password: secrets.admin } }, adminPassword: secrets.admin, clientProperties };
}

async function brokersSeenBy(port: number, security?: ClientSecurity): Promise<number> {
  const c = await BrokerConnection.open({ host: '127.0.0.1', port, clientId: 'gregor-cluster-up', connectTimeoutMs: 1_000, requestTimeoutMs: 2_000, security });
  try {
    const r = await c.request(ApiKey.Metadata, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false, includeClusterAuthorizedOperations: false });
    return (r.controllerId ?? -1) >= 0 ? r.brokers.length : 0;
  } finally {
    c.close();
  }
}

export async function clusterUp(args: string[]): Promise<number> {
  if (args[0] !== 'up' || args.includes('--help') || args.includes('-h')) {
    const help = args.includes('--help') || args.includes('-h') || args[0] === 'help';
    (help ? console.log : console.error)(CLUSTER_USAGE);
    return help ? 0 : 2;
  }
  let o: ClusterUpOptions;
  try {
    o = parseClusterUp(args.slice(1));
  } catch (e) {
    console.error(`gregor cluster up: ${(e as Error).message}`);
    return 2;
  }
  const data = resolve(o.dataDir);
  mkdirSync(data, { recursive: true });
  let secure: ReturnType<typeof secureSetup> | undefined;
  try {
    secure = o.secure ? secureSetup(data) : undefined;
  } catch (e) {
    console.error(`gregor cluster up: ${(e as Error).message}`);
    return 1;
  }
  if (secure) writeFileSync(join(data, 'client.properties'), secure.clientProperties, { mode: 0o600 });
  const children: Child[] = [];
  let stopping = false;
  const stopAll = async (): Promise<void> => {
    stopping = true;
    const brokers = children.filter((c) => c.name !== 'etcd');
    await Promise.all(brokers.map((c) => stopChild(c, 15_000)));
    const etcd = children.find((c) => c.name === 'etcd');
    if (etcd) await stopChild(etcd, 5_000);
  };
  let etcdEndpoint = o.etcd;
  if (!etcdEndpoint) {
    const etcdBin = onPath('etcd');
    if (!etcdBin) {
      console.error('gregor cluster up: no etcd binary on the PATH. Install it (Debian/Ubuntu: apt-get install etcd-server) or pass --etcd host:port of a running etcd.');
      return 1;
    }
    etcdEndpoint = `127.0.0.1:${o.etcdPort}`;
    const client = `http://${etcdEndpoint}`;
    const peer = `http://127.0.0.1:${o.etcdPort + 1}`;
    children.push(startChild('etcd', etcdBin, [
      '--name', 'gregor', '--data-dir', join(data, 'etcd'), '--listen-client-urls', client, '--advertise-client-urls', client,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `gregor=${peer}`,
    ], join(data, 'etcd.log')));
  }
  const exitedEarly = (): string | undefined => {
    const gone = children.find((c) => c.proc.exitCode !== null || c.proc.signalCode !== null);
    return gone ? `${gone.name} exited (code ${gone.proc.exitCode ?? gone.proc.signalCode}); see ${join(data, `${gone.name}.log`)}` : undefined;
  };
  const onSignal = (): void => {
    if (stopping) return;
    console.log('stopping the cluster');
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (!o.etcd) {
      await until('etcd answering', 20_000, async () => (await fetch(`http://${etcdEndpoint}/health`)).ok, exitedEarly);
    }
    const gregor = fileURLToPath(new URL('../../../bin/gregor.js', import.meta.url));
    for (let id = 0; id < o.brokers; id++) {
      const port = o.port + id;
      const settings = [
        `node.id=${id}`, `listeners=${secure ? 'SASL_SSL' : 'PLAINTEXT'}://127.0.0.1:${port}`, `log.dirs=${join(data, `broker-${id}`)}`,
        `metadata.store=etcd://${etcdEndpoint}`, `http.listeners=http://127.0.0.1:${o.httpPort + id}`, ...(secure?.settings ?? []), ...internalTopicSettings(o.brokers, o.overrides), ...o.overrides,
      ];
      children.push(startChild(`broker-${id}`, process.execPath, [gregor, 'serve', '--log-format', 'json', ...settings.flatMap((s) => ['--override', s])], join(data, `broker-${id}.log`)));
    }
    for (let id = 0; id < o.brokers; id++) {
      await until(`broker ${id} seeing all ${o.brokers} brokers`, 60_000, async () => (await brokersSeenBy(o.port + id, secure?.security)) === o.brokers, exitedEarly);
    }
  } catch (e) {
    console.error(`gregor cluster up: ${(e as Error).message}`);
    await stopAll();
    return 1;
  }
  const bootstrap = Array.from({ length: o.brokers }, (_, id) => `127.0.0.1:${o.port + id}`).join(',');
  console.log(`Gregor cluster up: ${o.brokers} broker(s), etcd at ${etcdEndpoint}, data in ${data}`);
  console.log(`bootstrap servers: ${bootstrap}`);
  console.log(`web console: http://127.0.0.1:${o.httpPort}/ui/${secure ? ' (sign in as admin)' : ''}`);
  if (secure) {
    console.log('');
    console.log('*** SECURED WITH A DEVELOPMENT CA, FOR TRYING SECURITY LOCALLY ONLY: NOT FOR PRODUCTION ***');
    console.log(`  every port speaks SASL_SSL; clients must trust ${join(data, 'tls', 'ca.pem')}`);
    console.log(`  super user: admin / ${secure.adminPassword} (PLAIN); ACLs are on`);
    console.log(`  client settings for the tools: --command-config ${join(data, 'client.properties')}`);
  }
  console.log('Ctrl-C stops it.');
  for (const c of children) {
    void c.exited.then((code) => {
      if (!stopping) console.error(`${c.name} exited (code ${code}); see ${join(data, `${c.name}.log`)}`);
    });
  }
  await new Promise<void>(() => undefined);
  return 0;
}
