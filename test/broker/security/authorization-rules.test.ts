/**
 * The authorizer's decisions (Kafka's rules) and the rule table's coverage: every API the broker
 * serves has an authorization rule.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHandlerRegistry } from '../../../src/broker/handlers/index.js';
import { AUTHORIZATION_RULES } from '../../../src/broker/security/acl/rules/index.js';
import { Authorizer, type AuthorizerSettings } from '../../../src/broker/security/acl/authorizer.js';
import { AclOperation as Op, AclPermission, PatternType, ResourceType, type AclBinding, filterMatches, invalidBinding } from '../../../src/protocol/acl/acl-binding.js';

test('every API the broker serves has an authorization rule', () => {
  const missing = buildHandlerRegistry().supported().map((a) => a.apiKey).filter((k) => !AUTHORIZATION_RULES.has(k));
  assert.deepEqual(missing, []);
});

const alice = { type: 'User', name: 'alice' };
const bob = { type: 'User', name: 'bob' };

function acl(over: Partial<AclBinding>): AclBinding {
  return { resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permission: AclPermission.ALLOW, ...over };
}

function authorizer(acls: AclBinding[], settings: Partial<AuthorizerSettings> = {}): Authorizer {
  return new Authorizer(() => ({ enabled: true, superUsers: new Set(['User:admin']), allowEveryoneIfNoAclFound: false, ...settings }), () => acls);
}

const topic = (operation: number, name = 'orders') => ({ operation, resourceType: ResourceType.TOPIC, resourceName: name });

test('literal, wildcard and prefixed patterns; principals and hosts', () => {
  const az = authorizer([
    acl({}),
    acl({ resourceName: '*', operation: Op.DESCRIBE, principal: 'User:*' }),
    acl({ resourceName: 'logs-', patternType: PatternType.PREFIXED, operation: Op.WRITE }),
    acl({ resourceName: 'pinned', host: '10.0.0.1' }),
  ]);
  assert.equal(az.authorize(alice, '127.0.0.1', topic(Op.READ)), true);
  assert.equal(az.authorize(bob, '127.0.0.1', topic(Op.READ)), false);
  assert.equal(az.authorize(bob, '127.0.0.1', topic(Op.DESCRIBE, 'anything')), true);
  assert.equal(az.authorize(alice, '127.0.0.1', topic(Op.WRITE, 'logs-app')), true);
  assert.equal(az.authorize(alice, '127.0.0.1', topic(Op.WRITE, 'log')), false);
  assert.equal(az.authorize(alice, '127.0.0.1', topic(Op.READ, 'pinned')), false);
  assert.equal(az.authorize(alice, '10.0.0.1', topic(Op.READ, 'pinned')), true);
});

test('DENY wins; READ/WRITE/DELETE/ALTER imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS, ALL covers all', () => {
  const az = authorizer([
    acl({ operation: Op.ALL }),
    acl({ operation: Op.WRITE, permission: AclPermission.DENY }),
    acl({ resourceName: 'audit', operation: Op.ALTER_CONFIGS }),
    acl({ resourceName: 'audit', operation: Op.DELETE }),
  ]);
  assert.equal(az.authorize(alice, 'h', topic(Op.READ)), true);
  assert.equal(az.authorize(alice, 'h', topic(Op.WRITE)), false);
  assert.equal(az.authorize(alice, 'h', topic(Op.DESCRIBE_CONFIGS, 'audit')), true);
  assert.equal(az.authorize(alice, 'h', topic(Op.DESCRIBE, 'audit')), true);
  assert.equal(az.authorize(alice, 'h', topic(Op.READ, 'audit')), false);
  // a DENY of READ does not deny DESCRIBE
  const deny = authorizer([acl({ operation: Op.DESCRIBE }), acl({ operation: Op.READ, permission: AclPermission.DENY })]);
  assert.equal(deny.authorize(alice, 'h', topic(Op.DESCRIBE)), true);
});

test('super users, no ACL at all, and a disabled authorizer', () => {
  const az = authorizer([acl({ operation: Op.ALL, permission: AclPermission.DENY, principal: 'User:*' })]);
  assert.equal(az.authorize({ type: 'User', name: 'admin' }, 'h', topic(Op.WRITE)), true);
  assert.equal(az.authorize(alice, 'h', topic(Op.WRITE)), false);
  assert.equal(authorizer([]).authorize(alice, 'h', topic(Op.READ)), false);
  assert.equal(authorizer([], { allowEveryoneIfNoAclFound: true }).authorize(alice, 'h', topic(Op.READ)), true);
  // allow.everyone applies only where a resource has no ACL at all
  assert.equal(authorizer([acl({ principal: 'User:bob' })], { allowEveryoneIfNoAclFound: true }).authorize(alice, 'h', topic(Op.READ)), false);
  assert.equal(authorizer([], { enabled: false }).authorize(alice, 'h', topic(Op.READ)), true);
});

test("KIP-679's any-topic check: an ALLOW WRITE somewhere, unless a DENY covers it", () => {
  assert.equal(authorizer([acl({ operation: Op.WRITE })]).authorizeAny(alice, 'h', Op.WRITE, ResourceType.TOPIC), true);
  assert.equal(authorizer([acl({ operation: Op.READ })]).authorizeAny(alice, 'h', Op.WRITE, ResourceType.TOPIC), false);
  assert.equal(authorizer([acl({ operation: Op.WRITE }), acl({ resourceName: '*', operation: Op.WRITE, permission: AclPermission.DENY })]).authorizeAny(alice, 'h', Op.WRITE, ResourceType.TOPIC), false);
});

test('bindings Kafka refuses, and filters with ANY and MATCH', () => {
  assert.match(invalidBinding(acl({ patternType: PatternType.MATCH }))!, /only LITERAL and PREFIXED/);
  assert.match(invalidBinding(acl({ principal: 'alice' }))!, /no colon/);
  assert.match(invalidBinding(acl({ resourceType: ResourceType.CLUSTER, resourceName: 'c' }))!, /kafka-cluster/);
  assert.match(invalidBinding(acl({ operation: Op.IDEMPOTENT_WRITE }))!, /Invalid operation/);
  assert.equal(invalidBinding(acl({})), undefined);
  const stored = [acl({}), acl({ resourceName: '*' }), acl({ resourceName: 'ord', patternType: PatternType.PREFIXED }), acl({ resourceName: 'other' })];
  const f = { resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.MATCH, principal: null, host: null, operation: Op.ANY, permission: AclPermission.ANY };
  assert.deepEqual(stored.filter((b) => filterMatches(f, b)).map((b) => b.resourceName), ['orders', '*', 'ord']);
  assert.equal(stored.filter((b) => filterMatches({ ...f, patternType: PatternType.ANY, resourceName: null }, b)).length, 4);
  assert.deepEqual(stored.filter((b) => filterMatches({ ...f, patternType: PatternType.LITERAL }, b)).map((b) => b.resourceName), ['orders']);
});
