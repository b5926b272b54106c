// `packetlens fields FILE -e FIELD ...`: tab-separated field values, one line
// per packet, matching tshark -T fields.

import { FieldExtractor } from '../lib/engine/fields';
import { evaluatePlan, type CompiledFilter } from '../lib/filter/compile';
import { NodeFields } from '../lib/filter/packet-fields';
import type { Engine, CaptureIndex } from '../lib/engine/engine';
import { readCaptureFile } from '../lib/engine/node';

export interface FieldsOptions {
  fields: string[];
  header: boolean;
  separator: string;
  /** Only packets this display filter matches are written. */
  filter?: CompiledFilter;
}

/** Separator names tshark accepts with -E separator=. */
export function separatorFrom(value: string | undefined): string {
  if (value === undefined || value === '/t') return '\t';
  if (value === '/s') return ' ';
  return value;
}

/**
 * Reads the file once, writing each packet's line as soon as it is
 * dissected (the packets before a damaged record are still written).
 */
export function writeFields(engine: Engine, file: string, opts: FieldsOptions, write: (s: string) => void): CaptureIndex {
  const extractor = new FieldExtractor(engine.registry, opts.fields);
  if (opts.header) write(opts.fields.join(opts.separator) + '\n');
  const sources = (s: number) => engine.sourceBytes(s);
  const filter = opts.filter;
  engine.onPacketTree((packet, raw, index) => {
    const comments = index.info.comments.get(packet);
    if (filter && !evaluatePlan(filter.plan, new NodeFields(filter.fieldIds, engine.registry, raw, sources, comments))) return;
    write(extractor.extract(raw, sources, comments ? { comments } : {}).join(opts.separator) + '\n');
  });
  try {
    return readCaptureFile(engine, file);
  } finally {
    engine.onPacketTree(null);
  }
}
