// Loading the WebAssembly engine, the same way in Node and in a Web Worker:
// the caller supplies the module's bytes or a compiled module.

/** Raw exports of assembly/index.ts. */
export interface EngineExports {
  memory: WebAssembly.Memory;
  reset(): void;
  inputReserve(min: number): number;
  inputSpace(): number;
  inputCommit(n: number): void;
  parse(): number;
  finish(): number;
  errorKind(): number;
  errorOffset(): bigint;
  errorTextPtr(): number;
  errorTextLen(): number;
  fileFormat(): number;
  packets(): number;
  treePerPacket(on: number): void;
  batchCount(): number;
  batchReset(): void;
  batchCapacity(): number;
  columnPtr(i: number): number;
  sideColumnPtr(i: number): number;
  eventsPtr(): number;
  eventsLen(): number;
  eventsReset(): void;
  registryPtr(): number;
  registryLen(): number;
  packetBuffer(len: number): number;
  dissect(
    capLen: number,
    origLen: number,
    linkType: number,
    iface: number,
    ifaceLocal: number,
    showInterface: number,
    number: number,
    hasTime: number,
    sec: bigint,
    nsec: number,
    firstTs: bigint,
    prevTs: bigint,
    stream: number,
  ): number;
  nodesPtr(): number;
  nodeCount(): number;
  poolPtr(): number;
  poolLen(): number;
  infoPtr(): number;
  infoLen(): number;
  protocolColumn(): number;
  sourceCount(): number;
  sourcePtr(i: number): number;
  sourceLen(i: number): number;
  sourceName(i: number): number;
  inject(kind: number, length: number, tail: number): number;
  flowTableBytes(): number;
  flowTablePtr(): number;
  flowStreamCounts(): bigint;
  flowTableReserve(entries: number): number;
  flowTableLoad(entries: number, tcp: number, udp: number): void;
}

/** A fault inside the engine itself (never caused by input: a bug). */
export class EngineFault extends Error {
  override name = 'EngineFault';
}

export interface Instance {
  exports: EngineExports;
  /** Set by whoever wants the per-packet tree callback. */
  onPacketTree: (index: number) => void;
}

function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint8Array(memory.buffer);
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0] ?? 0;
  return new TextDecoder('utf-16le').decode(bytes.subarray(ptr, ptr + len));
}

/** Instantiates the engine from its bytes or a compiled module. */
export async function instantiateEngine(source: BufferSource | WebAssembly.Module): Promise<Instance> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const holder: Instance = { exports: undefined as unknown as EngineExports, onPacketTree: () => {} };
  let memory: WebAssembly.Memory | undefined;
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(message: number, file: number, line: number, column: number) {
        const m = memory ? readAsString(memory, message) : '';
        const f = memory ? readAsString(memory, file) : '';
        throw new EngineFault(`engine fault: ${m} at ${f}:${line}:${column}`);
      },
    },
    host: {
      onPacketTree(index: number) {
        holder.onPacketTree(index);
      },
    },
  });
  holder.exports = instance.exports as unknown as EngineExports;
  memory = holder.exports.memory;
  return holder;
}
