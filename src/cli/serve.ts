/**
 * `gregor serve [server.properties] [--override key=value ...]`: starts a broker the way Kafka's
 * kafka-server-start.sh does, with Kafka's setting names. Settings may also come from GREGOR_* or
 * KAFKA_* environment variables. SIGTERM and SIGINT shut it down cleanly.
 */
import { ConfigError } from '../common/config/config-def.js';
import { createLogger } from '../common/logger.js';
import { Broker } from '../broker/broker.js';
import { BrokerConfig } from '../broker/config/broker-config.js';
import { BROKER_CONFIG_DEFS } from '../broker/config/broker-config-defs.js';
import { metadataBackend } from '../cluster/metadata-backend.js';

export const SERVE_USAGE = `Usage: gregor serve [server.properties] [--override key=value ...]

Starts a broker. With no arguments it listens on 127.0.0.1:9092 and keeps data in ./data.
Settings use Kafka's names (listeners, log.dirs, num.partitions, log.retention.hours, ...) and can
come from a properties file, GREGOR_<NAME>/KAFKA_<NAME> environment variables (log.retention.hours
is GREGOR_LOG_RETENTION_HOURS), and --override, in increasing precedence.

Examples:
  gregor serve
  gregor serve config/server.properties
  gregor serve --override listeners=PLAINTEXT://0.0.0.0:9092 --override num.partitions=3

Options:
  --override key=value   set one setting (repeatable)
  --help-config          list every setting with its default
  --log-format json|pretty`;

interface ServeArgs {
  propertiesFile?: string;
  overrides: string[];
  logFormat?: 'json' | 'pretty';
}

function parseArgs(args: string[]): ServeArgs | string {
  const out: ServeArgs = { overrides: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--override') {
      const v = args[++i];
      if (!v) return '--override needs key=value';
      out.overrides.push(v);
    } else if (a.startsWith('--override=')) {
      out.overrides.push(a.slice('--override='.length));
    } else if (a === '--log-format') {
      const v = args[++i];
      if (v !== 'json' && v !== 'pretty') return '--log-format is json or pretty';
      out.logFormat = v;
    } else if (a.startsWith('-')) {
      return `unknown option ${a}`;
    } else if (out.propertiesFile === undefined) {
      out.propertiesFile = a;
    } else {
      return `unexpected argument ${a}`;
    }
  }
  return out;
}

function configHelp(): string {
  return BROKER_CONFIG_DEFS.map((d) => `${d.name} (${d.type}, default ${d.default ?? 'none'})\n    ${d.doc}`).join('\n');
}

export async function serve(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(SERVE_USAGE);
    return 0;
  }
  if (args.includes('--help-config')) {
    console.log(configHelp());
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`gregor serve: ${parsed} (see 'gregor serve --help')`);
    return 2;
  }
  let config: BrokerConfig;
  try {
    config = BrokerConfig.load({ propertiesFile: parsed.propertiesFile, overrides: parsed.overrides, env: process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`gregor serve: invalid configuration: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const logger = createLogger({ format: parsed.logFormat });
  let broker: Broker;
  const backend = metadataBackend(config, logger);
  try {
    broker = await Broker.start({ config, logger, openMetadataStore: backend.openMetadataStore, controllerChannel: backend.controllerChannel, markerChannel: backend.markerChannel });
    backend.started(broker);
  } catch (e) {
    logger.fatal({ err: e }, 'the broker could not start');
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      backend.stopping().then(() => broker.stop()).then(
        () => {
          logger.flush();
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'unclean shutdown');
          logger.flush();
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
