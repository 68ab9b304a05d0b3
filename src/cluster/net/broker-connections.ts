/**
 * BrokerConnections: this broker's connections to the other brokers of the cluster (forwarding to
 * the controller, and later replica fetches and transaction markers), one per node id, opened on
 * first use with the endpoint the metadata view has for that node and opened again when it broke
 * or the node moved. Built on the client layer's BrokerConnection (pipelined, versions negotiated).
 *
 * Contract: owned by the cluster wiring; concurrent callers share one connection attempt.
 */
import { BrokerConnection } from '../../client/broker-connection.js';
import type { BrokerEndpoint, MetadataStore } from '../../broker/metadata/metadata-store.js';
import type { ClientSecurity } from '../../client/client-security.js';

export interface BrokerConnectionsOptions {
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** TLS / SASL of the inter-broker listener (broker/security/inter-broker-security.ts). */
  security?: ClientSecurity;
}

interface Entry {
  endpoint: string;
  connection: Promise<BrokerConnection>;
}

export class BrokerConnections {
  private readonly byNode = new Map<number, Entry>();

  constructor(private readonly metadata: MetadataStore, private readonly o: BrokerConnectionsOptions) {}

  private endpointOf(nodeId: number): BrokerEndpoint | undefined {
    return this.metadata.brokers().find((b) => b.nodeId === nodeId);
  }

  /** An open connection to `nodeId`; rejects when the node is not live or cannot be reached. */
  async get(nodeId: number): Promise<BrokerConnection> {
    const b = this.endpointOf(nodeId);
    if (!b) throw new Error(`node ${nodeId} is not a live broker`);
    const endpoint = `${b.host}:${b.port}`;
    const existing = this.byNode.get(nodeId);
    if (existing && existing.endpoint === endpoint) {
      const c = await existing.connection.catch(() => undefined);
      if (c?.isOpen) return c;
    }
    existing?.connection.then((c) => c.close(), () => undefined);
    const connection = BrokerConnection.open({
      host: b.host, port: b.port, clientId: this.o.clientId, connectTimeoutMs: this.o.connectTimeoutMs, requestTimeoutMs: this.o.requestTimeoutMs, security: this.o.security,
    });
    this.byNode.set(nodeId, { endpoint, connection });
    connection.catch(() => {
      if (this.byNode.get(nodeId)?.connection === connection) this.byNode.delete(nodeId);
    });
    return connection;
  }

  closeAll(): void {
    for (const e of this.byNode.values()) e.connection.then((c) => c.close(), () => undefined);
    this.byNode.clear();
  }
}
