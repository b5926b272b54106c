// Bytes no dissector claimed: shown as data.

import { field, protocol, columnProtocol, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";

export const HF_DATA = protocol("data", "Data", "Bytes that no protocol dissector recognised.");
const HF_DATA_DATA = field("data.data", "Data", FT.BYTES, BASE.NONE, "The raw bytes, shown in hexadecimal.");
const HF_DATA_LEN = field("data.len", "Length", FT.INT32, BASE.DEC, "How many bytes of data there are.");
export const COL_DATA = columnProtocol("Data", HF_DATA);

/** Shows [off, end) as data; end may lie past the captured bytes. */
export function dissectData(off: i32, end: i32): void {
  if (end <= off) return;
  if (!pinfo.inError && pinfo.colProto == 0) pinfo.colProto = COL_DATA;
  const prev = t.enter(end);
  const avail = (t.limit < end ? t.limit : end) - off;
  if (!t.detail) {
    if (avail > 0) t.summaryLayer(HF_DATA);
    t.restore(prev);
    return;
  }
  if (avail > 0) {
    const node = t.open(HF_DATA, off, avail);
    const note = t.beginNote();
    t.pool.str("Data (");
    t.pool.dec(<u64>(end - off));
    t.pool.str(" bytes)");
    t.endNote(node, note);
    t.fbytes(HF_DATA_DATA, off, avail);
    t.fgen(HF_DATA_LEN, off, 0, <u64>(end - off));
    t.close(node);
  }
  t.restore(prev);
}
