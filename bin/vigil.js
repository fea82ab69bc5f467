#!/usr/bin/env node
// Entry point of the `vigil` CLI. TypeScript sources run through tsx's loader so that the same files serve
// development, tests and production without a separate build output to keep in step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
// Every command closes what it opened; this only guards against a client library that keeps a socket or timer
// alive after its close (the exit waits for the loop to drain otherwise). Unref'd: a drained loop exits at once.
setTimeout(() => process.exit(), 3_000).unref();
