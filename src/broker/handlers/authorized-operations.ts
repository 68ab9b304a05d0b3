/**
 * Authorized-operation bit sets reported by Metadata, DescribeCluster and DescribeGroups. Without
 * ACLs every client may do everything, so the sets hold every operation of the resource type
 * (bit n set for Kafka's AclOperation code n).
 */
const bits = (...codes: number[]): number => codes.reduce((acc, c) => acc | (1 << c), 0);

// AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
// DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12
export const TOPIC_OPERATIONS = bits(3, 4, 5, 6, 7, 8, 10, 11);
export const CLUSTER_OPERATIONS = bits(5, 7, 8, 9, 10, 11, 12);
export const GROUP_OPERATIONS = bits(3, 6, 8, 10, 11);
/** The value Kafka sends when the client did not ask for authorized operations. */
export const NOT_REQUESTED = -2147483648;
