// A small parser for tshark-style options: repeated -e, -E key=value, -Y,
// -z, and --long flags.

export interface ParsedArgs {
  positional: string[];
  fields: string[];
  options: Map<string, string>;
  filter?: string;
  stats: string[];
  flags: Set<string>;
}

export class UsageError extends Error {}

const TAKES_VALUE = new Set(['-e', '-E', '-Y', '-z', '--chunk', '--parquet', '--pcapng']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], fields: [], options: new Map(), stats: [], flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (TAKES_VALUE.has(a)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      if (a === '-e') out.fields.push(v);
      else if (a === '-E') {
        const eq = v.indexOf('=');
        if (eq < 0) throw new UsageError(`-E expects key=value, got "${v}"`);
        out.options.set(v.slice(0, eq), v.slice(eq + 1));
      } else if (a === '-Y') out.filter = v;
      else if (a === '-z') out.stats.push(v);
      else out.options.set(a.replace(/^--/, ''), v);
    } else if (a.startsWith('--')) out.flags.add(a.slice(2));
    else if (a.startsWith('-') && a.length > 1) throw new UsageError(`unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}
