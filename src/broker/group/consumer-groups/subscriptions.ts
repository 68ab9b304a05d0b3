/**
 * What the members of a consumer group subscribe to, resolved against the cluster's topics:
 * topic names as given, and every topic whose whole name matches a member's regex (internal
 * topics only by name, as Kafka). The group's signature — the subscribed topics' ids, names and
 * partition counts — changes exactly when a new target assignment is needed because a subscribed
 * topic was created, deleted or grew partitions.
 *
 * Contract: pure functions of the members and the topic list.
 */
import { compileTopicRegex } from './topic-regex.js';

export interface TopicInfo {
  name: string;
  topicId: string;
  partitions: number;
  internal: boolean;
}

export interface Subscription {
  subscribedTopicNames: readonly string[];
  subscribedTopicRegex: string | null;
}

/** The topics one member subscribes to, by id. */
export function subscribedTopics(member: Subscription, topics: readonly TopicInfo[], byName: ReadonlyMap<string, TopicInfo>): TopicInfo[] {
  const out = new Map<string, TopicInfo>();
  for (const name of member.subscribedTopicNames) {
    const t = byName.get(name);
    if (t) out.set(t.topicId, t);
  }
  if (member.subscribedTopicRegex !== null && member.subscribedTopicRegex !== '') {
    const re = compileTopicRegex(member.subscribedTopicRegex);
    for (const t of topics) if (!t.internal && re.test(t.name)) out.set(t.topicId, t);
  }
  return [...out.values()];
}

/** Every topic any member subscribes to, sorted by name, and the group's signature of them. */
export function groupSubscription(members: Iterable<Subscription>, topics: readonly TopicInfo[]): { topics: TopicInfo[]; signature: string } {
  const byName = new Map(topics.map((t) => [t.name, t]));
  const all = new Map<string, TopicInfo>();
  for (const m of members) for (const t of subscribedTopics(m, topics, byName)) all.set(t.topicId, t);
  const sorted = [...all.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { topics: sorted, signature: sorted.map((t) => `${t.topicId}:${t.name}:${t.partitions}`).join(',') };
}
