// Types of deploy/healthcheck.mjs for the TypeScript tests that import it.
export declare const PORT_OF_ROLE: Readonly<Record<string, { readonly env: string; readonly fallback: string }>>;
export declare function runningRole(procRoot?: string): string | undefined;
