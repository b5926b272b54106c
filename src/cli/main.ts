// The packetlens command line: the same engine as the browser app, on files.

import { openSync, closeSync } from 'node:fs';
import { loadEngine, readCaptureFile, readPacketBytes } from '../lib/engine/node';
import { compileFilter } from '../lib/filter/compile';
import { FilterError } from '../lib/filter/errors';
import { runFilter } from '../lib/filter/evaluate';
import { UnknownFieldsError } from '../lib/engine/fields';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { captureErrorLine } from './report';
import { summarise, renderSummary } from './info';
import { writeFields, separatorFrom } from './fields';
import { BufferedWriter } from './output';
import { follow } from './follow';
import { exportCommand } from './export';
import { expert } from './expert';
import { namesCommand } from './names';
import { stats } from './stats';

const USAGE = `usage: packetlens <command> FILE [options]

commands:
  info FILE [--json]                          what the capture holds (like capinfos)
  fields FILE -e FIELD [-e FIELD ...]         field values, tab-separated (like tshark -T fields)
         [-E header=y] [-E separator=/t|/s|C] [-Y FILTER]
  count FILE [-Y FILTER]                      how many packets (the display filter) matches
  fieldnames [PREFIX]                         the fields the engine knows, with their meaning
  follow FILE -z follow,tcp|udp,raw|ascii|hex,STREAM
                                              a stream's data in order (like tshark -q -z follow)
  export FILE --pcapng OUT [-Y FILTER]        the packets (that the filter selects) as pcapng, with comments
  export FILE --parquet DIR [-Y FILTER]       DIR/packets.parquet and DIR/flows.parquet (--info adds Info)
  expert FILE [--json] [-Y FILTER]            expert findings: malformed packets, TCP analysis, attacks (like tshark -z expert)
  names FILE [--json] [--no-capture-names]    each address with its name, vendor, country, AS
  stats FILE -z NAME[,FILTER] [-z ...] [--json] [-Y FILTER]
                                              statistics, named as tshark -z names them: conv,eth conv,ip
                                              conv,ipv6 conv,tcp conv,udp endpoints,ip (eth ipv6 tcp udp)
                                              io,phs plen summary dns tls http

Exit status: 0 when the whole file was read; 2 when it is damaged or not a
capture (every packet before the damage is still reported); 1 for usage errors.
`;

export async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv.slice(1));
  } catch (e) {
    process.stderr.write(`packetlens: ${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  const command = argv[0];
  try {
    switch (command) {
      case 'info':
        return await info(args);
      case 'fields':
        return await fields(args);
      case 'fieldnames':
        return await fieldNames(args);
      case 'count':
        return await count(args);
      case 'follow':
        return await follow(args);
      case 'expert':
        return await expert(args);
      case 'names':
        return await namesCommand(await loadEngine(), fileArg(args), args.flags);
      case 'export':
        return await exportCommand(args);
      case 'stats':
        return await stats(args);
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof FilterError) {
      process.stderr.write(`packetlens: ${e.explain(args.filter ?? '')}\n`);
      return 4;
    }
    if (e instanceof UsageError || e instanceof UnknownFieldsError) {
      process.stderr.write(`packetlens: ${e.message}\n`);
      if (e instanceof UsageError) process.stderr.write(USAGE);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') {
      process.stderr.write(`packetlens: ${err.path ?? ''}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : 'permission denied'}\n`);
      return 2;
    }
    throw e;
  }
}

function fileArg(args: ParsedArgs): string {
  const file = args.positional[0];
  if (!file) throw new UsageError('a capture file is needed');
  return file;
}

async function info(args: ParsedArgs): Promise<number> {
  const file = fileArg(args);
  const engine = await loadEngine();
  const index = readCaptureFile(engine, file);
  const summary = summarise(file, index);
  const error = captureErrorLine(file, index);
  if (error) summary.error = error.replace(/^packetlens: /, '');
  process.stdout.write(args.flags.has('json') ? JSON.stringify(summary, null, 2) + '\n' : renderSummary(summary));
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}

async function fields(args: ParsedArgs): Promise<number> {
  const file = fileArg(args);
  if (args.fields.length === 0) throw new UsageError('fields needs at least one -e FIELD');
  const engine = await loadEngine();
  const filter = args.filter !== undefined ? compileFilter(args.filter, engine.registry) : undefined;
  const out = new BufferedWriter(process.stdout);
  const index = writeFields(
    engine,
    file,
    { fields: args.fields, header: args.options.get('header') === 'y', separator: separatorFrom(args.options.get('separator')), ...(filter ? { filter } : {}) },
    (s) => out.write(s),
  );
  await out.close();
  const error = captureErrorLine(file, index);
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}

async function count(args: ParsedArgs): Promise<number> {
  const file = fileArg(args);
  const engine = await loadEngine();
  const filter = args.filter !== undefined ? compileFilter(args.filter, engine.registry) : null;
  const index = readCaptureFile(engine, file);
  let n = index.packetCount;
  if (filter) {
    const fd = openSync(file, 'r');
    try {
      n = (await runFilter(filter, index, engine, async (ids) => ids.map((i) => readPacketBytes(fd, index, i)))).count;
    } finally {
      closeSync(fd);
    }
  }
  process.stdout.write(`${n}\n`);
  const error = captureErrorLine(file, index);
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}

async function fieldNames(args: ParsedArgs): Promise<number> {
  const engine = await loadEngine();
  const prefix = args.positional[0] ?? '';
  const out = new BufferedWriter(process.stdout);
  for (const f of engine.registry.fields) {
    if (f.abbrev.startsWith(prefix)) out.write(`${f.abbrev}\t${f.name}\t${f.blurb}\n`);
  }
  await out.close();
  return 0;
}
