/** The console API's answers, as the pages use them (src/console/server/routes). */
export interface Overview {
  clusterId: string | null;
  controllerId: number;
  servedBy: number;
  brokers: { id: number; host: string; port: number; rack: string | null }[];
  topics: number;
  partitions: number;
  underReplicated: number;
  offline: number;
  traffic: { at: number; bytesIn: number; bytesOut: number; messagesIn: number };
}

export interface TopicRow {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  underReplicated: number;
  offline: number;
  sizeBytes: number | null;
  endOffsets: number | null;
}

export interface ConfigRow {
  name: string;
  value: string | null;
  source: 'topic' | 'broker' | 'default' | 'other';
  kafkaSource: string;
  readOnly: boolean;
  sensitive: boolean;
  documentation: string | null;
}

export interface TopicDetail {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: { partition: number; leader: number; leaderEpoch: number; replicas: number[]; isr: number[]; low: number | null; high: number | null }[];
  configs: ConfigRow[];
}

export interface BytesView {
  size: number;
  base64: string;
  text?: string;
  truncated?: boolean;
}

export interface RecordRow {
  partition: number;
  offset: number;
  timestamp: number;
  key: BytesView | null;
  value: BytesView | null;
  /** The value decoded through the schema registry, when it carries a schema id. */
  decoded?: { schemaId: number; json: unknown };
  headers: { key: string; value: BytesView | null }[];
}

export interface Messages {
  records: RecordRow[];
  cursor: string;
  scanned: number;
  reachedEnd: boolean;
  low: Record<string, number>;
  high: Record<string, number>;
}

export interface GroupRow {
  groupId: string;
  /** classic, or consumer for the consumer group protocol (KIP-848). */
  type: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: number;
  topics: string[];
  lag: number | null;
}

export interface GroupDetail {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: { memberId: string; instanceId: string | null; clientId: string; host: string; assignment: { topic: string; partitions: number[] }[] }[];
  offsets: { topic: string; partition: number; committed: number | null; end: number | null; lag: number | null; memberId: string | null }[];
  at: number;
}

export interface AclRow {
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}

export interface UserRow {
  user: string;
  credentials: { mechanism: string; iterations: number }[];
}
