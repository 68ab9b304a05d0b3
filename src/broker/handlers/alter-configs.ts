/**
 * AlterConfigs (key 33), v0-v2: the legacy, non-incremental config change. For a TOPIC the given
 * configs replace the topic's whole set of overrides (settings left out go back to the broker
 * default). validateOnly checks without applying.
 *
 * Errors per resource, as Kafka answers them: a resource named twice INVALID_REQUEST (each copy);
 * duplicate keys or a null value INVALID_REQUEST; an empty topic name INVALID_REQUEST, an illegal
 * one INVALID_TOPIC_EXCEPTION; an unknown setting or invalid value INVALID_CONFIG; an unknown
 * topic UNKNOWN_TOPIC_OR_PARTITION. BROKER resources (this broker's id or the empty cluster
 * default) accept only an empty set: Gregor has no dynamic broker configuration, so any setting is
 * refused with INVALID_REQUEST "Cannot update these configs dynamically", which is Kafka's answer
 * for settings that are not dynamic. BROKER_LOGGER is not an AlterConfigs resource
 * (INVALID_REQUEST); GROUP and CLIENT_METRICS configs are not supported by Gregor.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { AlterConfigsRequestAlterConfigsResource as ResourceIn } from '../../protocol/generated/messages/AlterConfigsRequest.js';
import { topicNameProblem } from '../topics/topic-names.js';
import type { RequestContext } from './api-handler.js';
import { defineHandler } from './api-handler.js';
import {
  brokerSettingsNotDynamic, checkAlterEntries, checkNodeIdName, checkTopicResourceName, NO_ERROR,
  resourceError, ResourceType, unsupportedResourceType, type ResourceError,
  alterEach,
} from './config-resources.js';

async function alterResource(r: ResourceIn, validateOnly: boolean, ctx: RequestContext): Promise<ResourceError> {
  const { topics, metadata, nodeId } = ctx.services;
  const entries = checkAlterEntries(r.configs.map((c) => ({ name: c.name, value: c.value, needsValue: true })));
  if (entries.errorCode !== ErrorCode.NONE) return entries;
  const unsupported = unsupportedResourceType(r.resourceType);
  if (unsupported) return unsupported;
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const named = checkTopicResourceName(r.resourceName, topicNameProblem);
      if (named.errorCode !== ErrorCode.NONE) return named;
      const next: Record<string, string> = Object.fromEntries(r.configs.map((c) => [c.name, c.value!]));
      const valid = topics.validateConfigs(next);
      if (valid.errorCode !== ErrorCode.NONE) return valid;
      if (!metadata.topic(r.resourceName)) {
        return resourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${r.resourceName}' does not exist.`);
      }
      if (validateOnly) return NO_ERROR;
      return topics.setConfigs(r.resourceName, next);
    }
    case ResourceType.BROKER: {
      if (r.resourceName !== '') {
        const id = checkNodeIdName(r.resourceName, nodeId);
        if (id.errorCode !== ErrorCode.NONE) return id;
      }
      if (r.configs.length > 0) return brokerSettingsNotDynamic(r.configs.map((c) => c.name));
      return NO_ERROR;
    }
    default:
      return resourceError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
  }
}

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const responses = await alterEach(request.resources, (r) => alterResource(r, request.validateOnly, ctx));
    return { throttleTimeMs: 0, responses };
  },
});
