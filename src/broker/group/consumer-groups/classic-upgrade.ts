/**
 * The online upgrade of KIP-848: a Stable classic group of consumers becomes a consumer group
 * whose members stay classic (served by classic-members.ts). Each member keeps its partitions,
 * with the group's generation as its member epoch, so nobody stops; the member of the new
 * protocol that triggered the upgrade then joins the converted group.
 *
 * Contract: called by the GroupCoordinator, the owner of the group, on the event loop.
 */
import type { Group } from '../group.js';
import { groupMetadataRecord, type KeyValue } from '../group-records.js';
import { assignmentPartitions, subscriptionTopics } from '../consumer-protocol.js';
import { assignmentOf, toWire } from './assignment.js';
import { ConsumerGroup, ConsumerGroupMember } from './consumer-group.js';
import { consumerGroupRecords } from './consumer-group-records.js';
import { MemberState } from './reconciliation.js';
import type { TopicInfo } from './subscriptions.js';

export interface UpgradeContext {
  migrationPolicy: string;
  topics: readonly TopicInfo[];
  now: number;
  cancelClassicTimers(group: Group): void;
  /** How members are written (the ConsumerGroupCoordinator's record values). */
  records: {
    memberValue(m: ConsumerGroupMember): NonNullable<Parameters<typeof consumerGroupRecords.member>[2]>;
    currentValue(m: ConsumerGroupMember): NonNullable<Parameters<typeof consumerGroupRecords.current>[2]>;
  };
}

/** Converts the group in place; returns the records of the conversion, undefined when it may not be converted. */
export function upgradeClassicGroup(group: Group, c: UpgradeContext): KeyValue[] | undefined {
  if ((c.migrationPolicy !== 'upgrade' && c.migrationPolicy !== 'bidirectional') || group.protocolType !== 'consumer' || group.state !== 'Stable' || group.protocolName === null) {
    return undefined;
  }
  const ids = new Map(c.topics.map((t) => [t.name, t.topicId]));
  const cg = new ConsumerGroup();
  cg.groupEpoch = group.generationId;
  cg.assignmentEpoch = group.generationId;
  for (const m of group.members.values()) {
    const subscribed = subscriptionTopics(m.metadataFor(group.protocolName));
    const owned = assignmentPartitions(m.assignment);
    if (!subscribed || !owned) return undefined;
    const member = new ConsumerGroupMember(m.memberId);
    Object.assign(member, {
      instanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      subscribedTopicNames: [...new Set(subscribed)].sort(), classic: { sessionTimeoutMs: m.sessionTimeoutMs, protocols: m.protocols },
    });
    const assigned = assignmentOf([...owned].flatMap(([t, ps]) => (ids.has(t) ? ps.map((p): [string, number] => [ids.get(t)!, p]) : [])));
    member.assignment = { state: MemberState.STABLE, memberEpoch: group.generationId, previousMemberEpoch: group.generationId, assigned, pendingRevocation: new Map() };
    cg.addMember(member);
    cg.target.set(member.memberId, assigned);
  }
  c.cancelClassicTimers(group);
  for (const id of [...group.members.keys()]) group.removeMember(id);
  group.pendingMembers.clear();
  group.makeConsumerGroup(cg, c.now);
  const records: KeyValue[] = [groupMetadataRecord(group.groupId, null)];
  for (const m of cg.members.values()) {
    records.push(
      consumerGroupRecords.member(group.groupId, m.memberId, c.records.memberValue(m)),
      consumerGroupRecords.target(group.groupId, m.memberId, toWire(m.assignment.assigned)),
      consumerGroupRecords.current(group.groupId, m.memberId, c.records.currentValue(m)),
    );
  }
  records.push(consumerGroupRecords.targetEpoch(group.groupId, cg.assignmentEpoch), consumerGroupRecords.epoch(group.groupId, cg.groupEpoch));
  return records;
}
