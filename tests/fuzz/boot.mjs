// Starts a fuzz worker thread: TypeScript is loaded through tsx, as in the
// command line and the benchmarks.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
