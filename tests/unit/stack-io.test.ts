import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followFile, tailLines } from '../../stack/logs.js';
import { describePortOwner, freePort, isPortFree } from '../../stack/ports.js';
import { waitFor } from '../helpers/wait.js';

describe('log files', () => {
  it('tails the last lines, also of files larger than one read', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'vigil-logs-')), 'a.log');
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    expect(await tailLines(file, 3)).toBe('line 19997\nline 19998\nline 19999\n');
    expect(await tailLines(file, 0)).toBe('');
    expect(await tailLines(join(tmpdir(), 'no-such-file.log'), 5)).toBe('');
  });

  it('follows what is appended until aborted', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'vigil-logs-')), 'b.log');
    await writeFile(file, 'old\n');
    let seen = '';
    const controller = new AbortController();
    const following = followFile(file, (t) => (seen += t), controller.signal, 20);
    await appendFile(file, 'new 1\n');
    await waitFor(() => seen.includes('new 1'), { timeoutMs: 5_000, description: 'the appended line' });
    controller.abort();
    await following;
    expect(seen).toBe('new 1\n');
  });
});

describe('ports', () => {
  it('tells a free port from a taken one and names the holder', async () => {
    const port = await freePort();
    expect(await isPortFree(port)).toBe(true);
    const server = createServer();
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    try {
      expect(await isPortFree(port)).toBe(false);
      expect(describePortOwner(port)).toContain(`pid ${process.pid}`);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `done after ${calls}` : undefined), {
      intervalMs: 1,
      description: 'three calls',
    });
    expect(value).toBe('done after 3');
  });

  it('fails with the description and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('broker unreachable');
        },
        { timeoutMs: 50, intervalMs: 5, description: 'the broker' },
      ),
    ).rejects.toThrow(/waiting for the broker \(last error: broker unreachable\)/);
  });
});
