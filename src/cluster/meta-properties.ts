/**
 * meta.properties: the file Kafka writes in a data directory to say which cluster and node it
 * belongs to (version, cluster.id, node.id). A directory of another node or cluster is refused at
 * startup, so data is never mixed up.
 */
import { randomBytes } from 'node:crypto';
import { writeFileAtomic, type FileSystem } from '../storage/fs/file-system.js';
import { parseProperties } from '../common/config/properties.js';

export const META_PROPERTIES = 'meta.properties';

export interface MetaProperties {
  clusterId: string | undefined;
  nodeId: number | undefined;
}

export function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

export function readMetaProperties(fs: FileSystem, dir: string): MetaProperties | undefined {
  const path = `${dir}/${META_PROPERTIES}`;
  if (!fs.exists(path)) return undefined;
  const props = parseProperties(fs.readFile(path).toString('utf8'));
  const nodeId = props.get('node.id');
  return { clusterId: props.get('cluster.id'), nodeId: nodeId === undefined ? undefined : Number(nodeId) };
}

export async function writeMetaProperties(fs: FileSystem, dir: string, clusterId: string, nodeId: number): Promise<void> {
  fs.mkdirp(dir);
  await writeFileAtomic(fs, `${dir}/${META_PROPERTIES}`, Buffer.from(`#Written by Gregor\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`));
}

/** Refuses a data directory written for another node. */
export function checkNodeId(meta: MetaProperties | undefined, dir: string, nodeId: number): void {
  if (meta?.nodeId !== undefined && meta.nodeId !== nodeId) {
    throw new Error(`${dir}/${META_PROPERTIES} belongs to node ${meta.nodeId}, but this broker is node ${nodeId}`);
  }
}
