/**
 * Rebuilding consumer groups (KIP-848) from the records of their __consumer_offsets partition:
 * each record replaces (or, as a tombstone, removes) what its key names; after the last record,
 * every group whose epoch record is present is built with its members, their reconciliation state
 * and the target assignment. Session timers are started by the caller.
 *
 * Contract: one instance per partition load; not shared.
 */
import { fromWire } from './assignment.js';
import { ConsumerGroup, ConsumerGroupMember } from './consumer-group.js';
import type { ConsumerGroupRecord, CurrentMemberAssignment, MemberMetadata, PartitionMetadata } from './consumer-group-records.js';
import { MemberState, type MemberStateCode } from './reconciliation.js';

interface Replayed {
  epoch: number | null;
  partitions: PartitionMetadata | null;
  targetEpoch: number | null;
  members: Map<string, MemberMetadata>;
  targets: Map<string, { topicId: string; partitions: number[] }[]>;
  current: Map<string, CurrentMemberAssignment>;
}

export class ConsumerGroupReplay {
  private readonly groups = new Map<string, Replayed>();

  apply(rec: ConsumerGroupRecord): void {
    let g = this.groups.get(rec.groupId);
    if (!g) {
      g = { epoch: null, partitions: null, targetEpoch: null, members: new Map(), targets: new Map(), current: new Map() };
      this.groups.set(rec.groupId, g);
    }
    const put = <V>(map: Map<string, V>, key: string, value: V | null): void => {
      if (value === null) map.delete(key);
      else map.set(key, value);
    };
    switch (rec.type) {
      case 3: g.epoch = rec.epoch; break;
      case 4: g.partitions = rec.value; break;
      case 5: put(g.members, rec.memberId, rec.value); break;
      case 6: g.targetEpoch = rec.assignmentEpoch; break;
      case 7: put(g.targets, rec.memberId, rec.topicPartitions); break;
      case 8: put(g.current, rec.memberId, rec.value); break;
    }
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** The group as its records left it; undefined when it was deleted (no epoch record). */
  build(groupId: string): ConsumerGroup | undefined {
    const g = this.groups.get(groupId);
    if (!g || g.epoch === null) return undefined;
    const cg = new ConsumerGroup();
    cg.groupEpoch = g.epoch;
    cg.assignmentEpoch = g.targetEpoch ?? 0;
    cg.subscriptionSignature = (g.partitions?.topics ?? []).map((t) => `${t.topicId}:${t.topicName}:${t.numPartitions}`).join(',');
    for (const [memberId, meta] of g.members) {
      const m = new ConsumerGroupMember(memberId);
      Object.assign(m, {
        instanceId: meta.instanceId, rackId: meta.rackId, clientId: meta.clientId, clientHost: meta.clientHost,
        subscribedTopicNames: meta.subscribedTopicNames, subscribedTopicRegex: meta.subscribedTopicRegex,
        rebalanceTimeoutMs: meta.rebalanceTimeoutMs, serverAssignor: meta.serverAssignor,
        classic: meta.classicMemberMetadata
          ? { sessionTimeoutMs: meta.classicMemberMetadata.sessionTimeoutMs, protocols: meta.classicMemberMetadata.supportedProtocols.map((p) => ({ name: p.name, metadata: p.metadata })) }
          : null,
      });
      const cur = g.current.get(memberId);
      if (cur) {
        const state = ([MemberState.STABLE, MemberState.UNREVOKED_PARTITIONS, MemberState.UNRELEASED_PARTITIONS] as number[]).includes(cur.state)
          ? (cur.state as MemberStateCode) : MemberState.STABLE;
        m.assignment = {
          state, memberEpoch: cur.memberEpoch, previousMemberEpoch: cur.previousMemberEpoch,
          assigned: fromWire(cur.assignedPartitions), pendingRevocation: fromWire(cur.partitionsPendingRevocation),
        };
      }
      cg.addMember(m);
      const target = g.targets.get(memberId);
      if (target) cg.target.set(memberId, fromWire(target));
    }
    return cg;
  }
}
