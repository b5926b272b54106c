// The field registry as the engine declares it (assembly/core/registry.ts):
// every field's abbreviation, name, type, display base, bit mask and
// explanation. The single source for the CLI, the details tree and filters.

export enum FieldType {
  NONE = 0,
  PROTOCOL = 1,
  BOOLEAN = 2,
  UINT8 = 3,
  UINT16 = 4,
  UINT24 = 5,
  UINT32 = 6,
  UINT64 = 7,
  INT32 = 8,
  INT64 = 9,
  DOUBLE = 10,
  ABSOLUTE_TIME = 11,
  RELATIVE_TIME = 12,
  STRING = 13,
  BYTES = 14,
  ETHER = 15,
  IPV4 = 16,
  IPV6 = 17,
  FRAMENUM = 18,
}

export enum Base {
  NONE = 0,
  DEC = 1,
  HEX = 2,
  OCT = 3,
  DEC_HEX = 4,
  HEX_DEC = 5,
}

export interface FieldInfo {
  id: number;
  abbrev: string;
  name: string;
  type: FieldType;
  base: Base;
  mask: bigint;
  /** One plain-English sentence saying what the field means. */
  blurb: string;
  /** Names of values ("IPv4" for eth.type 0x0800), when the field has them. */
  values?: Map<bigint, string>;
}

export interface ColumnProtocol {
  id: number;
  /** The name shown in the Protocol column ("TCP", "TLSv1.2"). */
  name: string;
  /** The protocol field it belongs to. */
  field: number;
  /** Other protocols whose fields such packets may carry (MDNS carries dns). */
  carries: number[];
}

export const INTEGER_TYPES: ReadonlySet<FieldType> = new Set([
  FieldType.UINT8,
  FieldType.UINT16,
  FieldType.UINT24,
  FieldType.UINT32,
  FieldType.UINT64,
  FieldType.INT32,
  FieldType.INT64,
  FieldType.FRAMENUM,
]);

export class Registry {
  readonly fields: readonly FieldInfo[];
  readonly columnProtocols: readonly ColumnProtocol[];
  private readonly byAbbrev: Map<string, FieldInfo[]>;

  constructor(text: string) {
    const fields: FieldInfo[] = [];
    const protos: ColumnProtocol[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      const parts = line.split('\t');
      if (parts[0] === 'F') {
        const [, abbrev, name, type, base, mask, blurb] = parts;
        fields.push({
          id: fields.length,
          abbrev: abbrev!,
          name: name!,
          type: Number(type) as FieldType,
          base: Number(base) as Base,
          mask: BigInt(mask!),
          blurb: blurb ?? '',
        });
      } else if (parts[0] === 'P') {
        protos.push({ id: protos.length, name: parts[1]!, field: Number(parts[2]), carries: (parts[3] ?? '').split(',').filter(Boolean).map(Number) });
      } else if (parts[0] === 'V') {
        const f = fields[Number(parts[1])];
        if (!f) continue;
        f.values ??= new Map();
        for (const entry of (parts[2] ?? '').split('|')) {
          const colon = entry.indexOf(':');
          if (colon <= 0) continue;
          f.values.set(BigInt(entry.slice(0, colon)), entry.slice(colon + 1));
        }
      }
    }
    this.fields = fields;
    this.columnProtocols = protos;
    this.byAbbrev = new Map();
    for (const f of fields) {
      const list = this.byAbbrev.get(f.abbrev);
      if (list) list.push(f);
      else this.byAbbrev.set(f.abbrev, [f]);
    }
  }

  /** The field with this abbreviation; undefined when unknown. */
  get(abbrev: string): FieldInfo | undefined {
    return this.byAbbrev.get(abbrev)?.[0];
  }

  /** Every field id declared under this abbreviation (one, unless a protocol reuses another's field). */
  ids(abbrev: string): number[] {
    return (this.byAbbrev.get(abbrev) ?? []).map((f) => f.id);
  }

  field(id: number): FieldInfo {
    const f = this.fields[id];
    if (!f) throw new RangeError(`no field with id ${id}`);
    return f;
  }

  /** Abbreviations declared more than once: must be empty (checked by the tests). */
  duplicates(): string[] {
    return [...this.byAbbrev.entries()].filter(([, list]) => list.length > 1).map(([a]) => a);
  }
}
