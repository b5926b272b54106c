// The bridge's use of libpcap, through `cap` 0.2.1: loading it, the interface
// list, and what its answers mean.

import { createRequire } from 'node:module';
import type { Cap as CapClass, CapDevice } from 'cap';
import type { InterfaceInfo } from '../src/lib/live/wire';

/**
 * cap 0.2.1 asks libpcap for this snapshot length whatever it is given, so no
 * frame is longer; the bridge cuts frames shorter itself.
 */
export const CAP_SNAPLEN = 65535;

/** Index of a frame's interface when the interface list does not hold it. */
export const UNLISTED_INTERFACE = 0xffff;

let loaded: typeof CapClass | null = null;

/** The `Cap` class; throws a message saying what to do when cap is not built. */
export function capClass(): typeof CapClass {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    loaded = (require('cap') as { Cap: typeof CapClass }).Cap;
  } catch (e) {
    throw new Error(
      `the libpcap binding (npm package cap) could not be loaded: ${(e as Error).message.split('\n')[0]}. ` +
        'It is built by `npm_config_nodedir=/usr npm ci`, which needs libpcap-dev; `sh scripts/setup.sh` does both.',
    );
  }
  return loaded;
}

function deviceList(): CapDevice[] {
  return capClass().deviceList();
}

/** Link types seen when captures were opened in this run, by interface name. */
const knownLinkTypes = new Map<string, number>();

export function rememberLinkType(name: string, linkType: number): void {
  knownLinkTypes.set(name, linkType);
}

/**
 * The interfaces libpcap can open, in its order (a frame's interface index is
 * a position in this list). The link type is known only for interfaces
 * captured on in this run: libpcap tells it once a device is opened.
 */
export function listInterfaces(): InterfaceInfo[] {
  return deviceList().map((d) => ({
    name: d.name,
    description: d.description ?? (d.flags === 'PCAP_IF_LOOPBACK' ? 'Loopback' : ''),
    addresses: d.addresses.flatMap((a) => (a.addr ? [a.addr] : [])),
    linkType: knownLinkTypes.get(d.name) ?? null,
  }));
}

/** A name's position in listInterfaces(), or UNLISTED_INTERFACE. */
export function interfaceIndex(list: InterfaceInfo[], name: string): number {
  const i = list.findIndex((d) => d.name === name);
  return i >= 0 && i < UNLISTED_INTERFACE ? i : UNLISTED_INTERFACE;
}

/**
 * The interface captured on when none is named: the first one that is not
 * loopback and has an address (libpcap lists interfaces that are up first),
 * else cap's own choice; null when there is none.
 */
export function defaultInterface(): string | null {
  const list = deviceList();
  const first = list.find((d) => d.flags !== 'PCAP_IF_LOOPBACK' && d.name !== 'any' && d.addresses.some((a) => a.addr));
  return first?.name ?? capClass().findDevice() ?? null;
}

/**
 * cap reports the link type by name; the wire carries pcap's LINKTYPE_
 * number. For types cap does not name it reports libpcap's DLT_ number,
 * which on Linux equals the LINKTYPE_ number for every type it can return
 * here (DLT_RAW, the exception, is named).
 */
export function linkTypeNumber(capName: string): number {
  switch (capName) {
    case 'NULL':
      return 0;
    case 'ETHERNET':
      return 1;
    case 'RAW':
      return 101;
    case 'LINKTYPE_LINUX_SLL':
      return 113;
    case 'IEEE802_11_RADIO':
      return 127;
    default: {
      const m = /^Unknown linktype (\d+)$/.exec(capName);
      if (m) return Number(m[1]);
      throw new Error(`libpcap reported a link type the bridge does not know: "${capName}"`);
    }
  }
}
