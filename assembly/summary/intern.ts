// Interning of addresses that do not fit a 32-bit column (IPv6, MAC): each
// distinct address gets a small id, announced to the host once by an
// ADDRESS event. Open addressing over 16-byte keys; memory grows with the
// number of distinct addresses, never with the number of packets.

import * as ev from "../capture/events";

const KEY = 16;
let keys: usize = 0; // capacity * 16 bytes, in id order
let kinds: usize = 0; // capacity bytes
let keyCap: i32 = 0;
let size: i32 = 0;
let slots: usize = 0; // i32 per slot: id + 1, 0 empty
let slotMask: i32 = 0;

const scratch = heap.alloc(KEY);

function init(): void {
  keyCap = 1024;
  keys = heap.alloc(<usize>(keyCap * KEY));
  kinds = heap.alloc(<usize>keyCap);
  slotMask = 2047;
  slots = heap.alloc(<usize>((slotMask + 1) * 4));
  memory.fill(slots, 0, <usize>((slotMask + 1) * 4));
}
init();

export function resetIntern(): void {
  size = 0;
  memory.fill(slots, 0, <usize>((slotMask + 1) * 4));
}

// @ts-ignore: decorator
@inline function hashKey(p: usize, kind: u32): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>kind;
  h = (h ^ load<u64>(p)) * 0xff51afd7ed558ccd;
  h = (h ^ load<u64>(p, 8)) * 0xc4ceb9fe1a85ec53;
  return <u32>(h ^ (h >> 29));
}

function grow(): void {
  const newCap = keyCap * 2;
  const newKeys = heap.alloc(<usize>(newCap * KEY));
  memory.copy(newKeys, keys, <usize>(size * KEY));
  heap.free(keys);
  keys = newKeys;
  const newKinds = heap.alloc(<usize>newCap);
  memory.copy(newKinds, kinds, <usize>size);
  heap.free(kinds);
  kinds = newKinds;
  keyCap = newCap;
  // Rehash into a table twice the key capacity.
  heap.free(slots);
  slotMask = newCap * 2 - 1;
  slots = heap.alloc(<usize>((slotMask + 1) * 4));
  memory.fill(slots, 0, <usize>((slotMask + 1) * 4));
  for (let id = 0; id < size; id++) {
    const p = keys + <usize>(id * KEY);
    let s = <i32>hashKey(p, load<u8>(kinds + <usize>id)) & slotMask;
    while (load<i32>(slots + <usize>(s * 4)) != 0) s = (s + 1) & slotMask;
    store<i32>(slots + <usize>(s * 4), id + 1);
  }
}

/** Returns the id of the `n`-byte address at p (n = 16 or 6), adding it if new. */
export function intern(p: usize, n: i32, kind: u32): u32 {
  memory.fill(scratch, 0, KEY);
  memory.copy(scratch, p, <usize>n);
  let s = <i32>hashKey(scratch, kind) & slotMask;
  while (true) {
    const v = load<i32>(slots + <usize>(s * 4));
    if (v == 0) break;
    const id = v - 1;
    const k = keys + <usize>(id * KEY);
    if (load<u8>(kinds + <usize>id) == <u8>kind && load<u64>(k) == load<u64>(scratch) && load<u64>(k, 8) == load<u64>(scratch, 8)) {
      return <u32>id;
    }
    s = (s + 1) & slotMask;
  }
  if (size >= keyCap) {
    grow();
    return intern(p, n, kind);
  }
  const id = size++;
  memory.copy(keys + <usize>(id * KEY), scratch, KEY);
  store<u8>(kinds + <usize>id, <u8>kind);
  store<i32>(slots + <usize>(s * 4), id + 1);
  const m = ev.begin(6, <u32>id, kind, KEY);
  if (m >= 0) {
    ev.putBytes(scratch, KEY);
    ev.end(m);
  }
  return <u32>id;
}
