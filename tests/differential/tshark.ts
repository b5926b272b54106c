// Running tshark beside the engine on the same capture, for differential
// tests of fields beyond the corpus's stored reference output.

import { execFileSync } from 'node:child_process';
import type { Engine } from '../../src/lib/engine/engine';
import { writeFields } from '../../src/cli/fields';

export function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** tshark -T fields output for these fields, one array of cells per packet. */
export function tsharkFields(file: string, fields: readonly string[], filter?: string): string[][] {
  const args = ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t'];
  if (filter) args.push('-Y', filter);
  for (const f of fields) args.push('-e', f);
  let out: string;
  try {
    out = execFileSync('tshark', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  } catch (e) {
    // tshark exits 2 on damaged files after printing what it could read.
    out = ((e as { stdout?: string }).stdout ?? '').toString();
  }
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

/** The engine's output for the same fields. */
export function engineFields(engine: Engine, file: string, fields: readonly string[]): string[][] {
  let text = '';
  writeFields(engine, file, { fields: [...fields], header: false, separator: '\t' }, (s) => (text += s));
  return text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

/** Cell-by-cell differences, as readable lines (empty when they agree). */
export function compareFields(engine: Engine, file: string, fields: readonly string[]): string[] {
  const want = tsharkFields(file, fields);
  const got = engineFields(engine, file, fields);
  const out: string[] = [];
  if (want.length !== got.length) out.push(`packet count: got ${got.length}, tshark ${want.length}`);
  for (let r = 0; r < Math.min(want.length, got.length); r++) {
    fields.forEach((f, c) => {
      const w = want[r]![c] ?? '';
      const g = got[r]![c] ?? '';
      if (w !== g) out.push(`frame ${r + 1} ${f}: got "${g}", tshark "${w}"`);
    });
  }
  return out;
}
