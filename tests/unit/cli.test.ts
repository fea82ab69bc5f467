import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('vigil CLI', () => {
  it('lists every role of architecture.md in --help', async () => {
    const { code, out } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const role of [
      'stack',
      'migrate',
      'produce',
      'process',
      'serve',
      'replay',
      'train',
      'models',
      'keys',
      'demo',
    ]) {
      expect(out).toMatch(new RegExp(`^\\s+${role}\\b`, 'm'));
    }
  });

  it('exits 2 on an unknown command', async () => {
    const { code, err } = await runCli(['frobnicate']);
    expect(code).toBe(2);
    expect(err).toContain("unknown command 'frobnicate'");
  });

  it('exits 2 on an unknown flag', async () => {
    const { code, err } = await runCli(['config', '--frob']);
    expect(code).toBe(2);
    expect(err).toContain("unknown option '--frob'");
  });

  it('exits 2 and names the variable on bad configuration', async () => {
    const { code, err } = await runCli(['config'], { KAFKA_BROKERS: 'not a broker' });
    expect(code).toBe(2);
    expect(err).toContain('KAFKA_BROKERS must be host:port[,host:port]');
  });

  it('prints the effective configuration with secrets masked', async () => {
    const { code, out } = await runCli(['config'], {
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'vigil',
      KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(code).toBe(0);
    expect(out).toContain('KAFKA_SASL_USERNAME=vigil');
    expect(out).toContain('KAFKA_SASL_PASSWORD=********');
    expect(out).not.toContain('hunter2');
  });
});

describe('secrets from files', () => {
  it('reads X_FILE into X and never prints the value', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-')), 'pw');
    writeFileSync(file, 's3cret\n');
    const { code, out } = await runCli(['config'], {
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'vigil',
      KAFKA_SASL_PASSWORD_FILE: file,
    });
    expect(code).toBe(0);
    expect(out).not.toContain('s3cret');
  });

  it('exits 2 naming the variable when the secret file is missing', async () => {
    const { code, err } = await runCli(['config'], { KAFKA_SASL_PASSWORD_FILE: '/nonexistent/pw' });
    expect(code).toBe(2);
    expect(err).toContain('KAFKA_SASL_PASSWORD_FILE=/nonexistent/pw cannot be read');
  });
});
