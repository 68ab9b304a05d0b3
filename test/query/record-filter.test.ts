/**
 * The message browser's filter: contains on key, value and headers; JSON predicates with paths,
 * each operator, literal forms, and clear errors for what does not parse.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageFilterError, matches, parseMessageFilter, parsePredicate } from '../../src/query/record-filter.js';

const rec = (value: unknown, key: string | null = 'k-1', headers: [string, string | null][] = []) => ({
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: headers.map(([k, v]) => [k, v === null ? null : Buffer.from(v)] as const),
});

const filter = (params: Record<string, string | string[]>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
  return parseMessageFilter(q);
};

describe('message filter', () => {
  const order = { id: 7, amount: 12.5, customer: { country: 'FR', name: 'Zoé' }, items: [{ sku: 'A1' }, { sku: 'B2' }], paid: true, note: null };

  it('matches every record when empty', () => {
    assert.equal(matches(filter({}), rec('anything')), true);
    assert.equal(matches(filter({}), rec(null, null)), true);
  });

  it('key, value and header contains', () => {
    assert.equal(matches(filter({ key: 'k-' }), rec('x')), true);
    assert.equal(matches(filter({ key: 'zz' }), rec('x')), false);
    assert.equal(matches(filter({ key: 'k' }), rec('x', null)), false);
    assert.equal(matches(filter({ value: 'Zoé' }), rec(order)), true);
    assert.equal(matches(filter({ value: 'zoé' }), rec(order)), false);
    assert.equal(matches(filter({ header: 'trace' }), rec('x', 'k', [['trace-id', 'abc']])), true);
    assert.equal(matches(filter({ header: 'abc' }), rec('x', 'k', [['trace-id', 'abc']])), true);
    assert.equal(matches(filter({ header: 'abc' }), rec('x', 'k', [['trace-id', null]])), false);
  });

  const cases: [string, boolean][] = [
    ['amount > 10', true], ['amount >= 12.5', true], ['amount < 12.5', false], ['amount <= 12.5', true],
    ['id == 7', true], ['id != 7', false], ['id == "7"', false],
    ['customer.country == "FR"', true], ['customer.country == FR', true], ['$.customer.country == "DE"', false],
    ['value.customer.name ~= "Zo"', true], ['customer.name ~= "zo"', false],
    ['items[1].sku == "B2"', true], ['items[5].sku exists', false], ['items[0] exists', true],
    ['paid == true', true], ['note == null', true], ['note exists', true], ['missing exists', false], ['missing != 1', false],
    ['customer.country > "E"', true], ['customer.country > 1', false],
    ['customer == {"country":"FR","name":"Zoé"}', true],
  ];
  for (const [predicate, expected] of cases) {
    it(`where ${predicate} → ${expected}`, () => {
      assert.equal(matches(filter({ where: predicate }), rec(order)), expected);
    });
  }

  it('joins predicates with && and with repeated parameters', () => {
    assert.equal(matches(filter({ where: 'amount > 10 && customer.country == "FR"' }), rec(order)), true);
    assert.equal(matches(filter({ where: 'amount > 10 && customer.country == "DE"' }), rec(order)), false);
    assert.equal(matches(filter({ where: ['amount > 10', 'id == 8'] }), rec(order)), false);
  });

  it('combines the parts: all must match', () => {
    assert.equal(matches(filter({ key: 'k-1', where: 'id == 7' }), rec(order)), true);
    assert.equal(matches(filter({ key: 'k-2', where: 'id == 7' }), rec(order)), false);
  });

  it('a value that is not JSON, or null, matches no predicate', () => {
    assert.equal(matches(filter({ where: 'a exists' }), rec('not json')), false);
    assert.equal(matches(filter({ where: 'a exists' }), rec(null)), false);
  });

  it('says what is wrong with a predicate', () => {
    assert.throws(() => parsePredicate('amount'), (e: Error) => e instanceof MessageFilterError && /not a predicate.*amount > 10/.test(e.message));
    assert.throws(() => parsePredicate('amount >'), (e: Error) => e instanceof MessageFilterError && /no value to compare/.test(e.message));
    assert.throws(() => parsePredicate('name == two words'), (e: Error) => e instanceof MessageFilterError && /quote strings/.test(e.message));
    assert.throws(() => parsePredicate('1abc == 2'), MessageFilterError);
    assert.throws(() => filter({ where: 'a == 1 && ' + '&& b' }), MessageFilterError);
  });
});
