/**
 * AlterConfigs (key 33), v0-v2: the legacy, non-incremental config change. For a TOPIC the given
 * configs replace the topic's whole set of overrides (settings left out go back to the broker
 * default). validateOnly checks without applying.
 *
 * Errors per resource, as Kafka answers them: a resource named twice INVALID_REQUEST (each copy);
 * a null value INVALID_REQUEST (a key named twice keeps its last value, as before Kafka 3.2); an empty topic name INVALID_REQUEST, an illegal
 * one INVALID_TOPIC_EXCEPTION; an unknown setting or invalid value INVALID_CONFIG; an unknown
 * topic UNKNOWN_TOPIC_OR_PARTITION. BROKER resources (this broker's id or the empty cluster
 * default) get the given set as their whole dynamic configuration, checked by Kafka's dynamic
 * config rules (see broker-config-changes.ts). BROKER_LOGGER is not an AlterConfigs resource
 * (INVALID_REQUEST); GROUP and CLIENT_METRICS configs are not supported by Gregor.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { AlterConfigsRequestAlterConfigsResource as ResourceIn } from '../../protocol/generated/messages/AlterConfigsRequest.js';
import { topicNameProblem } from '../topics/topic-names.js';
import type { RequestContext } from './api-handler.js';
import { alterGroupConfigs } from './group-config-resources.js';
import { defineHandler } from './api-handler.js';
import { alterBrokerConfigs } from './broker-config-changes.js';
import {
  checkAlterEntries, checkTopicResourceName, NO_ERROR, resourceError, ResourceType, unsupportedResourceType, type ResourceError,
  alterEach,
} from './config-resources.js';

/**
 * A setting named more than once keeps its last value, as Kafka did before 3.2: old clients
 * (librdkafka's read-modify-write helpers) send the described set plus their change.
 */
function lastValueWins(configs: ResourceIn['configs']): ResourceIn['configs'] {
  return [...new Map(configs.map((c) => [c.name, c])).values()];
}

async function alterResource(given: ResourceIn, validateOnly: boolean, ctx: RequestContext): Promise<ResourceError> {
  const { topics, metadata } = ctx.services;
  const r = { ...given, configs: lastValueWins(given.configs) };
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
    case ResourceType.BROKER:
      return alterBrokerConfigs(r.resourceName, r.configs, validateOnly, ctx);
    case ResourceType.GROUP:
      return alterGroupConfigs(ctx.services, r.resourceName, r.configs, true, validateOnly);
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
