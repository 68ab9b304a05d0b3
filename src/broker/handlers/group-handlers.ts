/**
 * The group coordinator's handlers (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, DeleteGroups, OffsetDelete),
 * and the transaction APIs (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn,
 * TxnOffsetCommit, DescribeTransactions, ListTransactions, DescribeProducers), and the consumer
 * group protocol's ConsumerGroupHeartbeat and ConsumerGroupDescribe, and share groups'
 * ShareGroupHeartbeat, ShareGroupDescribe, ShareFetch and ShareAcknowledge.
 */
import type { ApiHandler } from './api-handler.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { joinGroupHandler } from './join-group.js';
import { syncGroupHandler } from './sync-group.js';
import { heartbeatHandler } from './heartbeat.js';
import { leaveGroupHandler } from './leave-group.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { describeGroupsHandler } from './describe-groups.js';
import { listGroupsHandler } from './list-groups.js';
import { deleteGroupsHandler } from './delete-groups.js';
import { offsetDeleteHandler } from './offset-delete.js';
import { initProducerIdHandler } from './init-producer-id.js';
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.js';
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.js';
import { endTxnHandler } from './end-txn.js';
import { txnOffsetCommitHandler } from './txn-offset-commit.js';
import { writeTxnMarkersHandler } from './write-txn-markers.js';
import { describeTransactionsHandler } from './describe-transactions.js';
import { listTransactionsHandler } from './list-transactions.js';
import { describeProducersHandler } from './describe-producers.js';
import { consumerGroupHeartbeatHandler } from './consumer-group-heartbeat.js';
import { consumerGroupDescribeHandler } from './consumer-group-describe.js';
import { shareGroupHeartbeatHandler } from './share-group-heartbeat.js';
import { shareGroupDescribeHandler } from './share-group-describe.js';
import { shareFetchHandler } from './share-fetch.js';
import { shareAcknowledgeHandler } from './share-acknowledge.js';

export const GROUP_HANDLERS = [
  findCoordinatorHandler, joinGroupHandler, syncGroupHandler, heartbeatHandler, leaveGroupHandler,
  offsetCommitHandler, offsetFetchHandler, describeGroupsHandler, listGroupsHandler, deleteGroupsHandler,
  offsetDeleteHandler, initProducerIdHandler, addPartitionsToTxnHandler, addOffsetsToTxnHandler, endTxnHandler,
  txnOffsetCommitHandler, writeTxnMarkersHandler, describeTransactionsHandler, listTransactionsHandler, describeProducersHandler,
  consumerGroupHeartbeatHandler, consumerGroupDescribeHandler,
  shareGroupHeartbeatHandler, shareGroupDescribeHandler, shareFetchHandler, shareAcknowledgeHandler,
] as unknown as readonly ApiHandler<never>[];
