// HTTP: the hosts requests went to, the methods they used and the status
// codes of the responses (HTTP/1.x over TCP; SSDP is not counted). The
// packets with an HTTP layer are dissected (app-fields.ts).

import { bump, layerValues, packetsWith, ranked } from './app-fields';
import type { StatsSource } from './source';

export interface HttpStats {
  requests: number;
  responses: number;
  /** Host headers of the requests, most requested first ("" for requests without one). */
  hosts: { host: string; count: number }[];
  methods: { method: string; count: number }[];
  /** Status codes of the responses, with the phrase of the first response with each. */
  statusCodes: { code: number; phrase: string; count: number }[];
  /** Request URIs, most requested first. */
  uris: { uri: string; count: number }[];
  dissected: number;
  milliseconds: number;
}

const FIELDS = ['http.request.method', 'http.request.uri', 'http.host', 'http.response.code', 'http.response.phrase'];

export async function httpStats(src: StatsSource): Promise<HttpStats> {
  const started = performance.now();
  const { layers, dissected } = await layerValues(src, 'http', ['http'], FIELDS, packetsWith(src, ['http']));
  const hosts = new Map<string, number>();
  const methods = new Map<string, number>();
  const codes = new Map<number, number>();
  const phrases = new Map<number, string>();
  const uris = new Map<string, number>();
  let requests = 0;
  let responses = 0;
  for (const { values: v } of layers) {
    const method = v.get('http.request.method')?.[0];
    if (method !== undefined) {
      requests++;
      bump(methods, String(method));
      bump(hosts, String(v.get('http.host')?.[0] ?? ''));
      const uri = v.get('http.request.uri')?.[0];
      if (uri !== undefined) bump(uris, String(uri));
    }
    const code = v.get('http.response.code')?.[0];
    if (code !== undefined) {
      responses++;
      bump(codes, Number(code));
      if (!phrases.has(Number(code))) phrases.set(Number(code), String(v.get('http.response.phrase')?.[0] ?? ''));
    }
  }
  return {
    requests,
    responses,
    hosts: ranked(hosts).map(({ value, count }) => ({ host: value, count })),
    methods: ranked(methods).map(({ value, count }) => ({ method: value, count })),
    statusCodes: ranked(codes).map(({ value, count }) => ({ code: value, phrase: phrases.get(value) ?? '', count })),
    uris: ranked(uris).map(({ value, count }) => ({ uri: value, count })),
    dissected,
    milliseconds: performance.now() - started,
  };
}
