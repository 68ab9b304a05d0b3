/**
 * WriteTxnMarkersChannel: the MarkerChannel of a cluster broker. A transaction coordinator hands
 * it the COMMIT/ABORT marker for the partitions one other broker leads; it sends them there as a
 * WriteTxnMarkers request over the inter-broker connection and returns that broker's error code
 * per partition. A broker that cannot be reached fails every partition with NETWORK_EXCEPTION, so
 * the coordinator retries them (against the leader its view then names).
 *
 * Contract: stateless apart from the shared BrokerConnections.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { markerKey, type MarkerChannel, type TxnMarker } from '../../broker/txn/txn-markers.js';
import type { BrokerConnections } from './broker-connections.js';

export class WriteTxnMarkersChannel implements MarkerChannel {
  constructor(private readonly connections: BrokerConnections) {}

  async send(nodeId: number, marker: TxnMarker): Promise<Map<string, number>> {
    const byTopic = new Map<string, number[]>();
    for (const p of marker.partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const failed = new Map(marker.partitions.map((p) => [markerKey(p), ErrorCode.NETWORK_EXCEPTION]));
    let response;
    try {
      const connection = await this.connections.get(nodeId);
      response = await connection.request(ApiKey.WriteTxnMarkers, {
        markers: [{
          producerId: marker.producerId, producerEpoch: marker.producerEpoch, transactionResult: marker.commit,
          coordinatorEpoch: marker.coordinatorEpoch,
          topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
        }],
      });
    } catch {
      return failed;
    }
    const out = new Map<string, number>();
    for (const t of response.markers[0]?.topics ?? []) {
      for (const p of t.partitions) out.set(markerKey({ topic: t.name, partition: p.partitionIndex }), p.errorCode);
    }
    for (const [k, code] of failed) if (!out.has(k)) out.set(k, code);
    return out;
  }
}
