// packetlens expert FILE [--json] [-Y FILTER]: the expert findings of a
// capture, grouped by severity as tshark's "-z expert" groups them, each
// with the rule that raised it and the packets it concerns.

import { openSync, closeSync } from 'node:fs';
import { loadEngine, readCaptureFile, readPacketBytes } from '../lib/engine/node';
import { compileFilter } from '../lib/filter/compile';
import { runFilter } from '../lib/filter/evaluate';
import { expertFindings, SEVERITIES, type ExpertReport, type Finding, type Severity } from '../lib/expert';
import type { ParsedArgs } from './args';
import { UsageError } from './args';
import { captureErrorLine } from './report';
import { BufferedWriter } from './output';

const HEADINGS: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', note: 'Notes', chat: 'Chats' };
/** Frame numbers shown per finding in text output (--json lists up to the report's cap). */
const SHOWN_FRAMES = 20;

export async function expert(args: ParsedArgs): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new UsageError('a capture file is needed');
  const engine = await loadEngine();
  const filter = args.filter !== undefined ? compileFilter(args.filter, engine.registry) : null;
  const index = readCaptureFile(engine, file);
  const fd = openSync(file, 'r');
  let report: ExpertReport;
  try {
    const read = async (ids: number[]) => ids.map((i) => readPacketBytes(fd, index, i));
    const selection = filter ? (await runFilter(filter, index, engine, read)).matches : null;
    report = await expertFindings(index, engine, read, selection);
  } finally {
    closeSync(fd);
  }
  const out = new BufferedWriter(process.stdout);
  if (args.flags.has('json')) out.write(JSON.stringify({ file, ...(args.filter !== undefined ? { filter: args.filter } : {}), ...report }, null, 2) + '\n');
  else out.write(renderReport(report));
  await out.close();
  const error = captureErrorLine(file, index);
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}

export function renderReport(report: ExpertReport): string {
  const lines: string[] = [];
  for (const severity of SEVERITIES) {
    const list = report.findings.filter((f) => f.severity === severity);
    if (list.length === 0) continue;
    lines.push(`${HEADINGS[severity]} (${list.length})`, '='.repeat(HEADINGS[severity].length + String(list.length).length + 3));
    for (const f of list) lines.push(...renderFinding(f), '');
  }
  if (report.findings.length === 0) lines.push('No findings.', '');
  lines.push(`${report.packetsAnalysed} packets analysed, ${report.dissected} dissected, in ${Math.round(report.milliseconds)} ms.`);
  if (report.unavailableFields.length) lines.push(`Not available in this engine (nothing found for them): ${report.unavailableFields.join(', ')}.`);
  return lines.join('\n') + '\n';
}

function renderFinding(f: Finding): string[] {
  const frames = f.packets.slice(0, SHOWN_FRAMES).join(', ');
  const more = f.packetCount > SHOWN_FRAMES ? `, ... (${f.packetCount} in all)` : '';
  const lines = [`[${f.category}] ${f.protocol}: ${f.title}`, `    packets: ${frames}${more}`];
  for (const [name, value] of Object.entries(f.details)) {
    lines.push(`    ${name}: ${Array.isArray(value) ? value.join('; ') : value}`);
  }
  lines.push(`    rule: ${f.rule}`);
  return lines;
}
