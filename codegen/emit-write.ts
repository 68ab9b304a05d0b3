/**
 * Emits the encoding half of a struct: `write<Type>(w, x, v)` writing regular fields in order
 * and the tagged-field section. A field that does not exist at the target version is skipped when
 * it holds its default (or is ignorable) and rejected otherwise, as Kafka's generated code does.
 */
import type { Field, FieldType, Struct } from './schema.js';
import {
  canBeNull, defaultExpr, isOptional, isTagged, regularVersions, structOf, taggedVersions,
  type EmitContext,
} from './field-model.js';
import { flexCond } from './emit-read.js';
import { condition } from './versions.js';

function writeNonNull(name: string, val: string, w: string, flex: string): string {
  const pick = (compact: string, classic: string): string => {
    if (flex === 'true') return `${w}.${compact}(${val});`;
    if (flex === 'false') return `${w}.${classic}(${val});`;
    return `if (${flex}) ${w}.${compact}(${val}); else ${w}.${classic}(${val});`;
  };
  switch (name) {
    case 'string':
      return pick('compactString', 'string');
    case 'bytes':
    case 'records':
      return pick('compactBytes', 'bytes');
    default:
      return `${w}.${name}(${val});`;
  }
}

function writeNullable(name: string, val: string, w: string, flex: string): string {
  const kind = name === 'string' ? 'String' : 'Bytes';
  if (flex === 'true') return `${w}.compactNullable${kind}(${val});`;
  if (flex === 'false') return `${w}.nullable${kind}(${val});`;
  return `if (${flex}) ${w}.compactNullable${kind}(${val}); else ${w}.nullable${kind}(${val});`;
}

function writeElement(ctx: EmitContext, t: FieldType, val: string, w: string, flex: string): string {
  if (t.kind === 'scalar') return writeNonNull(t.name, val, w, flex);
  if (t.kind === 'struct') return `write${structOf(ctx, t.struct).typeName}(${w}, ${val}, v);`;
  throw new Error(`${ctx.msg.name}: nested arrays are not supported`);
}

/**
 * Lines writing `val` (an expression naming a local) for field f. `nul` is the condition under which
 * null may be written; when it is false and the TypeScript type admits null, null is rejected.
 */
function writeValue(
  ctx: EmitContext, owner: string, f: Field, val: string, w: string, flex: string, nul: string, pad: string,
): string[] {
  const t = f.type;
  const reject = `throw notNullable('${owner}', '${f.name}', v);`;
  const mayBeNull = canBeNull(ctx, f);
  const nullGuard = (nonNull: string[], onNull: string[]): string[] => {
    if (!mayBeNull) return nonNull.map((l) => pad + l);
    const whenNull = nul === 'true' ? onNull : nul === 'false' ? [reject] : [`if (!(${nul})) ${reject}`, ...onNull];
    return [`${pad}if (${val} === null) {`, ...whenNull.map((l) => `${pad}  ${l}`), `${pad}} else {`,
      ...nonNull.map((l) => `${pad}  ${l}`), `${pad}}`];
  };
  if (t.kind === 'scalar') {
    if ((t.name === 'string' || t.name === 'bytes' || t.name === 'records') && mayBeNull) {
      return nullGuard([writeNonNull(t.name, val, w, flex)], [writeNullable(t.name, 'null', w, flex)]);
    }
    return [pad + writeNonNull(t.name, val, w, flex)];
  }
  if (t.kind === 'struct') {
    const marker = nul === 'false' ? [] : nul === 'true' ? [`${w}.int8(1);`] : [`if (${nul}) ${w}.int8(1);`];
    return nullGuard([...marker, writeElement(ctx, t, val, w, flex)], [`${w}.int8(-1);`]);
  }
  const len = (n: string): string =>
    flex === 'true' ? `${w}.compactArrayLength(${n});` : flex === 'false' ? `${w}.arrayLength(${n});`
      : `if (${flex}) ${w}.compactArrayLength(${n}); else ${w}.arrayLength(${n});`;
  return nullGuard(
    [len(`${val}.length`), `for (const e of ${val}) ${writeElement(ctx, t.element, 'e', w, flex)}`],
    [len('null')],
  );
}

function valueOf(ctx: EmitContext, f: Field): string {
  return isOptional(ctx, f) ? `(x.${f.name} === undefined ? ${defaultExpr(ctx, f)} : x.${f.name})` : `x.${f.name}`;
}

function writeRegularField(ctx: EmitContext, s: Struct, f: Field): string[] {
  const present = condition(regularVersions(ctx, f), ctx.msg.valid);
  const absentCheck = f.ignorable || isTagged(f)
    ? []
    : [`if (x.${f.name} !== undefined && !isDefaultValue(x.${f.name}, ${defaultExpr(ctx, f)})) ` +
      `throw unsupportedField('${s.typeName}', '${f.name}', v);`];
  if (present === 'false') return absentCheck.map((l) => `  ${l}`);
  const nul = condition(f.nullable, regularVersions(ctx, f));
  if (present === 'true' && !isOptional(ctx, f)) {
    return writeValue(ctx, s.typeName, f, `x.${f.name}`, 'w', flexCond(ctx, f), nul, '  ');
  }
  const body = [`const val = ${valueOf(ctx, f)};`];
  const write = writeValue(ctx, s.typeName, f, 'val', 'w', flexCond(ctx, f), nul, '    ');
  if (present === 'true') return ['  {', `    ${body[0]}`, ...write, '  }'];
  const lines = [`  if (${present}) {`, `    ${body[0]}`, ...write];
  if (absentCheck.length > 0) lines.push('  } else {', `    ${absentCheck[0]}`);
  lines.push('  }');
  return lines;
}

function writeTaggedSection(ctx: EmitContext, s: Struct, flexAll: string): string[] {
  if (flexAll === 'false') return [];
  const tagged = s.fields.filter(isTagged);
  const pad = flexAll === 'true' ? '  ' : '    ';
  const lines = flexAll === 'true' ? [] : [`  if (${flexAll}) {`];
  lines.push(`${pad}const tagged: TaggedField[] = [];`);
  for (const f of tagged) {
    const present = condition(taggedVersions(ctx, f), ctx.msg.valid);
    if (present === 'false') continue;
    const nul = condition(f.nullable, taggedVersions(ctx, f));
    const guard = present === 'true' ? '' : `${present} && `;
    lines.push(`${pad}if (${guard}x.${f.name} !== undefined && !isDefaultValue(x.${f.name}, ${defaultExpr(ctx, f)})) {`);
    lines.push(`${pad}  const val = x.${f.name};`);
    lines.push(`${pad}  tagged.push(encodeTagged(${f.tag}, (t) => {`);
    lines.push(...writeValue(ctx, s.typeName, f, 'val', 't', 'true', nul, `${pad}    `));
    lines.push(`${pad}  }));`, `${pad}}`);
  }
  lines.push(`${pad}writeTaggedFields(w, tagged, x._unknownTaggedFields);`);
  if (flexAll !== 'true') lines.push('  }');
  return lines;
}

export function emitWriter(ctx: EmitContext, s: Struct, isRoot: boolean): string[] {
  const name = isRoot ? `encode${s.typeName}` : `write${s.typeName}`;
  const flexAll = condition(ctx.msg.flexible, ctx.msg.valid);
  const lines = [`${isRoot ? 'export ' : ''}function ${name}(w: Writer, x: ${s.typeName}, v: number): void {`];
  if (isRoot) lines.push(`  checkEncodeVersion('${ctx.msg.name}', v, ${ctx.msg.valid.min}, ${ctx.msg.valid.max});`);
  if (flexAll !== 'true' && flexAll !== 'false') lines.push(`  const flex = ${flexAll};`);
  for (const f of s.fields) {
    const reg = regularVersions(ctx, f);
    if (!isTagged(f) || reg.min <= reg.max) lines.push(...writeRegularField(ctx, s, f));
  }
  lines.push(...writeTaggedSection(ctx, s, flexAll));
  lines.push('}');
  return lines;
}
