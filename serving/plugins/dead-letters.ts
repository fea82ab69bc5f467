/** Dead letters: list them, and replay one after a fix (its original bytes re-published to its source topic). */
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';
import { getDeadLetter, listDeadLetters } from '../queries/dead-letters.js';
import { errorResponses, limitParam } from '../schemas.js';

const deadLetterProps = {
  stream: { type: 'string' },
  sourceTopic: { type: 'string' },
  sourcePartition: { type: 'integer' },
  sourceOffset: { type: 'string' },
  reason: { type: 'string' },
  message: { type: 'string' },
  receivedAt: { type: 'integer' },
  valueBytes: { type: 'integer' },
} as const;

export const deadLettersPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.get<{ Querystring: { stream?: string; reason?: string; limit: number } }>(
    '/v1/dead-letters',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['read'],
        summary: 'Dead letters, newest first (filter by stream and reason code)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            stream: { type: 'string', maxLength: 64 },
            reason: { type: 'string', maxLength: 64 },
            limit: limitParam(5_000, 200),
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { deadLetters: { type: 'array', items: { type: 'object', properties: deadLetterProps } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ deadLetters: await listDeadLetters(ctx.ch, request.query) }),
  );

  app.post<{ Params: { topic: string; partition: number; offset: string } }>(
    '/v1/dead-letters/:topic/:partition/:offset/replay',
    {
      config: { permission: 'dead-letters.replay' },
      schema: {
        tags: ['act'],
        summary: "Re-publish a dead letter's original key and value bytes to its source topic",
        params: {
          type: 'object',
          required: ['topic', 'partition', 'offset'],
          properties: {
            topic: { type: 'string', minLength: 1, maxLength: 249 },
            // Kafka's own bounds (int32 partition, int64 offset): larger values failed in ClickHouse with a 500.
            partition: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
            offset: { type: 'string', pattern: '^(0|[1-9]\\d{0,17})$' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              replayed: { type: 'object', properties: deadLetterProps },
              publishedTo: {
                type: 'object',
                properties: { topic: { type: 'string' }, partition: { type: 'integer' }, offset: { type: 'string' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { topic, partition, offset } = request.params;
      if (ctx.rawPublisher === undefined) {
        throw servingError('VIGIL_SERVING_UNAVAILABLE', {
          feature: 'Dead-letter replay',
          reason: 'this server has no Kafka producer (start it with `vigil serve` and a reachable KAFKA_BROKERS)',
        });
      }
      const record = await getDeadLetter(ctx.ch, topic, partition, offset);
      if (!record)
        throw servingError('VIGIL_SERVING_NOT_FOUND', { what: `dead letter ${topic}/${partition}/${offset}` });
      const published = await ctx.rawPublisher.send(topic, record.key, record.value);
      const { key: _k, value: _v, ...replayed } = record;
      return { replayed, publishedTo: { topic, ...published } };
    },
  );
};
