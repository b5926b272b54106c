// The Web Worker that decodes captures: the CaptureService, reached from the
// page through comlink. The page passes the engine's URL so that the .wasm is
// a build asset the service worker precaches.

import * as Comlink from 'comlink';
import { CaptureService } from './service';
import { workerSlices } from './slices';
import { fetchNameData } from '../names/assets';

const service = new CaptureService();

// A second worker reads the File ahead while this one decodes. It starts
// now, so the first file dropped does not wait for it.
const reader = new Worker(new URL('./reader.worker.ts', import.meta.url), { type: 'module', name: 'packetlens-reader' });
service.sliceSource = (blob, firstSize, size) => workerSlices(reader, blob, firstSize, size);
service.nameDataLoader = (which) => fetchNameData(which);

const api = {
  async init(wasmUrl: string): Promise<void> {
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`cannot load the engine (${wasmUrl}): HTTP ${response.status}`);
    await service.init(await response.arrayBuffer());
  },
  fields: () => service.fields(),
  open: (blob: Blob, name: string, onProgress?: Parameters<CaptureService['open']>[2]) => service.open(blob, name, onProgress),
  cancel: () => service.cancel(),
  restore: (...args: Parameters<CaptureService['restore']>) => service.restore(...args),
  save: () => service.save(),
  openSession: (id: number, onProgress?: Parameters<CaptureService['open']>[2]) => service.openSession(id, onProgress),
  count: () => service.count(),
  packetAt: (row: number) => service.packetAt(row),
  meta: () => service.meta(),
  sort: (...args: Parameters<CaptureService['sort']>) => service.sort(...args),
  rows: (...args: Parameters<CaptureService['rows']>) => service.rows(...args),
  packet: (i: number) => service.packet(i),
  rowOf: (packet: number) => service.rowOf(packet),
  checkFilter: (text: string) => service.checkFilter(text),
  applyFilter: (...args: Parameters<CaptureService['applyFilter']>) => service.applyFilter(...args),
  currentFilter: () => service.currentFilter(),
  find: (...args: Parameters<CaptureService['find']>) => service.find(...args),
  setColumns: (columns: string[]) => service.setColumns(columns),
  setComments: (packet: number, comments: string[]) => service.setComments(packet, comments),
  toggleMark: (packet: number) => service.toggleMark(packet),
  setNote: (note: string) => service.setNote(note),
  setNameResolution: (on: boolean) => service.setNameResolution(on),
  describeAddresses: (addresses: string[], withAs?: boolean) => service.describeAddresses(addresses, withAs),
  countries: () => service.countries(),
  exportFile: (...args: Parameters<CaptureService['exportFile']>) => service.exportFile(...args),
  expert: (...args: Parameters<CaptureService['expert']>) => service.expert(...args),
  statistics: (...args: Parameters<CaptureService['statistics']>) => service.statistics(...args),
  follow: (...args: Parameters<CaptureService['follow']>) => service.follow(...args),
  liveConnect: (...args: Parameters<CaptureService['liveConnect']>) => service.liveConnect(...args),
  liveList: () => service.liveList(),
  liveStart: (...args: Parameters<CaptureService['liveStart']>) => service.liveStart(...args),
  liveStop: () => service.liveStop(),
  liveDisconnect: () => service.liveDisconnect(),
  liveCounters: () => service.liveCounters(),
  liveCharts: (intervalMs: number, intervals: number) => service.liveCharts(intervalMs, intervals),
  ioGraph: (...args: Parameters<CaptureService['ioGraph']>) => service.ioGraph(...args),
  hostGraph: (lambda: number, maxNodes: number) => service.hostGraph(lambda, maxNodes),
};

export type CaptureWorkerApi = typeof api;

Comlink.expose(api);
