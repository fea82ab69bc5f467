import { z } from 'zod';
import { option, section } from '../option.js';
import { boolean, durationMs, positiveInt } from '../parsers.js';

/** Alert workflow (alert-workflow/): live threshold overrides and maintenance windows, webhook notifications. */
export const alertWorkflow = section(
  'alertWorkflow',
  {
    rulesRefreshMs: option({
      env: 'VIGIL_ALERT_RULES_REFRESH',
      default: '10s',
      doc: 'How often a processor reloads threshold overrides and maintenance windows from ClickHouse (between batches); a change takes effect within this time, without a restart. 0 reloads before every batch.',
      schema: durationMs,
    }),
    webhookUrl: option({
      env: 'VIGIL_WEBHOOK_URL',
      doc: 'URL that receives a signed JSON POST for every alert opened or closed (chat or ticketing bridge); unset: no notifications.',
      schema: z.string().url('must be an http(s) URL').optional(),
    }),
    webhookSecret: option({
      env: 'VIGIL_WEBHOOK_SECRET',
      secret: true,
      doc: 'Shared secret of the HMAC-SHA256 signature (header X-Vigil-Signature: t=<ms>,v1=<hex of HMAC(secret, "<t>.<body>")>). Required with VIGIL_WEBHOOK_URL.',
      schema: z.string().min(16, 'must be at least 16 characters').optional(),
    }),
    webhookMaxAttempts: option({
      env: 'VIGIL_WEBHOOK_MAX_ATTEMPTS',
      default: '6',
      doc: 'Deliveries of one notification before it is given up (jittered exponential backoff between attempts; 4xx answers other than 408/429 are not retried).',
      schema: positiveInt,
    }),
    trainExcludeMaintenance: option({
      env: 'VIGIL_TRAIN_EXCLUDE_MAINTENANCE',
      default: 'true',
      doc: '`vigil train` from ClickHouse leaves out readings inside declared maintenance windows / non-production modes (and the rows whose windows still hold them), so neither the model nor its drift reference learns them as normal; false keeps them.',
      schema: boolean,
    }),
    trainUseVerdicts: option({
      env: 'VIGIL_TRAIN_USE_VERDICTS',
      default: 'true',
      doc: '`vigil train` from ClickHouse turns verdicts on alerts into labels: real_fault labels the alert span anomalous (held out of training, counted as a fault in the evaluation), false_alarm keeps it normal; false ignores verdicts.',
      schema: boolean,
    }),
    webhookTimeoutMs: option({
      env: 'VIGIL_WEBHOOK_TIMEOUT',
      default: '5s',
      doc: 'Time one webhook delivery may take before it counts as failed (and is retried).',
      schema: durationMs,
    }),
  },
  (v) =>
    v.webhookUrl !== undefined && v.webhookSecret === undefined
      ? [
          'VIGIL_WEBHOOK_URL is set but VIGIL_WEBHOOK_SECRET is not: receivers cannot verify unsigned payloads; set a secret of 16+ characters.',
        ]
      : [],
);
