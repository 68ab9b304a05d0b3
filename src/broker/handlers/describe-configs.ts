/**
 * DescribeConfigs (key 32), v0-v4: the configuration of topics, of this broker and of its logger.
 *
 * - TOPIC: every topic setting with its effective value (the topic's override, else the broker's
 *   default for it), source and, when asked (v1+ includeSynonyms), the synonym chain; an illegal
 *   name gets INVALID_TOPIC_EXCEPTION, an unknown topic UNKNOWN_TOPIC_OR_PARTITION.
 * - BROKER: this broker's id describes every broker setting with its source (dynamic per-broker,
 *   dynamic cluster default, properties file, Kafka's default; settings that cannot change at
 *   runtime are read-only); the empty name describes the cluster-wide dynamic defaults that are
 *   set; any other name gets INVALID_REQUEST.
 * - BROKER_LOGGER: this broker's id describes the root logger's level (source
 *   DYNAMIC_BROKER_LOGGER_CONFIG); an empty or other name gets INVALID_REQUEST.
 * - GROUP and CLIENT_METRICS configs are not supported by Gregor (INVALID_REQUEST); other types
 *   are invalid (INVALID_REQUEST), as in Kafka.
 *
 * configurationKeys null or empty means every setting; names that do not exist are left out.
 * v0 has isDefault (source DEFAULT_CONFIG) instead of sources; v3+ adds configType and, when asked
 * (includeDocumentation), the documentation.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type {
  DescribeConfigsResponseDescribeConfigsResourceResult as EntryOut,
  DescribeConfigsResponseDescribeConfigsResult as ResultOut,
} from '../../protocol/generated/messages/DescribeConfigsResponse.js';
import type { DescribeConfigsRequestDescribeConfigsResource as ResourceIn } from '../../protocol/generated/messages/DescribeConfigsRequest.js';
import { topicNameProblem } from '../topics/topic-names.js';
import type { BrokerServices } from '../services.js';
import { describeGroupConfigs } from './group-config-resources.js';
import { defineHandler } from './api-handler.js';
import {
  ConfigSource, describeBrokerConfigs, describeDynamicDefaults, describeTopicConfigs, isInt32Text, log4jLevelOf, ResourceType, ROOT_LOGGER,
  unsupportedResourceType, type ConfigEntry,
} from './config-resources.js';

interface Options {
  version: number;
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

function entryOut(e: ConfigEntry, o: Options): EntryOut {
  const out: EntryOut = { name: e.name, value: e.value, readOnly: e.readOnly, isSensitive: e.sensitive };
  if (o.version === 0) out.isDefault = e.source === ConfigSource.DEFAULT_CONFIG;
  if (o.version >= 1) {
    out.configSource = e.source;
    out.synonyms = o.includeSynonyms ? e.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })) : [];
  }
  if (o.version >= 3) {
    out.configType = e.configType;
    out.documentation = o.includeDocumentation ? e.documentation : null;
  }
  return out;
}

function failed(r: ResourceIn, errorCode: number, errorMessage: string | null): ResultOut {
  return { errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
}

function entriesOf(r: ResourceIn, services: BrokerServices): ConfigEntry[] | ResultOut {
  const { config, metadata, logger, nodeId } = services;
  const name = r.resourceName;
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const problem = topicNameProblem(name);
      if (problem) return failed(r, ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
      const topic = metadata.topic(name);
      if (!topic) return failed(r, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
      return describeTopicConfigs(config, topic.configs);
    }
    case ResourceType.BROKER: {
      if (name === '') return describeDynamicDefaults(config);
      if (!isInt32Text(name)) return failed(r, ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
      if (Number(name) !== nodeId) {
        return failed(r, ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}`);
      }
      return describeBrokerConfigs(config);
    }
    case ResourceType.BROKER_LOGGER: {
      if (name === '') return failed(r, ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
      if (!isInt32Text(name)) return failed(r, ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
      if (Number(name) !== nodeId) return failed(r, ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${nodeId} but received ${name}`);
      return [{
        name: ROOT_LOGGER, value: log4jLevelOf(logger.level), source: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
        readOnly: false, sensitive: false, synonyms: [], configType: 0, documentation: '',
      }];
    }
    case ResourceType.GROUP:
      if (name === '') return failed(r, ErrorCode.INVALID_REQUEST, 'Group name must not be empty.');
      return describeGroupConfigs(services, name);
    default: {
      const unsupported = unsupportedResourceType(r.resourceType);
      if (unsupported) return failed(r, unsupported.errorCode, unsupported.errorMessage);
      return failed(r, ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${r.resourceType}`);
    }
  }
}

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const o: Options = {
      version: ctx.apiVersion,
      includeSynonyms: ctx.apiVersion >= 1 && request.includeSynonyms === true,
      includeDocumentation: ctx.apiVersion >= 3 && request.includeDocumentation === true,
    };
    const results = request.resources.map((r): ResultOut => {
      const entries = entriesOf(r, ctx.services);
      if (!Array.isArray(entries)) return entries;
      const keys = r.configurationKeys;
      const wanted = keys === null || keys.length === 0 ? entries : entries.filter((e) => keys.includes(e.name));
      return {
        errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName,
        configs: wanted.map((e) => entryOut(e, o)),
      };
    });
    return { throttleTimeMs: 0, results };
  },
});
