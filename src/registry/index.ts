/** The schema registry served on the broker's HTTP listener, stored in `_schemas`. */
import type { KafkaClient } from '../client/kafka-client.js';
import type { ClientSessions } from '../http/client-sessions.js';
import { Registry } from './registry.js';
import { SchemaRegistryService } from './registry-service.js';
import { SchemasLog } from './schemas-log.js';

export { SchemasLog } from './schemas-log.js';

/** The registry's HTTP API over `log` (which its owner closes). */
export function schemaRegistry(sessions: ClientSessions, log: SchemasLog): SchemaRegistryService {
  return new SchemaRegistryService(sessions, new Registry(log), async () => undefined);
}

/** The registry's log, read through a client `connect` makes. */
export function schemasLog(connect: () => Promise<KafkaClient>): SchemasLog {
  return new SchemasLog(connect);
}
