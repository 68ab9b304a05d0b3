/**
 * Opening the client core for a tool: one KafkaClient per command run, closed afterwards.
 */
import { KafkaClient } from '../../client/kafka-client.js';
import { Admin } from '../../client/admin/admin.js';
import { ClientError } from '../../client/client-error.js';
import type { ClientSecurity } from '../../client/client-security.js';

/** None of the bootstrap brokers could be reached; names the ones tried (reported as one line). */
export class BrokerUnreachableError extends Error {
  override readonly name = 'BrokerUnreachableError';
  constructor(readonly bootstrap: readonly string[], cause: unknown) {
    super(`cannot reach ${bootstrap.join(',')}`, { cause });
  }
}

/** TLS / SASL of the tool's connections (from --command-config; one tool runs per process). */
let cliSecurity: ClientSecurity | undefined;

export function setCliSecurity(security: ClientSecurity | undefined): void {
  cliSecurity = security;
}

export async function withClient<T>(bootstrap: string[], use: (client: KafkaClient) => Promise<T>): Promise<T> {
  let client: KafkaClient;
  try {
    client = await KafkaClient.connect({ bootstrap, clientId: 'gregor-cli', connectTimeoutMs: 5000, retries: 3, security: cliSecurity });
  } catch (e) {
    // The tool may have taken the address from somewhere other than --bootstrap-server
    // (kafka-producer-perf-test's --producer-props bootstrap.servers=...): name what was tried.
    // (a broker that hung up on ApiVersions was reached: its message says what it may need)
    if (e instanceof ClientError && e.code === 'CONNECT' && !e.message.includes('before answering ApiVersions')) throw new BrokerUnreachableError(bootstrap, e);
    throw e;
  }
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export function withAdmin<T>(bootstrap: string[], use: (admin: Admin) => Promise<T>): Promise<T> {
  return withClient(bootstrap, (client) => use(new Admin(client)));
}
