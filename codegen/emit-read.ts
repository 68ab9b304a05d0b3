/**
 * Emits the decoding half of a struct: `read<Type>(r, v)` reading regular fields in order, then
 * the tagged-field section (known tags decoded, unknown tags kept as raw bytes).
 */
import type { Field, FieldType, Struct } from './schema.js';
import {
  defaultExpr, elementTsType, flexibleVersionsOf, isTagged, minElementSize,
  regularVersions, structOf, taggedVersions, tsType, type EmitContext,
} from './field-model.js';
import { condition } from './versions.js';

/** `c ? a : b`, folded when c is a constant. */
export function select(c: string, a: string, b: string): string {
  if (c === 'true') return a;
  if (c === 'false') return b;
  return `(${c} ? ${a} : ${b})`;
}

function readScalar(name: string, r: string, flex: string, nul: string): string {
  switch (name) {
    case 'string':
      return select(flex, select(nul, `${r}.compactNullableString()`, `${r}.compactString()`),
        select(nul, `${r}.nullableString()`, `${r}.string()`));
    case 'bytes':
    case 'records':
      return select(flex, select(nul, `${r}.compactNullableBytes()`, `${r}.compactBytes()`),
        select(nul, `${r}.nullableBytes()`, `${r}.bytes()`));
    default:
      return `${r}.${name}()`;
  }
}

function readElement(ctx: EmitContext, t: FieldType, r: string, flex: string): string {
  if (t.kind === 'scalar') return readScalar(t.name, r, flex, 'false');
  if (t.kind === 'struct') return `read${structOf(ctx, t.struct).typeName}(${r}, v)`;
  throw new Error(`${ctx.msg.name}: nested arrays are not supported`);
}

/** Lines assigning the decoded value of `f` to `target`. */
export function readInto(
  ctx: EmitContext, f: Field, target: string, r: string, flex: string, nul: string, pad: string,
): string[] {
  const t = f.type;
  if (t.kind === 'scalar') return [`${pad}${target} = ${readScalar(t.name, r, flex, nul)};`];
  if (t.kind === 'struct') {
    const read = `read${structOf(ctx, t.struct).typeName}(${r}, v)`;
    return [`${pad}${target} = ${select(nul, `(${r}.int8() < 0 ? null : ${read})`, read)};`];
  }
  const min = minElementSize(t.element);
  const len = select(flex, `${r}.compactArrayLength(${nul}, ${min})`, `${r}.arrayLength(${nul}, ${min})`);
  const lines = [`${pad}{`, `${pad}  const n = ${len};`];
  const fill = [
    `const a: ${elementTsType(ctx, t.element)}[] = [];`,
    `for (let i = 0; i < n; i++) a.push(${readElement(ctx, t.element, r, flex)});`,
    `${target} = a;`,
  ];
  if (nul === 'false') lines.push(...fill.map((l) => `${pad}  ${l}`));
  else {
    lines.push(`${pad}  if (n < 0) ${target} = null;`, `${pad}  else {`);
    lines.push(...fill.map((l) => `${pad}    ${l}`), `${pad}  }`);
  }
  lines.push(`${pad}}`);
  return lines;
}

export function local(f: Field): string {
  return `f_${f.name}`;
}

export function flexCond(ctx: EmitContext, f: Field): string {
  const c = condition(flexibleVersionsOf(ctx, f), regularVersions(ctx, f));
  return c === 'true' || c === 'false' || f.flexibleOverride ? c : 'flex';
}

function readRegularField(ctx: EmitContext, f: Field): string[] {
  const present = condition(regularVersions(ctx, f), ctx.msg.valid);
  const decl = `let ${local(f)}: ${tsType(ctx, f)}`;
  const nul = condition(f.nullable, regularVersions(ctx, f));
  if (present === 'false') return [`  ${decl} = ${defaultExpr(ctx, f)};`];
  const read = readInto(ctx, f, local(f), 'r', flexCond(ctx, f), nul, present === 'true' ? '  ' : '    ');
  if (present === 'true' && read.length === 1) return [read[0]!.replace(/^  f_/, `  const f_`).replace(` = `, `: ${tsType(ctx, f)} = `)];
  if (present === 'true') return [`  ${decl};`, ...read];
  return [`  ${decl} = ${defaultExpr(ctx, f)};`, `  if (${present}) {`, ...read, '  }'];
}

function readTaggedSection(ctx: EmitContext, tagged: Field[], flexAll: string): string[] {
  if (flexAll === 'false') return [];
  const lines = [`  let unknownTags: TaggedField[] | undefined;`];
  const open = flexAll === 'true' ? [] : [`  if (${flexAll}) {`];
  const pad = flexAll === 'true' ? '  ' : '    ';
  if (tagged.length === 0) {
    lines.push(...open, `${pad}unknownTags = readUnknownTaggedFields(r);`);
  } else {
    lines.push(...open, `${pad}const tagCount = r.uvarint();`, `${pad}for (let i = 0; i < tagCount; i++) {`);
    lines.push(`${pad}  const tag = r.uvarint();`, `${pad}  const data = r.raw(r.uvarint());`, `${pad}  switch (tag) {`);
    for (const f of tagged) {
      const nul = condition(f.nullable, taggedVersions(ctx, f));
      lines.push(`${pad}    case ${f.tag}:`, `${pad}      if (${condition(taggedVersions(ctx, f), ctx.msg.valid)}) {`);
      lines.push(`${pad}        const t = new Reader(data);`);
      lines.push(...readInto(ctx, f, local(f), 't', 'true', nul, `${pad}        `));
      lines.push(`${pad}        continue;`, `${pad}      }`, `${pad}      break;`);
    }
    lines.push(`${pad}  }`, `${pad}  (unknownTags ??= []).push({ tag, data });`, `${pad}}`);
  }
  if (flexAll !== 'true') lines.push('  }');
  return lines;
}

export function emitReader(ctx: EmitContext, s: Struct, isRoot: boolean): string[] {
  const name = isRoot ? `decode${s.typeName}` : `read${s.typeName}`;
  const flexAll = condition(ctx.msg.flexible, ctx.msg.valid);
  const lines = [`${isRoot ? 'export ' : ''}function ${name}(r: Reader, v: number): ${s.typeName} {`];
  if (isRoot) lines.push(`  checkDecodeVersion('${ctx.msg.name}', v, ${ctx.msg.valid.min}, ${ctx.msg.valid.max});`);
  if (flexAll !== 'true' && flexAll !== 'false') lines.push(`  const flex = ${flexAll};`);
  const regular = s.fields.filter((f) => !isTagged(f) || regularVersions(ctx, f).min <= regularVersions(ctx, f).max);
  for (const f of regular) lines.push(...readRegularField(ctx, f));
  const tagged = s.fields.filter(isTagged);
  for (const f of tagged) {
    if (!regular.includes(f)) lines.push(`  let ${local(f)}: ${tsType(ctx, f)} = ${defaultExpr(ctx, f)};`);
  }
  lines.push(...readTaggedSection(ctx, tagged, flexAll));
  const props = s.fields.map((f) => `${f.name}: ${local(f)}`).join(', ');
  lines.push(`  const out: ${s.typeName} = { ${props} };`);
  if (flexAll !== 'false') lines.push('  if (unknownTags) out._unknownTaggedFields = unknownTags;');
  lines.push('  return out;', '}');
  return lines;
}

