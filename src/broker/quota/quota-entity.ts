/**
 * Client quota entities as the protocol names them (DescribeClientQuotas / AlterClientQuotas:
 * components `user`, `client-id`, `ip`, a null name for the default) and as the metadata store
 * keeps them (entity settings: `users/alice`, `users/alice/clients/app`, `clients/<default>`,
 * `ips/10.0.0.1`), with Kafka's rules for which combinations and keys are valid.
 */
import { isIP } from 'node:net';
import { DEFAULT_ENTITY, type EntityType } from '../metadata/metadata-store.js';

export interface EntityComponent {
  entityType: string;
  /** null: the default entity of the type. */
  entityName: string | null;
}

/** Quota keys for users and client ids, and for IPs (Kafka's QuotaConfigs). */
export const CLIENT_QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'] as const;
export const IP_QUOTA_KEYS = ['connection_creation_rate'] as const;
export const QUOTA_KEYS: readonly string[] = [...CLIENT_QUOTA_KEYS, ...IP_QUOTA_KEYS];

export interface StoreEntity {
  type: EntityType;
  name: string;
}

const nameOrDefault = (n: string | null): string => n ?? DEFAULT_ENTITY;

/** The store entity of a protocol entity, or why it is invalid. */
export function storeEntity(components: readonly EntityComponent[]): StoreEntity | string {
  const byType = new Map<string, string | null>();
  for (const c of components) {
    if (byType.has(c.entityType)) return `Duplicate ${c.entityType} entity type in the entity`;
    byType.set(c.entityType, c.entityName);
  }
  const types = [...byType.keys()].sort().join(',');
  switch (types) {
    case 'user':
      return { type: 'users', name: nameOrDefault(byType.get('user')!) };
    case 'client-id':
      return { type: 'clients', name: nameOrDefault(byType.get('client-id')!) };
    case 'client-id,user':
      return { type: 'users', name: `${nameOrDefault(byType.get('user')!)}/clients/${nameOrDefault(byType.get('client-id')!)}` };
    case 'ip': {
      const ip = byType.get('ip')!;
      if (ip !== null && isIP(ip) === 0) return `${ip} is not a valid IP address`;
      return { type: 'ips', name: nameOrDefault(ip) };
    }
    case '':
      return 'The entity has no component';
    default:
      return `Invalid entity combination: ${types} (use user, client-id, user and client-id, or ip)`;
  }
}

/** The protocol entity of a store entity (the inverse of storeEntity). */
export function protocolEntity(e: StoreEntity): EntityComponent[] {
  const name = (n: string): string | null => (n === DEFAULT_ENTITY ? null : n);
  if (e.type === 'ips') return [{ entityType: 'ip', entityName: name(e.name) }];
  if (e.type === 'clients') return [{ entityType: 'client-id', entityName: name(e.name) }];
  const i = e.name.indexOf('/clients/');
  if (i < 0) return [{ entityType: 'user', entityName: name(e.name) }];
  return [{ entityType: 'user', entityName: name(e.name.slice(0, i)) }, { entityType: 'client-id', entityName: name(e.name.slice(i + '/clients/'.length)) }];
}

/** Why a quota key or value is not acceptable for the entity, or undefined. */
export function invalidQuota(e: StoreEntity, key: string, value: number | undefined): string | undefined {
  const keys: readonly string[] = e.type === 'ips' ? IP_QUOTA_KEYS : CLIENT_QUOTA_KEYS;
  if (!keys.includes(key)) return `Invalid configuration key ${key} for ${e.type === 'ips' ? 'an ip' : 'a user or client-id'} entity`;
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) return `Invalid value ${value} for ${key}: it must be positive`;
  if ((key.endsWith('_byte_rate') || key === 'connection_creation_rate') && !Number.isInteger(value)) return `Invalid value ${value} for ${key}: it must be a whole number`;
  return undefined;
}
