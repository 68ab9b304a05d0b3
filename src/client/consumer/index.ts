/** Gregor's Kafka consumer: see consumer.ts. */
export { Consumer, type CommitOffset, type CommittedOffset, type ConsumerOptions, type IsolationLevel, type OffsetResetPolicy } from './consumer.js';
export type { ConsumerRecord, RebalanceEvent, RebalanceEventType, TopicPartition } from './types.js';
export {
  CooperativeStickyAssignor, RangeAssignor, RoundRobinAssignor, assignorByName,
  type AssignmentInput, type AssignorName, type GroupAssignment, type GroupMember, type PartitionAssignor,
} from './assignors/index.js';
export { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, type Assignment, type Subscription } from './consumer-protocol.js';
export { ShareConsumer, type AcknowledgeKind, type ShareConsumerOptions, type ShareRecord } from './share-consumer.js';
