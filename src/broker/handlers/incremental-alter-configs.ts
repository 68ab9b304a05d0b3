/**
 * IncrementalAlterConfigs (key 44), v0-v1: changes named settings and leaves the others alone.
 *
 * TOPIC operations on the topic's overrides: SET (0) sets a value, DELETE (1) removes the override
 * (the broker default applies again; deleting one that is not set is a no-op), APPEND (2) and
 * SUBTRACT (3) add or remove comma-separated elements of a list setting such as cleanup.policy,
 * starting from the override or, without one, from the setting's default (as Kafka does); on a
 * setting that is not a list they get INVALID_CONFIG. The resulting set of overrides is validated
 * as a whole (INVALID_CONFIG) before anything is applied; validateOnly stops there.
 *
 * BROKER resources: the operations change this broker's (or the cluster default's) dynamic
 * settings, checked by Kafka's dynamic config rules (see broker-config-changes.ts). BROKER_LOGGER:
 * the root logger's level
 * can be SET to a log4j level (OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL); it applies to
 * the broker's logger and to loggers derived from it afterwards (per-connection loggers made
 * earlier keep their level). Errors otherwise as in AlterConfigs.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { IncrementalAlterConfigsRequestAlterConfigsResource as ResourceIn } from '../../protocol/generated/messages/IncrementalAlterConfigsRequest.js';
import { TOPIC_CONFIG_BY_NAME } from '../../storage/log-config.js';
import type { TopicMetadata } from '../metadata/metadata-store.js';
import { topicNameProblem } from '../topics/topic-names.js';
import type { RequestContext } from './api-handler.js';
import { alterGroupConfigs } from './group-config-resources.js';
import { defineHandler } from './api-handler.js';
import { incrementalAlterBrokerConfigs } from './broker-config-changes.js';
import {
  checkAlterEntries, checkNodeIdName, checkTopicResourceName, ConfigOperation,
  LOG4J_LEVELS, NO_ERROR, pinoLevelOf, resourceError, ResourceType, ROOT_LOGGER,
  unsupportedResourceType, type ResourceError,
  alterEach,
} from './config-resources.js';

const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

function listParts(text: string | null | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The topic's overrides after the operations, or the error that stops them. */
function applyTopicOps(topic: TopicMetadata | undefined, r: ResourceIn): { configs: Record<string, string> } | { error: ResourceError } {
  const next = new Map(Object.entries(topic?.configs ?? {}));
  for (const c of r.configs) {
    switch (c.configOperation) {
      case ConfigOperation.SET:
        next.set(c.name, c.value!);
        break;
      case ConfigOperation.DELETE:
        next.delete(c.name);
        break;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        const def = TOPIC_CONFIG_BY_NAME.get(c.name);
        const op = OP_NAMES[c.configOperation]!;
        if (!def || def.type !== 'list') return { error: resourceError(ErrorCode.INVALID_CONFIG, `Can't ${op} to key ${c.name} because its type is not LIST.`) };
        const parts = listParts(next.get(c.name) ?? def.default);
        for (const v of listParts(c.value)) {
          if (c.configOperation === ConfigOperation.APPEND) {
            if (!parts.includes(v)) parts.push(v);
          } else {
            const at = parts.indexOf(v);
            if (at >= 0) parts.splice(at, 1);
          }
        }
        next.set(c.name, parts.join(','));
        break;
      }
      default:
        return { error: resourceError(ErrorCode.INVALID_REQUEST, `Unknown alter config operation type ${c.configOperation}`) };
    }
  }
  return { configs: Object.fromEntries(next) };
}

async function alterTopic(r: ResourceIn, validateOnly: boolean, ctx: RequestContext): Promise<ResourceError> {
  const { topics, metadata } = ctx.services;
  const named = checkTopicResourceName(r.resourceName, topicNameProblem);
  if (named.errorCode !== ErrorCode.NONE) return named;
  const topic = metadata.topic(r.resourceName);
  const applied = applyTopicOps(topic, r);
  if ('error' in applied) return applied.error;
  const next = applied.configs;
  const valid = topics.validateConfigs(next);
  if (valid.errorCode !== ErrorCode.NONE) return valid;
  if (!topic) return resourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${r.resourceName}' does not exist.`);
  if (validateOnly) return NO_ERROR;
  return topics.setConfigs(r.resourceName, next);
}

function alterLogger(r: ResourceIn, validateOnly: boolean, ctx: RequestContext): ResourceError {
  const id = checkNodeIdName(r.resourceName, ctx.services.nodeId);
  if (id.errorCode !== ErrorCode.NONE) return id;
  let level: string | undefined;
  for (const c of r.configs) {
    if (c.name !== ROOT_LOGGER) return resourceError(ErrorCode.INVALID_CONFIG, `Logger ${c.name} does not exist!`);
    switch (c.configOperation) {
      case ConfigOperation.SET: {
        const wanted = (c.value ?? '').toUpperCase();
        if (!(LOG4J_LEVELS as readonly string[]).includes(wanted)) {
          return resourceError(ErrorCode.INVALID_CONFIG, `Cannot set the log level of ${c.name} to ${c.value} as it is not a supported log level. Valid log4j levels are ${LOG4J_LEVELS.join(', ')}`);
        }
        level = pinoLevelOf(wanted);
        break;
      }
      case ConfigOperation.DELETE:
        return resourceError(ErrorCode.INVALID_REQUEST, `Removing the log level of the ${ROOT_LOGGER} logger is not allowed`);
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT:
        return resourceError(ErrorCode.INVALID_REQUEST, `${OP_NAMES[c.configOperation]} operation is not allowed for the BROKER_LOGGER resource`);
      default:
        return resourceError(ErrorCode.INVALID_REQUEST, `Invalid log4j configOperation: ${c.configOperation}`);
    }
  }
  if (!validateOnly && level !== undefined) ctx.services.logger.level = level;
  return NO_ERROR;
}

async function alterResource(r: ResourceIn, validateOnly: boolean, ctx: RequestContext): Promise<ResourceError> {
  const entries = checkAlterEntries(r.configs.map((c) => ({
    name: c.name, value: c.value, needsValue: c.configOperation !== ConfigOperation.DELETE,
  })));
  if (entries.errorCode !== ErrorCode.NONE) return entries;
  const unsupported = unsupportedResourceType(r.resourceType);
  if (unsupported) return unsupported;
  switch (r.resourceType) {
    case ResourceType.TOPIC:
      return alterTopic(r, validateOnly, ctx);
    case ResourceType.BROKER:
      return incrementalAlterBrokerConfigs(r.resourceName, r.configs, validateOnly, ctx);
    case ResourceType.BROKER_LOGGER:
      return alterLogger(r, validateOnly, ctx);
    case ResourceType.GROUP: {
      const bad = r.configs.find((c) => c.configOperation !== ConfigOperation.SET && c.configOperation !== ConfigOperation.DELETE);
      if (bad) return resourceError(ErrorCode.INVALID_REQUEST, `${OP_NAMES[bad.configOperation] ?? bad.configOperation} operation is not allowed for the GROUP resource`);
      return alterGroupConfigs(ctx.services, r.resourceName, r.configs.map((c) => ({ name: c.name, value: c.configOperation === ConfigOperation.DELETE ? null : c.value })), false, validateOnly);
    }
    default:
      return resourceError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
  }
}

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const responses = await alterEach(request.resources, (r) => alterResource(r, request.validateOnly, ctx));
    return { throttleTimeMs: 0, responses };
  },
});
