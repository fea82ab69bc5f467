import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SensorReading } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { detectDelimiter, splitCsvLine } from '../../producers/importer/csv-fields.js';
import { type ImportOptions, importFile } from '../../producers/importer/file-importer.js';
import type { BadRow } from '../../producers/importer/row-mapper.js';
import { parseNumber, parseTime } from '../../producers/importer/values.js';
import { MemorySink } from '../../producers/sinks/event-sink.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-import-'));
});

async function importText(name: string, text: string, options: Omit<ImportOptions, 'path'> = {}) {
  const path = join(dir, name);
  await writeFile(path, text);
  const events = new MemorySink<SensorReading>();
  const truth = new MemorySink<GroundTruth>();
  const bad: BadRow[] = [];
  const summary = await importFile({ path, ...options }, events, { truthSink: truth, onBadRow: (b) => bad.push(b) });
  return { summary, events: events.events, truth: truth.events, bad };
}

describe('CSV fields', () => {
  it('splits quoted fields, escaped quotes and delimiters inside quotes', () => {
    expect(splitCsvLine('a,"b,c","say ""hi""",,d', ',')).toEqual(['a', 'b,c', 'say "hi"', '', 'd']);
    expect(splitCsvLine('x;"1;2";3', ';')).toEqual(['x', '1;2', '3']);
    expect(splitCsvLine('"open,1', ',')).toBeNull();
    expect(splitCsvLine('', ',')).toEqual(['']);
  });

  it('detects comma, semicolon and tab delimiters', () => {
    expect(detectDelimiter(['time,asset,"a;b"', '2024-01-01,P1,3'])).toBe(',');
    expect(detectDelimiter(['time;asset;temp', '2024-01-01 00:00:00;P1;3,5'])).toBe(';');
    expect(detectDelimiter(['time\tasset\ttemp', '2024-01-01\tP1\t3.5'])).toBe('\t');
    expect(detectDelimiter(['"a,b";c;d', '1;2;3'])).toBe(';');
  });
});

describe('time and number cells', () => {
  const ms = Date.UTC(2024, 2, 1, 12, 30, 15);
  it.each([
    ['2024-03-01T12:30:15Z', ms],
    ['2024-03-01T12:30:15.250Z', ms + 250],
    ['2024-03-01T13:30:15+01:00', ms],
    ['2024-03-01T07:00:15-0530', ms],
    ['2024-03-01T12:30:15', ms],
    ['2024-03-01 12:30:15', ms],
    ['2024/03/01 12:30:15', ms],
    ['2024-03-01', Date.UTC(2024, 2, 1)],
    [String(ms / 1000), ms],
    [String(ms), ms],
    [String(ms * 1000), ms],
    [String(ms * 1_000_000), ms],
    [ms / 1000, ms],
  ])('parses %s', (raw, expected) => {
    expect(parseTime(raw)).toBe(expected);
  });

  it.each(['', 'abc', '2024-02-30 00:00:00', '2024-13-01', '12:30', '-5', 'NaN'])('rejects %j', (raw) => {
    expect(parseTime(raw)).toBeNull();
  });

  it('parses numbers, NaN, empty cells and decimal commas', () => {
    expect(parseNumber('1.5e3', false)).toBe(1500);
    expect(parseNumber(' -2 ', false)).toBe(-2);
    expect(parseNumber('NaN', false)).toBeNaN();
    expect(parseNumber('', false)).toBeUndefined();
    expect(parseNumber('12,5', true)).toBe(12.5);
    expect(parseNumber('12,5', false)).toBeNull();
    expect(parseNumber('0x10', false)).toBeNull();
    expect(parseNumber('abc', false)).toBeNull();
  });
});

describe('file import', () => {
  it('reports each kind of bad row with its line number and keeps going', async () => {
    const csv = [
      'timestamp,machine,temp,current',
      '2024-03-01 12:00:00,M1,20.5,3.1',
      '2024-03-01 12:00:01,M1,21,x',
      '2024-03-01 12:00:02,,22,3',
      'yesterday,M1,1,2',
      '2024-03-01 12:00:04,M1,22',
      '"2024-03-01 12:00:05,M1,1,1',
      '',
      '2024-03-01 12:00:06,M2,23,',
    ].join('\n');
    const { summary, events, bad } = await importText('bad.csv', csv);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'non_numeric_value'],
      [4, 'missing_asset'],
      [5, 'unparseable_time'],
      [6, 'wrong_column_count'],
      [7, 'unterminated_quote'],
    ]);
    expect(summary.rowsRead).toBe(7);
    expect(summary.events).toBe(2);
    expect(summary.badRows).toBe(5);
    expect(summary.badRowsByReason).toEqual({
      non_numeric_value: 1,
      missing_asset: 1,
      unparseable_time: 1,
      wrong_column_count: 1,
      unterminated_quote: 1,
    });
    expect(summary.assets).toEqual(['M1', 'M2']);
    expect(summary.firstTime).toBe(Date.UTC(2024, 2, 1, 12));
    expect(summary.lastTime).toBe(Date.UTC(2024, 2, 1, 12, 0, 6));
    expect(summary.channels).toEqual(['temp', 'current']);
    // An empty cell is a missing channel, not a bad row.
    expect(events[1]?.channels).toEqual({ temp: 23 });
  });

  it('detects a semicolon file with decimal commas, epoch seconds and a fixed asset of a new type', async () => {
    const csv = 'ts;Bearing Temp (C);Speed\n1709294400;41,5;1480\n1709294401;41,6;1481\n';
    const { summary, events } = await importText('semi.csv', csv, { asset: 'X-9', assetType: 'gearbox', site: 's1' });
    expect(summary.delimiter).toBe(';');
    expect(summary.timeColumn).toBe('ts');
    expect(summary.channels).toEqual(['bearing_temp_c', 'speed']);
    expect(events[0]).toMatchObject({
      assetId: 'X-9',
      assetType: 'gearbox',
      site: 's1',
      eventTime: 1709294400000,
      seq: 0,
      channels: { bearing_temp_c: 41.5, speed: 1480 },
    });
  });

  it('imports tab-separated files with epoch milliseconds and only the chosen channels', async () => {
    const tsv = 'device\ttime\ta\tb\tc\nD1\t1709294400000\t1\t2\t3\nD1\t1709294401000\t4\t5\t6\n';
    const { summary, events } = await importText('t.tsv', tsv, { channels: ['a', 'c'] });
    expect(summary.delimiter).toBe('\t');
    expect(events.map((e) => e.channels)).toEqual([
      { a: 1, c: 3 },
      { a: 4, c: 6 },
    ]);
  });

  it('turns contiguous labelled rows into one ground-truth record per span and asset', async () => {
    const rows = ['time,asset,v,label'];
    const labels = ['', 'bearing', 'bearing', 'bearing', '', '', '1', '1', '0', 'bearing'];
    labels.forEach((label, i) => {
      rows.push(`2024-03-01T00:00:${String(i).padStart(2, '0')}Z,A,${i},${label}`);
    });
    rows.push('2024-03-01T00:00:30Z,B,1,overheat');
    const { truth, summary } = await importText('labels.csv', rows.join('\n'), { labelColumn: 'label' });
    const t0 = Date.UTC(2024, 2, 1);
    const spans = truth.map((t) => [t.key, t.kind, (t.start - t0) / 1000, (t.end - t0) / 1000]);
    expect(spans).toEqual(
      expect.arrayContaining([
        ['A', 'bearing', 1, 3],
        ['A', 'labelled_anomaly', 6, 7],
        ['A', 'bearing', 9, 9],
        ['B', 'overheat', 30, 30],
      ]),
    );
    expect(truth).toHaveLength(4);
    expect(summary.truthRecords).toBe(4);
    expect(truth[0]).toMatchObject({ source: 'import:labels.csv', stream: 'sensors', channels: ['v'] });
    // The label column is not a channel.
    expect(summary.channels).toEqual(['v']);
  });

  it('imports the JSONL the simulators write (nested channels, NaN written as null)', async () => {
    const lines = [
      {
        eventId: 'e1',
        assetId: 'P-1',
        assetType: 'pump',
        site: 'n',
        line: 'w',
        eventTime: 1709294400000,
        seq: 0,
        channels: { flow: 1.5, speed: 2950 },
        quality: [],
      },
      {
        eventId: 'e2',
        assetId: 'P-1',
        assetType: 'pump',
        site: 'n',
        line: 'w',
        eventTime: 1709294401000,
        seq: 1,
        channels: { flow: null, speed: 2951 },
        quality: [],
      },
    ].map((o) => JSON.stringify(o));
    lines.push('{not json');
    lines.push('[1,2]');
    const { summary, events, bad } = await importText('sim.jsonl', `${lines.join('\n')}\n`, { assetType: 'pump' });
    expect(summary.format).toBe('jsonl');
    expect(summary.channels).toEqual(['flow', 'speed']);
    expect(events.map((e) => e.channels)).toEqual([{ flow: 1.5, speed: 2950 }, { speed: 2951 }]);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'invalid_json'],
      [4, 'invalid_json'],
    ]);
  });

  it('gives the same event ids when the same file is imported again', async () => {
    const csv = 'time,asset,v\n2024-03-01T00:00:00Z,A,1\n2024-03-01T00:00:01Z,A,2\n';
    const a = await importText('same.csv', csv);
    const b = await importText('same.csv', csv);
    expect(a.events.map((e) => e.eventId)).toEqual(b.events.map((e) => e.eventId));
    expect(new Set(a.events.map((e) => e.eventId)).size).toBe(2);
  });

  it('fails before the first event when the layout cannot be decided, naming the option to pass', async () => {
    await expect(importText('noasset.csv', 'time,v\n2024-03-01T00:00:00Z,1\n')).rejects.toThrow(/--asset-column/);
    await expect(importText('notime.csv', 'asset,v\nA,1\n')).rejects.toThrow(/--time-column/);
    await expect(
      importText('wrongcol.csv', 'time,asset,v\n2024-03-01T00:00:00Z,A,1\n', { channels: ['w'] }),
    ).rejects.toThrow(/channel column "w"/);
    await expect(importFile({ path: join(dir, 'missing.csv') }, new MemorySink())).rejects.toThrow(
      /VIGIL_PRODUCERS_INPUT_FAILED|Could not read/,
    );
  });

  it('never throws on arbitrary lines after a valid start; every row is an event or a bad row (property)', async () => {
    const header = 'time,asset,a,b';
    const valid = Array.from(
      { length: 50 },
      (_, i) => `2024-03-01T00:00:${String(i % 60).padStart(2, '0')}Z,A,${i},${i * 2}`,
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.constantFrom('"', '"",', ',,,', 'NaN,A,1,2', '2024-03-01T00:00:00Z,A,1', '2024-03-01T00:00:00Z,,1,2'),
          ),
          { maxLength: 30 },
        ),
        async (extra) => {
          const noNewlines = extra.map((l) => l.replace(/[\r\n\u2028\u2029\u0085]/g, ' '));
          const { summary } = await importText(`prop-${run++}.csv`, [header, ...valid, ...noNewlines].join('\n'));
          const blank = noNewlines.filter((l) => l.trim() === '').length;
          expect(summary.rowsRead).toBe(valid.length + noNewlines.length - blank);
          expect(summary.events + summary.badRows).toBe(summary.rowsRead);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('vigil produce file', () => {
  it('writes SensorReading JSONL and ground truth, and prints a summary with bad rows by reason', async () => {
    const input = join(dir, 'cli.csv');
    await writeFile(
      input,
      'time,asset,v,label\n2024-03-01T00:00:00Z,A,1,\n2024-03-01T00:00:01Z,A,x,\n2024-03-01T00:00:02Z,A,3,bearing_wear\n',
    );
    const out = join(dir, 'cli-out.jsonl');
    const truthOut = join(dir, 'cli-truth.jsonl');
    const {
      code,
      out: stdout,
      err,
    } = await runCli(['produce', 'file', input, '--label', 'label', '--out', out, '--truth', truthOut]);
    expect(code).toBe(0);
    expect(err).toContain('line 3: non_numeric_value');
    expect(stdout).toContain('rows read: 3, events: 2, bad rows: 1 (non_numeric_value: 1)');
    const events = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SensorReading);
    expect(events.map((e) => e.channels.v)).toEqual([1, 3]);
    const truth = (await readFile(truthOut, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as GroundTruth);
    expect(truth).toMatchObject([{ key: 'A', kind: 'bearing_wear' }]);
  });

  it('fails naming the registry when it cannot publish, and exits 2 on bad usage', async () => {
    const input = join(dir, 'cli2.csv');
    await writeFile(input, 'time,asset,v\n2024-03-01T00:00:00Z,A,1\n');
    const noRegistry = await runCli(['produce', 'file', input], {
      LOG_LEVEL: 'silent',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/apis/ccompat/v7',
    });
    expect(noRegistry.code).toBe(1);
    expect(noRegistry.err).toContain('SCHEMA_REGISTRY_URL');
    const badDelimiter = await runCli(['produce', 'file', input, '--delimiter', 'pipe', '--out', join(dir, 'x.jsonl')]);
    expect(badDelimiter.code).toBe(2);
    expect(badDelimiter.err).toContain('--delimiter');
  });
});
