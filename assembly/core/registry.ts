// The field registry: every field the dissectors can produce is declared once,
// here or beside the dissector that fills it, with Wireshark's abbreviation,
// a display name, a type, a display base and a one-sentence explanation.
// The JavaScript side reads this table at start-up; it is the single source
// for the CLI, the details tree and the filter language.

/** Field types, after Wireshark's ftypes. */
export const enum FT {
  NONE = 0,       // a label or subtree with no value
  PROTOCOL = 1,   // a protocol layer
  BOOLEAN = 2,
  UINT8 = 3,
  UINT16 = 4,
  UINT24 = 5,
  UINT32 = 6,
  UINT64 = 7,
  INT32 = 8,
  INT64 = 9,
  DOUBLE = 10,
  ABSOLUTE_TIME = 11, // nanoseconds since the epoch
  RELATIVE_TIME = 12, // nanoseconds
  STRING = 13,
  BYTES = 14,
  ETHER = 15,
  IPV4 = 16,
  IPV6 = 17,
  FRAMENUM = 18,
}

/** How an integer is shown. */
export const enum BASE {
  NONE = 0,
  DEC = 1,
  HEX = 2,
  OCT = 3,
  DEC_HEX = 4,
  HEX_DEC = 5,
}

class FieldDef {
  constructor(
    public abbrev: string,
    public name: string,
    public type: FT,
    public base: BASE,
    public mask: u64,
    public blurb: string,
  ) {}
}

class ProtoDef {
  /** Other protocols whose fields packets shown with this name may carry (MDNS carries dns.*). */
  carries: Array<u16> = new Array<u16>();
  constructor(public name: string, public field: u16) {}
}

const fields = new Array<FieldDef>();
const protos = new Array<ProtoDef>();
const valueNames = new Array<string>();
const valueNameFields = new Array<u16>();

/** Declares a field; returns its id, which the tree records. */
export function field(abbrev: string, name: string, type: FT, base: BASE, blurb: string, mask: u64 = 0): u16 {
  fields.push(new FieldDef(abbrev, name, type, base, mask, blurb));
  return <u16>(fields.length - 1);
}

/** Declares a protocol layer: a field of type PROTOCOL. */
export function protocol(abbrev: string, name: string, blurb: string): u16 {
  return field(abbrev, name, FT.PROTOCOL, BASE.NONE, blurb);
}

/**
 * Declares a name for the Protocol column (for example "TLSv1.2" or "MDNS"),
 * tied to the protocol field it belongs to. Ids are small so that the summary
 * keeps them in one byte.
 */
export function columnProtocol(name: string, protoField: u16): u8 {
  protos.push(new ProtoDef(name, protoField));
  assert(protos.length <= 256);
  return <u8>(protos.length - 1);
}

/**
 * Names for a field's values, as "value:name|value:name" (values in decimal
 * or 0x hex), shown as "name (value)" in the details tree: "IPv4 (0x0800)".
 * For a boolean field, "1:Set|0:Not set" names its two states.
 */
export function valueStrings(hf: u16, table: string): void {
  valueNameFields.push(hf);
  valueNames.push(table);
}

/**
 * Says that packets whose Protocol column is `col` may also carry the fields
 * of protocol `protoField` (MDNS packets carry dns.* fields; QUIC carries
 * tls.handshake.*). Filters use it to know which packets to look into.
 */
export function columnCarries(col: u8, protoField: u16): void {
  protos[col].carries.push(protoField);
}

/** Whether field `hf` is a protocol layer (the summary pass records those: summary/layers.ts). */
export function isProtocol(hf: u16): bool {
  return <i32>hf < fields.length && unchecked(fields[hf]).type == FT.PROTOCOL;
}

export function fieldCount(): i32 {
  return fields.length;
}

// Serialisation: one line per field, tab-separated
//   F abbrev name type base mask blurb
// one line per column protocol (with the other protocols it carries)
//   P name field carried,carried
// and one line per table of value names
//   V field value:name|value:name...
// Tabs and newlines never occur in the declared strings.
let serialised: ArrayBuffer | null = null;

function line(parts: Array<string>): string {
  return parts.join("\t") + "\n";
}

export function serialiseRegistry(): ArrayBuffer {
  let s = serialised;
  if (s) return s;
  const lines = new Array<string>();
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    lines.push(line(["F", f.abbrev, f.name, f.type.toString(), f.base.toString(), f.mask.toString(), f.blurb]));
  }
  for (let i = 0; i < protos.length; i++) {
    const p = protos[i];
    const carried = new Array<string>();
    for (let k = 0; k < p.carries.length; k++) carried.push(p.carries[k].toString());
    lines.push(line(["P", p.name, p.field.toString(), carried.join(",")]));
  }
  for (let i = 0; i < valueNames.length; i++) {
    lines.push(line(["V", valueNameFields[i].toString(), valueNames[i]]));
  }
  s = String.UTF8.encode(lines.join(""));
  serialised = s;
  return s;
}
