/** Reading component logs: the last lines of a file, and following it as it grows (`vigil stack logs -f`). */
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** The last `lines` lines of a file ("" when it does not exist); reads only the end of large files. */
export async function tailLines(file: string, lines: number): Promise<string> {
  if (!existsSync(file) || lines <= 0) return '';
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    let start = size;
    let text = '';
    const chunk = 64 * 1024;
    while (start > 0) {
      start = Math.max(0, start - chunk);
      const buffer = Buffer.alloc(Math.min(chunk, size - start));
      await handle.read(buffer, 0, buffer.length, start);
      text = buffer.toString('utf8') + text;
      if (text.split('\n').length > lines + 1) break;
    }
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return `${all.slice(-lines).join('\n')}\n`;
  } finally {
    await handle.close();
  }
}

/** Calls `onText` with what is appended to `file` until `signal` aborts; a truncated file is read from its start. */
export async function followFile(
  file: string,
  onText: (text: string) => void,
  signal: AbortSignal,
  intervalMs = 250,
): Promise<void> {
  let position = existsSync(file) ? (await stat(file)).size : 0;
  while (!signal.aborted) {
    await new Promise<void>((resolveTick) => {
      const timer = setTimeout(resolveTick, intervalMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolveTick();
      });
    });
    if (signal.aborted || !existsSync(file)) continue;
    const { size } = await stat(file);
    if (size < position) position = 0;
    if (size === position) continue;
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - position);
      await handle.read(buffer, 0, buffer.length, position);
      position = size;
      onText(buffer.toString('utf8'));
    } finally {
      await handle.close();
    }
  }
}
