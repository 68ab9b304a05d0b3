/**
 * Client-certificate principals: RFC 2253 names from node's subject form, and Kafka's
 * ssl.principal.mapping.rules (first matching rule wins, L/U case changes, DEFAULT, no match).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapPrincipal, parsePrincipalRules, rfc2253 } from '../../../src/broker/security/tls-principal.js';

test('the subject as node prints it becomes an RFC 2253 name, most specific first, specials escaped', () => {
  assert.equal(rfc2253('C=DE\nO=Acme, Inc\nOU=eng\nCN=app1'), 'CN=app1,OU=eng,O=Acme\\, Inc,C=DE');
});

test("Kafka's rules: patterns with groups, case changes, DEFAULT as the fallback, and no match", () => {
  const rules = parsePrincipalRules('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/U,DEFAULT');
  assert.equal(mapPrincipal('CN=kafka-admin,OU=ServiceUsers,O=Unknown,C=DE', rules), 'kafka-admin');
  assert.equal(mapPrincipal('CN=Duke,OU=JavaSoft,O=Sun Microsystems,L=Santa Clara,ST=CA,C=US', rules), 'duke@javasoft');
  assert.equal(mapPrincipal('OU=x,CN=app1.prod', rules), 'APP1.PROD');
  assert.equal(mapPrincipal('O=nothing', rules), 'O=nothing');
  assert.equal(mapPrincipal('O=nothing', parsePrincipalRules('RULE:^CN=(.*)$/$1/')), undefined);
  assert.equal(mapPrincipal('CN=a/b', parsePrincipalRules('RULE:^CN=(.*)\\/b$/$1\\/x/')), 'a/x');
});

test('malformed rules are configuration errors naming the setting', () => {
  assert.throws(() => parsePrincipalRules('RULE:^CN=(.*)$'), /ssl\.principal\.mapping\.rules/);
  assert.throws(() => parsePrincipalRules('SOMETHING'), /expected RULE: or DEFAULT/);
  assert.throws(() => parsePrincipalRules('RULE:([/x/'), /bad pattern/);
});
