/** The schema registry served on the broker's HTTP listener, stored in `_schemas`. */
import type { KafkaClient } from '../client/kafka-client.js';
import type { ClientSessions } from '../http/client-sessions.js';
import { Registry } from './registry.js';
import { SchemaRegistryService } from './registry-service.js';
import { SchemasLog } from './schemas-log.js';

export function schemaRegistry(sessions: ClientSessions, connect: () => Promise<KafkaClient>): SchemaRegistryService {
  const log = new SchemasLog(connect);
  return new SchemaRegistryService(sessions, new Registry(log), () => log.close());
}
