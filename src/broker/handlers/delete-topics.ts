/**
 * DeleteTopics (key 20), v0-v6 (v0 is deprecated in Kafka 4 and still served): deletes topics by
 * name, or from v6 by name or topic id.
 *
 * With delete.topic.enable=false every topic gets TOPIC_DELETION_DISABLED (INVALID_REQUEST before
 * v3, as in Kafka). Otherwise per topic: an unknown name UNKNOWN_TOPIC_OR_PARTITION, an unknown id
 * UNKNOWN_TOPIC_ID; a name or id given twice, a topic given by both name and id, or by neither,
 * INVALID_REQUEST. The internal topics (__consumer_offsets, __transaction_state) are refused with
 * INVALID_TOPIC_EXCEPTION, the error Kafka uses for operations refused on internal topics (Kafka's
 * broker itself would delete them; its command-line tool refuses). errorMessage from v5, topic ids
 * in the response from v6. timeoutMs is accepted; deletion completes before the response.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { DeleteTopicsResponseDeletableTopicResult as ResultOut } from '../../protocol/generated/messages/DeleteTopicsResponse.js';
import { ZERO_UUID } from '../../protocol/wire/codec-support.js';
import { INTERNAL_TOPICS } from '../topics/topic-names.js';
import { defineHandler } from './api-handler.js';

interface Wanted {
  name: string | null;
  topicId: string;
}

export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const { topics: topicManager, metadata, config } = ctx.services;
    const v = ctx.apiVersion;
    const wanted: Wanted[] = v >= 6
      ? (request.topics ?? []).map((t) => ({ name: t.name ?? null, topicId: t.topicId ?? ZERO_UUID }))
      : (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
    const result = (name: string | null, topicId: string, errorCode: number, errorMessage: string | null): ResultOut => {
      const out: ResultOut = { name: v >= 6 ? name : (name ?? ''), errorCode };
      if (v >= 5) out.errorMessage = errorMessage;
      if (v >= 6) out.topicId = topicId;
      return out;
    };

    if (!config.bool('delete.topic.enable')) {
      const code = v < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED;
      return {
        throttleTimeMs: 0,
        responses: wanted.map((w) => result(w.name, w.topicId, code, 'Topic deletion is disabled.')),
      };
    }

    const nameCount = new Map<string, number>();
    const idCount = new Map<string, number>();
    for (const w of wanted) {
      if (w.name !== null && w.topicId === ZERO_UUID) nameCount.set(w.name, (nameCount.get(w.name) ?? 0) + 1);
      if (w.name === null && w.topicId !== ZERO_UUID) idCount.set(w.topicId, (idCount.get(w.topicId) ?? 0) + 1);
    }
    const responses: ResultOut[] = [];
    const reported = new Set<string>();
    const toDelete: { name: string; topicId: string; byId: boolean }[] = [];
    const claimedIds = new Set<string>();
    for (const w of wanted) {
      if (w.name === null && w.topicId === ZERO_UUID) {
        responses.push(result(null, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'));
      } else if (w.name !== null && w.topicId !== ZERO_UUID) {
        responses.push(result(w.name, w.topicId, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'));
      } else if (w.name !== null) {
        if ((nameCount.get(w.name) ?? 0) > 1) {
          if (!reported.has(`n:${w.name}`)) responses.push(result(w.name, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
          reported.add(`n:${w.name}`);
          continue;
        }
        const topic = metadata.topic(w.name);
        if (!topic) {
          responses.push(result(w.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'));
        } else {
          toDelete.push({ name: topic.name, topicId: topic.topicId, byId: false });
        }
      } else {
        if ((idCount.get(w.topicId) ?? 0) > 1) {
          if (!reported.has(`i:${w.topicId}`)) responses.push(result(null, w.topicId, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.'));
          reported.add(`i:${w.topicId}`);
          continue;
        }
        const topic = metadata.topicById(w.topicId);
        if (!topic) {
          responses.push(result(null, w.topicId, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'));
        } else {
          toDelete.push({ name: topic.name, topicId: topic.topicId, byId: true });
          claimedIds.add(topic.topicId);
        }
      }
    }

    // A name that resolves to an id also given by id: Kafka deletes neither and reports the name.
    const conflicting = new Set(toDelete.filter((d) => !d.byId && claimedIds.has(d.topicId)).map((d) => d.topicId));
    for (const d of toDelete) {
      if (conflicting.has(d.topicId)) {
        if (!d.byId) responses.push(result(d.name, d.topicId, ErrorCode.INVALID_REQUEST, 'The provided topic name maps to an ID that was already supplied.'));
        continue;
      }
      if (INTERNAL_TOPICS.has(d.name)) {
        responses.push(result(d.name, d.topicId, ErrorCode.INVALID_TOPIC_EXCEPTION,
          `Topic ${d.name} is a kafka internal topic and is not allowed to be marked for deletion.`));
        continue;
      }
      const deleted = await topicManager.delete(d.name);
      const ok = deleted.errorCode === ErrorCode.NONE;
      responses.push(result(d.name, ok || d.byId ? d.topicId : ZERO_UUID, deleted.errorCode, deleted.errorMessage));
    }
    return { throttleTimeMs: 0, responses };
  },
});
