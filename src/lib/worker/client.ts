// The page's handle on the capture worker (one per page), through comlink.

import * as Comlink from 'comlink';
import engineUrl from '../../../assembly/build/engine.wasm?url';
import type { CaptureWorkerApi } from './capture.worker';

export type CaptureWorker = Comlink.Remote<CaptureWorkerApi>;

let ready: Promise<CaptureWorker> | null = null;

/** The worker, started and with its engine loaded on first use. */
export function captureWorker(): Promise<CaptureWorker> {
  if (!ready) {
    ready = (async () => {
      const worker = new Worker(new URL('./capture.worker.ts', import.meta.url), { type: 'module', name: 'packetlens-capture' });
      const api = Comlink.wrap<CaptureWorkerApi>(worker);
      await api.init(new URL(engineUrl, location.href).href);
      return api;
    })();
    ready.catch(() => (ready = null));
  }
  return ready;
}

export { Comlink };
