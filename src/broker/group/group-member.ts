/**
 * One member of a classic group: who it is, the protocols it offered (in its order of
 * preference) with their metadata, its timeouts, its assignment, and the requests of it that
 * are parked until the group moves on (a JoinGroup until the join phase completes, a SyncGroup
 * until the leader's assignment is stored).
 *
 * Contract: owned by its Group; only the group coordinator changes it.
 */
import type { Timer } from '../../common/clock.js';

export interface ProtocolOffer {
  name: string;
  metadata: Buffer;
}

export interface JoinOutcome {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  skipAssignment: boolean;
}

export interface SyncOutcome {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export const EMPTY_BYTES = Buffer.alloc(0);

export class GroupMember {
  assignment: Buffer = EMPTY_BYTES;
  /** True from joining until its first join phase completes. */
  isNew = true;
  awaitingJoin: ((outcome: JoinOutcome) => void) | undefined;
  awaitingSync: ((outcome: SyncOutcome) => void) | undefined;
  heartbeatTimer: Timer | undefined;
  /** JoinGroup v9+: the client understands skipAssignment. */
  supportsSkipAssignment = false;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: ProtocolOffer[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  metadataFor(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_BYTES;
  }

  /** Same protocol names in the same order with the same metadata. */
  matches(protocols: readonly ProtocolOffer[]): boolean {
    return protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** This member's preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name;
  }
}
