/**
 * The topic- and cluster-administration handlers (CreateTopics, DeleteTopics, CreatePartitions,
 * the config APIs, DeleteRecords, DescribeCluster, DescribeTopicPartitions, DescribeLogDirs, ElectLeaders,
 * AlterPartitionReassignments, ListPartitionReassignments).
 */
import type { ApiHandler } from './api-handler.js';
import { alterConfigsHandler } from './alter-configs.js';
import { alterPartitionReassignmentsHandler } from './alter-partition-reassignments.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { describeTopicPartitionsHandler } from './describe-topic-partitions.js';
import { describeLogDirsHandler } from './describe-log-dirs.js';
import { electLeadersHandler } from './elect-leaders.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
import { listPartitionReassignmentsHandler } from './list-partition-reassignments.js';

export const ADMIN_HANDLERS: readonly ApiHandler<never>[] = [
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  describeLogDirsHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  describeClusterHandler,
  describeTopicPartitionsHandler,
  electLeadersHandler,
  alterPartitionReassignmentsHandler,
  listPartitionReassignmentsHandler,
] as unknown as ApiHandler<never>[];
