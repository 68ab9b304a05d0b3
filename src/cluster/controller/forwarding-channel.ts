/**
 * ForwardingChannel: the ControllerChannel of a cluster broker. The controller is whoever the
 * metadata view names; a request for it is sent over an inter-broker connection at the version
 * given and its response returned. While no controller is known (an election is under way) it
 * waits for one, up to the request timeout; then it fails with MetadataUnavailableError, which
 * the caller reports as a retriable error.
 */
import type { ApiMessages } from '../../protocol/generated/api-registry.js';
import type { ControllerChannel } from '../../broker/metadata/controller-channel.js';
import { MetadataUnavailableError, type MetadataStore } from '../../broker/metadata/metadata-store.js';
import type { BrokerConnections } from '../net/broker-connections.js';

export class ForwardingChannel implements ControllerChannel {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly nodeId: number,
    private readonly connections: BrokerConnections,
    private readonly timeoutMs: number,
  ) {}

  isLocal(): boolean {
    return this.metadata.controllerId() === this.nodeId;
  }

  async send<K extends keyof ApiMessages>(apiKey: K, version: number, request: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    const live = (): boolean => this.metadata.controllerId() >= 0 && this.metadata.brokers().some((b) => b.nodeId === this.metadata.controllerId());
    try {
      await this.metadata.waitFor(live, this.timeoutMs);
    } catch {
      throw new MetadataUnavailableError('no controller is elected');
    }
    const controller = this.metadata.controllerId();
    try {
      const connection = await this.connections.get(controller);
      return await connection.request(apiKey, request, version);
    } catch (e) {
      throw new MetadataUnavailableError(`forwarding to the controller (node ${controller}) failed: ${(e as Error).message}`);
    }
  }
}
