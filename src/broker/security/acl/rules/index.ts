/**
 * Every API's authorization rule, by API key. A registered handler without a rule here is a
 * defect (test/broker/security/authorization-rules.test.ts checks that none is missing).
 */
import type { ApiMessages } from '../../../../protocol/generated/api-registry.js';
import type { ApiRule } from '../request-authorization.js';
import * as admin from './admin-rules.js';
import * as cluster from './cluster-rules.js';
import * as data from './data-rules.js';
import * as groups from './group-rules.js';
import * as modernGroups from './modern-group-rules.js';
import * as txn from './txn-rules.js';

const ALL = [admin, cluster, data, groups, modernGroups, txn].flatMap((m) => Object.values(m)) as ApiRule<keyof ApiMessages>[];

export const AUTHORIZATION_RULES: ReadonlyMap<number, ApiRule<keyof ApiMessages>> = new Map(ALL.map((r) => [r.apiKey as number, r]));
