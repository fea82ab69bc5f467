import { main } from '../../cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the `vigil` CLI in-process with the given environment, capturing its output. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(argv, env, {
    out: {
      write: (s) => {
        out += s;
      },
    },
    err: {
      write: (s) => {
        err += s;
      },
    },
    interactive: false,
  });
  return { code, out, err };
}
