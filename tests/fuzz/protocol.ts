// Messages between the fuzz runner and its worker threads.

export type ToWorker =
  /** Inputs from seeds from, from+stride, ...; the first `warmup` are replayed at the end to check memory. */
  | { type: 'seeds'; from: number; count: number; stride: number; warmup: number }
  /** Inputs given as bytes: the ones that once broke an invariant. */
  | { type: 'files'; files: { seed: number; label: string; bytes: Uint8Array }[] };

export type FromWorker =
  | { type: 'ready'; seeds: number; captures: number }
  | { type: 'break'; seed: number; label: string; bytes: Uint8Array; invariant: string; detail: string }
  | { type: 'memory'; phase: 'warm' | 'replay'; bytes: number }
  | { type: 'done'; inputs: number; packets: number; fields: number; errors: number; analysed: number; memory: number; heap: number };
