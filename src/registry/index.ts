/** The schema registry served on the broker's HTTP listener, stored in `_schemas`. */
import type { KafkaClient } from '../client/kafka-client.js';
import type { ClientSessions } from '../http/client-sessions.js';
import { Registry } from './registry.js';
import { SchemaRegistryService } from './registry-service.js';
import { SchemasLog } from './schemas-log.js';

export { Registry, SchemasLog };

/** The registry's HTTP API. */
export function schemaRegistry(sessions: ClientSessions, registry: Registry): SchemaRegistryService {
  return new SchemaRegistryService(sessions, registry);
}

/** The registry's log, read through a client `connect` makes. */
export function schemasLog(connect: () => Promise<KafkaClient>): SchemasLog {
  return new SchemasLog(connect);
}
