/**
 * The model card written by training/ (card.json) as a zod schema: what a processor, the registry and the API may
 * rely on. Unknown extra fields are kept (a newer trainer may add some); missing or mistyped ones are refused with
 * every problem listed. Times are epoch milliseconds, like every time in Vigil.
 */
import { z } from 'zod';
import { modelError } from './errors.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();

export const featureSetRefSchema = z.object({
  name: z.string().min(1),
  version: z.union([z.number().int(), z.string().min(1)]),
  hash: z.string().min(1),
  features: z.array(z.string().min(1)).min(1),
});

const histogramSchema = z
  .object({ edges: z.array(finite), counts: z.array(count) })
  .refine((h) => h.counts.length === h.edges.length + 1, 'counts must have one more entry than edges');

const pointMetricsSchema = z.object({
  precision: finite,
  recall: finite,
  f1: finite,
  support: count,
});

export const modelCardSchema = z
  .object({
    cardVersion: z.literal(1),
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be a lowercase model name such as sensors-pump'),
    version: z.string().min(1),
    stream: z.string().min(1),
    assetType: z.string().min(1),
    algorithm: z.string().min(1),
    featureSet: featureSetRefSchema,
    io: z.object({
      input: z.object({
        name: z.literal('features'),
        dtype: z.literal('float32'),
        shape: z.tuple([z.null(), z.number().int().positive()]),
      }),
      output: z.object({
        name: z.literal('score'),
        dtype: z.literal('float32'),
        shape: z.union([z.tuple([z.null()]), z.tuple([z.null(), z.literal(1)])]),
      }),
      scoreDirection: z.literal('higher-is-more-anomalous'),
    }),
    onnx: z.object({
      file: z.string().min(1),
      sha256,
      sizeBytes: z.number().int().positive(),
      irVersion: z.number().int().positive(),
      opset: z.record(z.string(), z.number().int().positive()),
    }),
    threshold: finite,
    thresholdRule: z.object({ method: z.string().min(1) }).loose(),
    params: z.record(z.string(), z.unknown()),
    dataset: z.object({
      file: z.string().min(1),
      sha256,
      rows: count,
      timeRange: z.object({ from: z.number().int(), to: z.number().int() }),
      trainUntil: z.number().int(),
      trainRows: count,
      evalRows: count,
      assets: z.array(z.string()),
      source: z.record(z.string(), z.unknown()),
    }),
    metrics: z.object({
      rows: count,
      normalRows: count,
      falseAlertRate: finite,
      overall: pointMetricsSchema,
      byFaultKind: z.record(z.string(), pointMetricsSchema),
    }),
    candidates: z.record(z.string(), z.object({ f1: finite, threshold: finite })).optional(),
    reference: z.object({
      rows: count,
      features: z.record(z.string(), histogramSchema),
      score: histogramSchema,
    }),
    parity: z.object({
      tolerance: z.number().positive(),
      rows: z.array(z.array(finite)).min(1),
      scores: z.array(finite).min(1),
      maxAbsDiff: finite.optional(),
      rowsChecked: count.optional(),
    }),
    training: z.object({
      seed: z.number().int(),
      code: z.object({ commit: z.string(), dirty: z.boolean() }),
      packages: z.record(z.string(), z.string()),
      trainedBy: z.string().min(1),
      trainedAt: z.string().min(1),
    }),
  })
  .loose()
  .superRefine((card, ctx) => {
    const width = card.featureSet.features.length;
    if (new Set(card.featureSet.features).size !== width) {
      ctx.addIssue({ code: 'custom', path: ['featureSet', 'features'], message: 'has duplicate feature names' });
    }
    if (card.io.input.shape[1] !== width) {
      ctx.addIssue({
        code: 'custom',
        path: ['io', 'input', 'shape'],
        message: `declares ${card.io.input.shape[1]} features but featureSet lists ${width}`,
      });
    }
    if (card.parity.rows.length !== card.parity.scores.length) {
      ctx.addIssue({ code: 'custom', path: ['parity'], message: 'rows and scores must have the same length' });
    }
    card.parity.rows.forEach((row, i) => {
      if (row.length !== width) {
        ctx.addIssue({
          code: 'custom',
          path: ['parity', 'rows', i],
          message: `has ${row.length} values, not ${width}`,
        });
      }
    });
    const missing = card.featureSet.features.filter((f) => !(f in card.reference.features));
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['reference', 'features'],
        message: `lacks histograms for ${missing.join(', ')}`,
      });
    }
  });

export type ModelCard = z.infer<typeof modelCardSchema>;
export type FeatureSetRef = z.infer<typeof featureSetRefSchema>;

/** Validates a parsed card.json; `source` (a path or a registry id) is named in the error. */
export function parseCard(json: unknown, source = 'card.json'): ModelCard {
  const parsed = modelCardSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(card)'}: ${issue.message}`);
  throw modelError('VIGIL_MODEL_CARD_INVALID', { source, problems: problems.join('\n') });
}

/** Parses the text of a card.json (invalid JSON is reported as an invalid card, never as a SyntaxError). */
export function parseCardText(text: string, source = 'card.json'): ModelCard {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw modelError('VIGIL_MODEL_CARD_INVALID', { source, problems: `  - not JSON: ${(error as Error).message}` });
  }
  return parseCard(json, source);
}
