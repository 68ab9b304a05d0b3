/**
 * DescribeCluster (key 60), v0-v1: the cluster id, the brokers with their advertised endpoints and
 * racks, the controller id (-1 when it is not among the brokers listed, as Kafka does), and, when
 * asked, the authorized operations on the cluster (every one: Gregor has no ACLs yet).
 *
 * v1's endpointType: 1 (brokers) is what a broker serves; 2 (controllers) gets
 * MISMATCHED_ENDPOINT_TYPE and any other value UNSUPPORTED_ENDPOINT_TYPE (both INVALID_REQUEST in
 * v0, where the field does not exist and is always 1).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { DescribeClusterResponse } from '../../protocol/generated/messages/DescribeClusterResponse.js';
import { endpointFor } from '../metadata/endpoints.js';
import { defineHandler } from './api-handler.js';
import { CLUSTER_OPERATIONS, NOT_REQUESTED } from './authorized-operations.js';

const BROKER_ENDPOINTS = 1;
const CONTROLLER_ENDPOINTS = 2;

export const describeClusterHandler = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx): DescribeClusterResponse {
    const { metadata } = ctx.services;
    const v = ctx.apiVersion;
    const requested = v >= 1 ? (request.endpointType ?? BROKER_ENDPOINTS) : BROKER_ENDPOINTS;
    const failed = (errorCode: number, errorMessage: string): DescribeClusterResponse => ({
      throttleTimeMs: 0, errorCode, errorMessage, clusterId: '', controllerId: -1, brokers: [], clusterAuthorizedOperations: NOT_REQUESTED,
    });
    if (requested !== BROKER_ENDPOINTS && requested !== CONTROLLER_ENDPOINTS) {
      return failed(v === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${requested}`);
    }
    if (requested !== BROKER_ENDPOINTS) {
      return failed(v === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER');
    }
    const brokers = metadata.brokers().map((b) => endpointFor(b, ctx.client.listener)).map((e) => ({ brokerId: e.nodeId, host: e.host, port: e.port, rack: e.rack }));
    const controllerId = metadata.controllerId();
    const response: DescribeClusterResponse = {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      clusterId: metadata.clusterId,
      controllerId: brokers.some((b) => b.brokerId === controllerId) ? controllerId : -1,
      brokers,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NOT_REQUESTED,
    };
    if (v >= 1) response.endpointType = BROKER_ENDPOINTS;
    return response;
  },
});
