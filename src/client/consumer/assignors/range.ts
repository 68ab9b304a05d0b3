/**
 * The range assignor (protocol name "range"), Kafka's RangeAssignor: each topic is assigned on
 * its own. The members subscribed to the topic are put in member order (compareMembers) and the
 * topic's partitions, in partition order, are cut into consecutive ranges: with P partitions and
 * M members every member gets floor(P / M) partitions and the first P mod M members one more.
 */
import { cmp, compareMembers, emptyAssignment, type AssignmentInput, type GroupAssignment, type PartitionAssignor } from './assignor.js';

export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range' as const;
  readonly cooperative = false;

  assign(input: AssignmentInput): GroupAssignment {
    const out = emptyAssignment(input.members);
    const topics = [...new Set(input.members.flatMap((m) => m.subscription.topics))].sort(cmp);
    for (const topic of topics) {
      const count = input.partitionsPerTopic.get(topic) ?? 0;
      if (count <= 0) continue;
      const members = input.members.filter((m) => m.subscription.topics.includes(topic)).sort(compareMembers);
      const perMember = Math.floor(count / members.length);
      const extra = count % members.length;
      members.forEach((m, i) => {
        const start = perMember * i + Math.min(i, extra);
        const length = perMember + (i < extra ? 1 : 0);
        const list = out.get(m.memberId)!;
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p });
      });
    }
    return out;
  }
}
