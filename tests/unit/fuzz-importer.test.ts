/**
 * Property-based fuzzing of the file importer: random lines and cells never make the row parsing throw (a row is
 * a reading or a bad row with a reason), and a whole file of random lines under a valid header imports with every
 * line accounted for, or is refused with a typed error (VIGIL_PRODUCERS_*). Bounded runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors.js';
import type { SensorReading } from '../../core/events/types.js';
import { planColumns } from '../../producers/importer/column-plan.js';
import { DELIMITERS, detectDelimiter, splitCsvLine } from '../../producers/importer/csv-fields.js';
import { importFile } from '../../producers/importer/file-importer.js';
import { type BadRow, isBadRow, RowMapper } from '../../producers/importer/row-mapper.js';
import { parseNumber, parseTime } from '../../producers/importer/values.js';
import { MemorySink } from '../../producers/sinks/event-sink.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-fuzz-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lines made of the characters that matter to a CSV parser, plus anything else fast-check likes. */
const hostileLine = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc
    .array(fc.constantFrom('"', ',', ';', '\t', '\\', '\r', 'a', '1', '.', '-', 'e', ' ', 'NaN', '1e999', '\u0000'), {
      maxLength: 60,
    })
    .map((parts) => parts.join('')),
);
const cell = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-1e308',
    '1e309',
    '0x1f',
    '2026-13-45T25:61:61Z',
    '99999999999999999999',
  ),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom(null, undefined, true, {}, [], Number.NaN, -0),
);

describe('fuzz: file importer', () => {
  it('splitCsvLine and detectDelimiter never throw on any line', () => {
    fc.assert(
      fc.property(hostileLine, fc.constantFrom(...DELIMITERS), (line, delimiter) => {
        const cells = splitCsvLine(line, delimiter);
        expect(cells === null || Array.isArray(cells)).toBe(true);
        expect(DELIMITERS).toContain(detectDelimiter([line, line]));
      }),
      { numRuns: 1_000 },
    );
  });

  it('value parsers never throw and return a finite number or a refusal', () => {
    fc.assert(
      fc.property(cell, fc.boolean(), (raw, decimalComma) => {
        const time = parseTime(raw);
        expect(time === null || Number.isFinite(time)).toBe(true);
        const n = parseNumber(raw, decimalComma);
        expect(n === null || n === undefined || typeof n === 'number').toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('a row of random cells is a reading or a bad row with a reason, never a throw', () => {
    const columns = ['time', 'asset', 'flow', 'speed', 'label'];
    const plan = planColumns(columns, [['2026-01-01T00:00:00Z', 'P-1', '1', '2', '0']], { labelColumn: 'label' }, 'x');
    const mapper = new RowMapper({
      plan,
      assetType: 'pump',
      site: 's',
      line: 'l',
      decimalComma: false,
      source: 'fuzz',
    });
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 7 }), fc.nat(), (cells, lineNumber) => {
        const out = mapper.map(cells, lineNumber);
        if (isBadRow(out)) expect(out.reason.length).toBeGreaterThan(0);
        else {
          expect(Number.isFinite(out.eventTime)).toBe(true);
          expect(out.assetId.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('a file of random lines under a valid header: every line is an event or a bad row, or a typed refusal', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileLine, { maxLength: 30 }),
        fc.constantFrom('csv', 'jsonl'),
        async (lines, format) => {
          file += 1;
          const path = join(dir, `fuzz-${file}.${format}`);
          const header = format === 'csv' ? ['time,asset,flow,speed'] : [];
          const first =
            format === 'csv'
              ? '2026-01-01T00:00:00Z,P-1,1,2'
              : '{"time":"2026-01-01T00:00:00Z","asset":"P-1","flow":1}';
          await writeFile(path, [...header, first, ...lines].join('\n'));
          const events = new MemorySink<SensorReading>();
          const bad: BadRow[] = [];
          try {
            const summary = await importFile({ path, assetType: 'pump' }, events, { onBadRow: (b) => bad.push(b) });
            expect(events.events.length).toBe(summary.events);
            expect(summary.events + bad.length).toBeGreaterThanOrEqual(1);
          } catch (error) {
            expect(isVigilError(error), String(error)).toBe(true);
            expect((error as { code: string }).code).toMatch(/^VIGIL_PRODUCERS_/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
