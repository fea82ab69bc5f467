/**
 * Vigil's error model. Every area declares one catalogue (its own `errors.ts`) of codes `VIGIL_<AREA>_<WHAT>`,
 * each with a message template a user can act on, the HTTP status used when it reaches the API, and whether
 * retrying can help. `tests/unit/errors-documented.test.ts` checks every code is documented in docs/errors.md.
 */

export interface ErrorSpec {
  /** Message template; `{name}` placeholders are filled from the params given when the error is raised. */
  readonly message: string;
  /** HTTP status when the error reaches an API client. */
  readonly status: number;
  /** True when the same call may succeed later (a broker restarting), false for bad input or a bug. */
  readonly retriable: boolean;
}

export type ErrorParams = Readonly<Record<string, string | number | boolean | undefined>>;

export class VigilError extends Error {
  override readonly name = 'VigilError';
  readonly code: string;
  readonly status: number;
  readonly retriable: boolean;
  readonly params: ErrorParams;

  constructor(code: string, spec: ErrorSpec, params: ErrorParams = {}, cause?: unknown) {
    super(fillTemplate(spec.message, params), cause === undefined ? undefined : { cause });
    this.code = code;
    this.status = spec.status;
    this.retriable = spec.retriable;
    this.params = params;
  }
}

function fillTemplate(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    return value === undefined ? whole : String(value);
  });
}

const registered = new Map<string, ErrorSpec>();

/** Every code declared by any loaded catalogue (for the documentation test and the API's error listing). */
export function registeredErrorCodes(): ReadonlyMap<string, ErrorSpec> {
  return registered;
}

export type ErrorFactory<Codes extends string> = (code: Codes, params?: ErrorParams, cause?: unknown) => VigilError;

/** Declares an area's catalogue and returns the one function that raises its errors. */
export function errorCatalogue<const C extends Record<string, ErrorSpec>>(specs: C): ErrorFactory<keyof C & string> {
  for (const [code, spec] of Object.entries(specs)) {
    if (!/^VIGIL_[A-Z0-9_]+$/.test(code)) throw new Error(`error code ${code} must match VIGIL_[A-Z0-9_]+`);
    const existing = registered.get(code);
    if (existing && existing !== spec) throw new Error(`error code ${code} is declared twice`);
    registered.set(code, spec);
  }
  return (code, params = {}, cause) => new VigilError(code, specs[code] as ErrorSpec, params, cause);
}

export function isVigilError(error: unknown, code?: string): error is VigilError {
  return error instanceof VigilError && (code === undefined || error.code === code);
}

/** A short, safe description of any thrown value (never a stack trace) for logs and CLI output. */
export function describeError(error: unknown): string {
  if (error instanceof VigilError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
