// Types for the parts of `cap` 0.2.1 (a libpcap binding, CommonJS) the bridge
// uses. Its built-in decoders are not used: the bridge never parses packets.
declare module 'cap' {
  import type { EventEmitter } from 'node:events';

  export interface CapAddress {
    addr?: string;
    netmask?: string;
    broadaddr?: string;
    dstaddr?: string;
  }

  export interface CapDevice {
    name: string;
    description?: string;
    addresses: CapAddress[];
    /** 'PCAP_IF_LOOPBACK' for a loopback device; absent otherwise. */
    flags?: string;
  }

  export class Cap extends EventEmitter {
    /**
     * Opens a device with a BPF filter ('' for none). Each packet is copied into
     * `buffer` (its first `nbytes` bytes) before 'packet' is emitted. Returns the
     * link type's name ('ETHERNET', 'NULL', 'RAW', 'LINKTYPE_LINUX_SLL',
     * 'IEEE802_11_RADIO', or 'Unknown linktype N'). Throws libpcap's error text.
     */
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
    close(): boolean;
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
    static findDevice(ip?: string): string | undefined;
    static deviceList(): CapDevice[];
  }
}
