/**
 * Ceilings from the broker's own perf-test classes (kafka-tools jar of the local stack): ProducerPerformance
 * (acks=all, records of the dataset's mean size) into a topic of the same shape, and ConsumerPerformance over the
 * pre-filled dataset topic. Their rate is what the JVM client gets from this broker on this machine.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface BrokerPerfOptions {
  readonly java: string;
  readonly kafkaLibDir: string;
  readonly bootstrap: string;
}

function runJava(o: BrokerPerfOptions, mainClass: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.java, ['-Xmx512m', '-cp', join(o.kafkaLibDir, '*'), mainClass, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${mainClass} exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

/** Records/s of ProducerPerformance (its final summary line). */
export async function producerPerformance(
  o: BrokerPerfOptions,
  topic: string,
  records: number,
  recordSize: number,
): Promise<number> {
  const out = await runJava(
    o,
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${o.bootstrap}`,
      'acks=all',
      'linger.ms=5',
    ],
    300_000,
  );
  const summary = [...out.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)].pop();
  if (!summary) throw new Error(`ProducerPerformance printed no summary: ${out.slice(-1000)}`);
  return Number(summary[2]);
}

/** Records/s of ConsumerPerformance over `records` records of `topic` (fetch rate, rebalance time excluded). */
export async function consumerPerformance(o: BrokerPerfOptions, topic: string, records: number): Promise<number> {
  const out = await runJava(
    o,
    'org.apache.kafka.tools.ConsumerPerformance',
    [
      '--bootstrap-server',
      o.bootstrap,
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--group',
      `bench-cperf-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
      '--timeout',
      '60000',
    ],
    300_000,
  );
  // Header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  //         rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const lines = out.trim().split('\n');
  const header = lines.findIndex((l) => l.includes('fetch.nMsg.sec'));
  const row = lines[header + 1]?.split(',').map((s) => s.trim());
  const names = lines[header]?.split(',').map((s) => s.trim()) ?? [];
  const fetchRate = Number(row?.[names.indexOf('fetch.nMsg.sec')]);
  const consumed = Number(row?.[names.indexOf('data.consumed.in.nMsg')]);
  if (header < 0 || !Number.isFinite(fetchRate) || consumed < records) {
    throw new Error(`ConsumerPerformance output not understood or short: ${out.slice(-1000)}`);
  }
  return fetchRate;
}
