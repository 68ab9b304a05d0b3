/**
 * ReassignmentManager: AlterPartitionReassignments and ListPartitionReassignments. Starting or
 * cancelling a reassignment changes partition metadata, so like every topic change it runs on the
 * controller (elsewhere the request is forwarded there as AlterPartitionReassignments); the rules
 * are in partition-reassignment.ts. The replicas being added then follow the leader like any
 * follower, and the controller finishes the move once they are all in sync. Listing reads the
 * local view, which every broker shares.
 *
 * Contract: stateless; the metadata store owns the reassignment state (the partitions'
 * addingReplicas / removingReplicas).
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { ControllerChannel } from '../metadata/controller-channel.js';
import {
  MetadataUnavailableError, NotControllerError, StaleMetadataError, type MetadataStore, type PartitionMetadata, type PartitionUpdate,
} from '../metadata/metadata-store.js';
import { cancelReassignment, isReassigning, startReassignment } from './partition-reassignment.js';

export interface ReassignmentAsk {
  topic: string;
  partitions: { partitionIndex: number; replicas: number[] | null }[];
}

export interface PartitionOutcome {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ReassignmentOutcome {
  topic: string;
  partitions: PartitionOutcome[];
}

export interface OngoingReassignment {
  topic: string;
  partitions: { partitionIndex: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }[];
}

const FORWARD_TIMEOUT_MS = 30_000;
/** How often a change that lost a race with an ISR change is recomputed. */
const STALE_RETRIES = 5;

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => b[i] === x);
}

export class ReassignmentManager {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly config: BrokerConfig,
    private readonly controller: ControllerChannel,
  ) {}

  async alter(asks: ReassignmentAsk[]): Promise<ReassignmentOutcome[]> {
    if (!this.controller.isLocal()) return this.forward(asks);
    const out: ReassignmentOutcome[] = [];
    for (const ask of asks) out.push(await this.alterTopic(ask, STALE_RETRIES));
    return out;
  }

  private uncleanAllowed(configs: Record<string, string>): boolean {
    return (configs['unclean.leader.election.enable'] ?? this.config.topicDefault('unclean.leader.election.enable').text) === 'true';
  }

  /** Computes and writes one topic's changes; recomputed when the partitions moved meanwhile (an ISR change). */
  private async alterTopic(ask: ReassignmentAsk, retries: number): Promise<ReassignmentOutcome> {
    const topic = this.metadata.topic(ask.topic);
    const live = new Set(this.metadata.brokers().map((b) => b.nodeId));
    const results: PartitionOutcome[] = [];
    const updates: PartitionUpdate[] = [];
    for (const a of ask.partitions) {
      const p = topic?.partitions.find((x) => x.partition === a.partitionIndex);
      if (!topic || !p) {
        results.push({ partitionIndex: a.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Unable to find partition ${ask.topic}-${a.partitionIndex}.` });
        continue;
      }
      if (updates.some((u) => u.next.partition === p.partition)) {
        results.push({ partitionIndex: a.partitionIndex, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Partition ${ask.topic}-${a.partitionIndex} is named twice.` });
        continue;
      }
      const next: PartitionMetadata | { errorCode: number; errorMessage: string } = a.replicas === null
        ? cancelReassignment(p, live, this.uncleanAllowed(topic.configs), topic.name)
        : startReassignment(p, a.replicas, live);
      if ('errorCode' in next) {
        results.push({ partitionIndex: a.partitionIndex, errorCode: next.errorCode, errorMessage: next.errorMessage });
        continue;
      }
      results.push({ partitionIndex: a.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null });
      const unchanged = !isReassigning(p) && !isReassigning(next) && sameOrder(p.replicas, next.replicas);
      if (!unchanged) updates.push({ expectedEpoch: p.partitionEpoch, next });
    }
    if (updates.length > 0) {
      try {
        await this.metadata.updatePartitions(ask.topic, updates);
      } catch (e) {
        if (e instanceof StaleMetadataError && !(e instanceof NotControllerError) && retries > 0) return this.alterTopic(ask, retries - 1);
        const error = storeError(e, ask.topic);
        for (const r of results) if (r.errorCode === ErrorCode.NONE) Object.assign(r, error);
      }
    }
    return { topic: ask.topic, partitions: results };
  }

  /** The reassignments in progress, of every partition or of the named ones. */
  list(filter: { topic: string; partitions: number[] }[] | null): OngoingReassignment[] {
    const wanted = filter ?? this.metadata.topics().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) }));
    const out: OngoingReassignment[] = [];
    for (const { topic, partitions } of wanted) {
      const t = this.metadata.topic(topic);
      const ongoing = (t?.partitions ?? []).filter((p) => partitions.includes(p.partition) && isReassigning(p)).map((p) => ({
        partitionIndex: p.partition, replicas: [...p.replicas], addingReplicas: [...(p.addingReplicas ?? [])], removingReplicas: [...(p.removingReplicas ?? [])],
      }));
      if (ongoing.length > 0) out.push({ topic, partitions: ongoing });
    }
    return out;
  }

  private async forward(asks: ReassignmentAsk[]): Promise<ReassignmentOutcome[]> {
    const failAll = (errorCode: number, errorMessage: string | null): ReassignmentOutcome[] =>
      asks.map((a) => ({ topic: a.topic, partitions: a.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })) }));
    try {
      const r = await this.controller.send(ApiKey.AlterPartitionReassignments, 0, {
        timeoutMs: FORWARD_TIMEOUT_MS,
        topics: asks.map((a) => ({ name: a.topic, partitions: a.partitions.map((p) => ({ partitionIndex: p.partitionIndex, replicas: p.replicas })) })),
      });
      if (r.errorCode !== ErrorCode.NONE) return failAll(r.errorCode, r.errorMessage);
      return r.responses.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: p.errorCode, errorMessage: p.errorMessage })) }));
    } catch (e) {
      return failAll(ErrorCode.REQUEST_TIMED_OUT, `the controller could not be reached: ${(e as Error).message}`);
    }
  }
}

function storeError(e: unknown, topic: string): { errorCode: number; errorMessage: string } {
  if (e instanceof NotControllerError) return { errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: e.message };
  if (e instanceof StaleMetadataError) return { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: `${topic} changed during the reassignment; try again.` };
  if (e instanceof MetadataUnavailableError) return { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: e.message };
  throw e;
}
