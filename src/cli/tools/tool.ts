/**
 * What a command-line tool is: its names (Kafka's, with and without `.sh`, and Gregor's), its
 * options as data, examples, and a run function that returns an exit code.
 */
import { clientProperties } from '../support/client-properties.js';
import { setCliSecurity } from '../support/connect.js';
import { securityFromProperties } from '../../client/client-security.js';
import type { OptionSpec, ParsedOptions } from '../support/options.js';
import type { Io } from '../support/output.js';

export interface Tool {
  /** The Kafka tool name, e.g. kafka-topics. */
  name: string;
  summary: string;
  options: readonly OptionSpec[];
  examples: readonly string[];
  run(options: ParsedOptions, io: Io): Promise<number>;
}

export const BOOTSTRAP_OPTIONS: readonly OptionSpec[] = [
  { name: 'bootstrap-server', value: 'host:port[,host:port]', defaultWhenBare: 'localhost:9092', doc: 'Brokers to connect to (default localhost:9092).' },
  { name: 'command-config', value: 'file', doc: 'Client properties for secured brokers: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ssl.keystore.location.' },
];

/**
 * The bootstrap list from --bootstrap-server (or --broker-list), default localhost:9092. The
 * connection's security is set here too, from --command-config (or the console tools'
 * --consumer.config / --producer.config and --consumer-property / --producer-property).
 */
export function bootstrapOf(options: ParsedOptions): string[] {
  const props = new Map([
    ...clientProperties(options, 'command-config-property', 'command-config'),
    ...clientProperties(options, 'consumer-property', 'consumer.config'),
    ...clientProperties(options, 'producer-property', 'producer.config'),
  ]);
  setCliSecurity(securityFromProperties(props));
  const given = options.get('bootstrap-server') ?? (options.has('broker-list') ? options.get('broker-list') : undefined) ?? 'localhost:9092';
  return given.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
