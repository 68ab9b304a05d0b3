/**
 * Which __consumer_offsets partition holds a group: Java's String.hashCode of the group id,
 * made non-negative as Kafka's Utils.abs does (absolute value, with Integer.MIN_VALUE mapped to
 * 0), modulo the partition count.
 * Matching Kafka exactly keeps a group's records where Kafka's tools expect them.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export function groupPartition(groupId: string, partitions: number): number {
  const h = javaStringHashCode(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}
