/**
 * Kafka's inter-broker / message-format version strings (its MetadataVersion list up to 4.0), for
 * the settings that name one: `message.format.version` and `log.message.format.version`. A value
 * is valid as Kafka parses it: truncated to three dot-separated parts for 0.x and two otherwise
 * ("2.4.1" is "2.4", "0.10.2.1" is "0.10.2"), then either a release ("2.4") or a release with
 * its internal version ("2.4-IV1").
 */
const RELEASE_IVS: readonly [string, number][] = [
  ['0.8.0', 0], ['0.8.1', 0], ['0.8.2', 0], ['0.9.0', 0], ['0.10.0', 2], ['0.10.1', 3], ['0.10.2', 1], ['0.11.0', 3],
  ['1.0', 1], ['1.1', 1], ['2.0', 2], ['2.1', 3], ['2.2', 2], ['2.3', 2], ['2.4', 2], ['2.5', 1], ['2.6', 1], ['2.7', 3],
  ['2.8', 2], ['3.0', 2], ['3.1', 1], ['3.2', 1], ['3.3', 4], ['3.4', 1], ['3.5', 3], ['3.6', 3], ['3.7', 5], ['3.8', 1],
  ['3.9', 1], ['4.0', 2],
];

const KNOWN = new Set<string>();
for (const [release, ivs] of RELEASE_IVS) {
  KNOWN.add(release);
  for (let i = 0; i < ivs; i++) KNOWN.add(`${release}-IV${i}`);
}

/** Kafka's answer for an unknown version, or undefined when `text` names a known one. */
export function kafkaVersionProblem(text: string): string | undefined {
  const parts = text.split('.');
  const keep = text.startsWith('0.') ? 3 : 2;
  const key = parts.length <= keep ? text : parts.slice(0, keep).join('.');
  return KNOWN.has(key) ? undefined : `Version ${text} is not a valid version`;
}
