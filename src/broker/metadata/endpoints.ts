/**
 * Which address a client is given for a broker: the broker's endpoint on the listener the client
 * itself connected through (Kafka answers Metadata, FindCoordinator and DescribeCluster per
 * listener), or the broker's default endpoint when it has no listener of that name.
 */
import type { BrokerEndpoint } from './metadata-store.js';

export interface ClientEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export function endpointFor(b: BrokerEndpoint, listener: string): ClientEndpoint {
  const l = b.listeners?.find((x) => x.name === listener);
  return { nodeId: b.nodeId, host: l?.host ?? b.host, port: l?.port ?? b.port, rack: b.rack };
}
