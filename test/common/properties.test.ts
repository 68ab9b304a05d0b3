/**
 * Java .properties parsing, as server.properties files are written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties } from '../../src/common/config/properties.js';

test('key=value, key: value, key value, comments, continuations and escapes', () => {
  const text = [
    '# a comment',
    '! another',
    'node.id=1',
    'log.dirs = /tmp/a,/tmp/b',
    'listeners: PLAINTEXT://:9092',
    'spaced value here',
    'multi=one,\\',
    '    two',
    'path=C:\\\\kafka\\tdata',
    'unicode=\\u00e9',
    'empty=',
    '',
  ].join('\n');
  const p = parseProperties(text);
  assert.equal(p.get('node.id'), '1');
  assert.equal(p.get('log.dirs'), '/tmp/a,/tmp/b');
  assert.equal(p.get('listeners'), 'PLAINTEXT://:9092');
  assert.equal(p.get('spaced'), 'value here');
  assert.equal(p.get('multi'), 'one,two');
  assert.equal(p.get('path'), 'C:\\kafka\tdata');
  assert.equal(p.get('unicode'), 'é');
  assert.equal(p.get('empty'), '');
  assert.equal(p.size, 8);
});
