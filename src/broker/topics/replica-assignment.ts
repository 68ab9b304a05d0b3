/**
 * Checks of a manual replica assignment (CreateTopics `assignments`, CreatePartitions
 * `assignments`), in the order and with the messages of Kafka's controller: an empty replica list,
 * a broker that is not registered, a broker named twice, and a replica count that differs from the
 * partitions before it. All are INVALID_REPLICA_ASSIGNMENT.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';

export interface AssignmentProblem {
  errorCode: number;
  errorMessage: string;
}

/**
 * The problem with one partition's replicas, or undefined. `replicationFactor` is the replica count
 * the partitions before it have (undefined for the first one).
 */
export function manualAssignmentProblem(
  replicas: readonly number[],
  registered: ReadonlySet<number>,
  replicationFactor: number | undefined,
): AssignmentProblem | undefined {
  const problem = (errorMessage: string): AssignmentProblem => ({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage });
  if (replicas.length === 0) return problem('The manual partition assignment includes an empty replica list.');
  const sorted = [...replicas].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    if (!registered.has(id)) return problem(`The manual partition assignment includes broker ${id}, but no such broker is registered.`);
    if (i > 0 && sorted[i - 1] === id) return problem(`The manual partition assignment includes the broker ${id} more than once.`);
  }
  if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
    return problem(`The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`);
  }
  return undefined;
}
