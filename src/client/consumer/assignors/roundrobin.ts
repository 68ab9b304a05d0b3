/**
 * The round-robin assignor (protocol name "roundrobin"), Kafka's RoundRobinAssignor: all
 * partitions of all subscribed topics, sorted by topic and partition, are dealt one at a time to
 * the members in member order (compareMembers), cycling; a member not subscribed to a
 * partition's topic is skipped for that partition.
 */
import { cmp, compareMembers, emptyAssignment, type AssignmentInput, type GroupAssignment, type PartitionAssignor } from './assignor.js';

export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin' as const;
  readonly cooperative = false;

  assign(input: AssignmentInput): GroupAssignment {
    const out = emptyAssignment(input.members);
    const members = [...input.members].sort(compareMembers);
    if (members.length === 0) return out;
    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))].sort(cmp);
    let next = 0;
    for (const topic of topics) {
      const count = input.partitionsPerTopic.get(topic) ?? 0;
      for (let partition = 0; partition < count; partition++) {
        // some member subscribes to every topic in the list, so this finds one within a cycle
        for (let tried = 0; tried < members.length; tried++) {
          const m = members[next]!;
          next = (next + 1) % members.length;
          if (m.subscription.topics.includes(topic)) {
            out.get(m.memberId)!.push({ topic, partition });
            break;
          }
        }
      }
    }
    return out;
  }
}
