/**
 * Scoring through the shared pipeline: POST /v1/score (one asset's reading sequence), /v1/score/batch (readings of
 * several assets) and /v1/score/file (a CSV upload, streamed and size-limited). Results as JSON, or CSV when the
 * client's Accept prefers text/csv. Every inference produced is stored and listed in the request's audit row.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SensorReading } from '../../core/events/types.js';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';
import { errorResponses, numberMap, sensorReadingSchema } from '../schemas.js';
import type { ScoreResult } from '../scoring/api-scorer.js';
import { derivedEventId, readCsvReadings, resultsToCsv } from '../scoring/csv-readings.js';

const modelScoreSchema = {
  type: 'object',
  properties: {
    inferenceId: { type: 'string' },
    modelName: { type: 'string' },
    modelVersion: { type: 'string' },
    modelRole: { type: 'string' },
    score: { type: 'number' },
    threshold: { type: 'number' },
    anomaly: { type: 'boolean' },
  },
} as const;

const scoreResultSchema = {
  type: 'object',
  properties: {
    requestId: { type: 'string' },
    summary: {
      type: 'object',
      properties: {
        readings: { type: 'integer' },
        scored: { type: 'integer' },
        anomalies: { type: 'integer' },
        alerts: { type: 'integer' },
        unscored: { type: 'integer' },
      },
    },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventId: { type: 'string' },
          assetId: { type: 'string' },
          assetType: { type: 'string' },
          eventTime: { type: 'integer' },
          status: { type: 'string', enum: ['scored', 'unscored', 'late', 'duplicate', 'unknown-asset-type'] },
          score: { type: 'number' },
          threshold: { type: 'number' },
          anomaly: { type: 'boolean' },
          modelVersion: { type: 'string' },
          scores: { type: 'array', items: modelScoreSchema },
          features: numberMap,
        },
      },
    },
    alerts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          alertId: { type: 'string' },
          key: { type: 'string' },
          state: { type: 'string' },
          severity: { type: 'string' },
          openedAt: { type: 'integer' },
          closedAt: { type: ['integer', 'null'] },
          eventTime: { type: 'integer' },
          score: { type: 'number' },
          modelVersion: { type: 'string' },
          contributors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                channel: { type: 'string' },
                value: { type: 'number' },
                normalLow: { type: 'number' },
                normalHigh: { type: 'number' },
                zScore: { type: 'number' },
              },
            },
          },
        },
      },
    },
  },
} as const;

const formatQuery = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['json', 'csv'], description: 'overrides the Accept header' },
    features: { type: 'boolean', default: false, description: 'include every feature value of every row (large)' },
  },
} as const;

type FormatQuery = { format?: 'json' | 'csv'; features?: boolean };

function wantsCsv(request: FastifyRequest<{ Querystring: FormatQuery }>): boolean {
  if (request.query.format) return request.query.format === 'csv';
  const accept = request.headers.accept ?? '';
  return /text\/csv/.test(accept) && !/application\/json/.test(accept.split(',')[0] ?? '');
}

export const scorePlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  const limits = ctx.config.serving;
  async function run(
    request: FastifyRequest<{ Querystring: FormatQuery }>,
    reply: FastifyReply,
    readings: SensorReading[],
  ) {
    if (readings.length > limits.maxReadings) {
      throw servingError('VIGIL_SERVING_TOO_MANY_ROWS', { max: limits.maxReadings });
    }
    const result: ScoreResult = await ctx.scorer.score(
      readings,
      { apiKeyId: request.principal!.keyId, requestId: request.id, now: (ctx.now ?? Date.now)() },
      { features: request.query.features === true },
    );
    request.producedInferenceIds = result.inferences.map((i) => i.inferenceId);
    if (wantsCsv(request)) {
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="scores-${request.id}.csv"`)
        .send(resultsToCsv(result));
    }
    return reply.send({ ...result, inferences: undefined });
  }

  const produces = ['application/json', 'text/csv'];

  app.post<{
    Querystring: FormatQuery;
    Body: {
      assetId: string;
      assetType: string;
      site?: string;
      line?: string;
      readings: { eventId?: string; eventTime: number; channels: Record<string, number>; quality?: string[] }[];
    };
  }>(
    '/v1/score',
    {
      config: { permission: 'score' },
      schema: {
        tags: ['score'],
        summary: "Score one asset's reading sequence (its first readings warm the feature windows up)",
        produces,
        querystring: formatQuery,
        body: {
          type: 'object',
          required: ['assetId', 'assetType', 'readings'],
          additionalProperties: false,
          properties: {
            assetId: sensorReadingSchema.properties.assetId,
            assetType: sensorReadingSchema.properties.assetType,
            site: sensorReadingSchema.properties.site,
            line: sensorReadingSchema.properties.line,
            readings: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['eventTime', 'channels'],
                additionalProperties: false,
                properties: {
                  eventId: sensorReadingSchema.properties.eventId,
                  eventTime: sensorReadingSchema.properties.eventTime,
                  channels: numberMap,
                  quality: sensorReadingSchema.properties.quality,
                },
              },
            },
          },
        },
        response: { 200: scoreResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const readings = b.readings.map((r, i) => ({
        eventId: r.eventId ?? derivedEventId(b.assetId, r.eventTime, i),
        assetId: b.assetId,
        assetType: b.assetType,
        site: b.site ?? '',
        line: b.line ?? '',
        eventTime: r.eventTime,
        seq: i,
        channels: r.channels,
        quality: r.quality ?? [],
      }));
      return run(request, reply, readings);
    },
  );

  app.post<{
    Querystring: FormatQuery;
    Body: { readings: (Partial<SensorReading> & Omit<SensorReading, 'eventId'>)[] };
  }>(
    '/v1/score/batch',
    {
      config: { permission: 'score' },
      schema: {
        tags: ['score'],
        summary: 'Score readings of several assets (each asset is its own sequence, in input order)',
        produces,
        querystring: formatQuery,
        body: {
          type: 'object',
          required: ['readings'],
          additionalProperties: false,
          properties: { readings: { type: 'array', minItems: 1, items: sensorReadingSchema } },
        },
        response: { 200: scoreResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const readings = request.body.readings.map((r, i) => ({
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
      return run(request, reply, readings);
    },
  );

  // Multipart in the file route's own scope: its hooks run for every request of the scope they are registered in,
  // and its per-request 'close' listener on the raw response kept each JSON request's objects alive through
  // young-generation collections (bench/README.md, "what kept finished requests alive").
  await app.register(async (files) => {
    await files.register(multipart, {
      limits: { fileSize: limits.uploadLimitBytes, files: 1, fields: 10, parts: 12 },
      throwFileSizeLimit: true,
    });

    files.post<{ Querystring: FormatQuery }>(
      '/v1/score/file',
      {
        config: { permission: 'score' },
        schema: {
          tags: ['score'],
          summary: 'Score a CSV file (multipart field "file"): asset_id, asset_type, event_time, channel columns',
          consumes: ['multipart/form-data'],
          produces,
          querystring: formatQuery,
          response: { 200: scoreResultSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) {
          throw servingError('VIGIL_SERVING_UNSUPPORTED_MEDIA', {
            detail: 'POST /v1/score/file expects multipart/form-data with a "file" field holding the CSV',
          });
        }
        const file = await request.file().catch((error: unknown) => {
          // busboy refuses a multipart header without a boundary with a plain Error (no code): the client's mistake.
          if (error instanceof Error && !('code' in error)) {
            throw servingError('VIGIL_SERVING_VALIDATION', { detail: `multipart body: ${error.message}` });
          }
          throw error;
        });
        if (file === undefined) {
          throw servingError('VIGIL_SERVING_VALIDATION', { detail: 'body/file is required (multipart field "file")' });
        }
        // A file cut at the size limit may fail to parse (a half line) before the limit is noticed: the limit wins.
        const tooLarge = () => servingError('VIGIL_SERVING_BODY_TOO_LARGE', { limit: limits.uploadLimitBytes });
        let truncated = false;
        file.file.once('limit', () => {
          truncated = true;
        });
        const readings = await readCsvReadings(file.file, limits.maxReadings).catch((error: unknown) => {
          throw truncated || file.file.truncated ? tooLarge() : error;
        });
        if (truncated || file.file.truncated) throw tooLarge();
        return run(request, reply, readings);
      },
    );
  });
};
