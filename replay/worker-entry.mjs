// Bootstrap of a replay worker thread: TypeScript sources run through tsx's loader (as in bin/vigil.js), and
// loader hooks registered in the main thread do not reach worker threads, so each worker registers its own.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
