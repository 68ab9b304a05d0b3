/**
 * The topic- and cluster-administration handlers (CreateTopics, DeleteTopics, CreatePartitions,
 * the config APIs, DeleteRecords, DescribeCluster, DescribeLogDirs).
 */
import type { ApiHandler } from './api-handler.js';

export const ADMIN_HANDLERS: readonly ApiHandler<never>[] = [];
