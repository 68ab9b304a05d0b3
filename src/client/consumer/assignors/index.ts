/** The built-in assignors by protocol name. */
import { ClientError } from '../../client-error.js';
import type { AssignorName, PartitionAssignor } from './assignor.js';
import { CooperativeStickyAssignor } from './cooperative-sticky.js';
import { RangeAssignor } from './range.js';
import { RoundRobinAssignor } from './roundrobin.js';

export type { AssignmentInput, AssignorName, GroupAssignment, GroupMember, PartitionAssignor } from './assignor.js';
export { compareMembers } from './assignor.js';
export { CooperativeStickyAssignor, ownedGeneration } from './cooperative-sticky.js';
export { RangeAssignor } from './range.js';
export { RoundRobinAssignor } from './roundrobin.js';

export function assignorByName(name: AssignorName | PartitionAssignor): PartitionAssignor {
  if (typeof name !== 'string') return name;
  switch (name) {
    case 'range':
      return new RangeAssignor();
    case 'roundrobin':
      return new RoundRobinAssignor();
    case 'cooperative-sticky':
      return new CooperativeStickyAssignor();
    default:
      throw new ClientError('INVALID_ARGUMENT', `unknown assignor ${String(name)}`);
  }
}
