/** POST /v1/ingest: readings from equipment that cannot speak Kafka, published through the producers' library. */
import type { FastifyPluginAsync } from 'fastify';
import type { SensorReading } from '../../core/events/types.js';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';
import { errorResponses, sensorReadingSchema } from '../schemas.js';
import { derivedEventId } from '../scoring/csv-readings.js';

export const ingestPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.post<{
    Body: {
      readings: (Omit<SensorReading, 'eventId' | 'site' | 'line' | 'seq' | 'quality'> & Partial<SensorReading>)[];
    };
  }>(
    '/v1/ingest',
    {
      config: { permission: 'ingest' },
      schema: {
        tags: ['ingest'],
        summary: 'Publish readings to the sensor-readings topic (Avro, keyed by asset id)',
        body: {
          type: 'object',
          required: ['readings'],
          additionalProperties: false,
          properties: { readings: { type: 'array', minItems: 1, maxItems: 10_000, items: sensorReadingSchema } },
        },
        response: {
          202: { type: 'object', properties: { published: { type: 'integer' } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      if (ctx.readingPublisher === undefined) {
        throw servingError('VIGIL_SERVING_UNAVAILABLE', {
          feature: 'Ingest',
          reason: 'the publishing library (producers/publish) is not wired into this server yet',
        });
      }
      // The record timestamp is the event time, and brokers refuse timestamps far ahead of their clock (Kafka 4's
      // log.message.timestamp.after.max.ms, 1 h by default), which failed the whole request with a 500. Readings
      // beyond the contract's clock skew would be dead-lettered as ABSURD_TIMESTAMP anyway: refuse them here.
      const latest = (ctx.now ?? Date.now)() + ctx.config.events.maxFutureSkewMs;
      const future = request.body.readings.findIndex((r) => r.eventTime > latest);
      if (future >= 0) {
        throw servingError('VIGIL_SERVING_VALIDATION', {
          detail: `body/readings/${future}/eventTime is more than VIGIL_MAX_FUTURE_SKEW (${ctx.config.events.maxFutureSkewMs} ms) ahead of the server clock`,
        });
      }
      const readings: SensorReading[] = request.body.readings.map((r, i) => ({
        eventId: r.eventId ?? derivedEventId(r.assetId, r.eventTime, i),
        assetId: r.assetId,
        assetType: r.assetType,
        site: r.site ?? '',
        line: r.line ?? '',
        eventTime: r.eventTime,
        seq: r.seq ?? i,
        channels: r.channels,
        quality: r.quality ?? [],
      }));
      return reply.status(202).send(await ctx.readingPublisher.publish(readings));
    },
  );
};
