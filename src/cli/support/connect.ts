/**
 * Opening the client core for a tool: one KafkaClient per command run, closed afterwards.
 */
import { KafkaClient } from '../../client/kafka-client.js';
import { Admin } from '../../client/admin/admin.js';

export async function withClient<T>(bootstrap: string[], use: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect({ bootstrap, clientId: 'gregor-cli', connectTimeoutMs: 5000, retries: 3 });
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export function withAdmin<T>(bootstrap: string[], use: (admin: Admin) => Promise<T>): Promise<T> {
  return withClient(bootstrap, (client) => use(new Admin(client)));
}
