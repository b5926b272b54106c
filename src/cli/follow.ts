// `packetlens follow FILE -z follow,tcp,raw,N`: a TCP or UDP stream's data,
// printed as tshark -q -z follow,PROTO,MODE,N prints it.

import { openSync, closeSync } from 'node:fs';
import { loadEngine, readCaptureFile, readPacketBytes } from '../lib/engine/node';
import { followStreamSync, formatFollow, FOLLOW_MODES, type FollowMode, type StreamProtocol } from '../lib/stream';
import { UsageError, type ParsedArgs } from './args';
import { captureErrorLine } from './report';
import { BufferedWriter } from './output';

export interface FollowRequest {
  protocol: StreamProtocol;
  mode: FollowMode;
  stream: number;
}

/** Reads "follow,tcp,raw,3" (tshark's -z syntax, by stream index). */
export function parseFollowSpec(spec: string): FollowRequest {
  const [what, protocol, mode, stream, ...rest] = spec.split(',');
  if (what !== 'follow') throw new UsageError(`-z ${spec}: only follow,PROTO,MODE,STREAM is known`);
  if (protocol !== 'tcp' && protocol !== 'udp') throw new UsageError(`-z ${spec}: the protocol must be tcp or udp, not "${protocol ?? ''}"`);
  if (!FOLLOW_MODES.includes(mode as FollowMode)) throw new UsageError(`-z ${spec}: the mode must be one of ${FOLLOW_MODES.join(', ')}, not "${mode ?? ''}"`);
  if (stream === undefined || !/^\d+$/.test(stream) || rest.length) throw new UsageError(`-z ${spec}: the stream must be a stream index (tcp.stream or udp.stream), such as follow,${protocol},${mode},0`);
  return { protocol, mode: mode as FollowMode, stream: Number(stream) };
}

export async function follow(args: ParsedArgs): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new UsageError('a capture file is needed');
  if (args.stats.length === 0) throw new UsageError('follow needs -z follow,tcp|udp,raw|ascii|hex,STREAM');
  const requests = args.stats.map(parseFollowSpec);
  const engine = await loadEngine();
  const index = readCaptureFile(engine, file);
  const out = new BufferedWriter(process.stdout);
  const fd = openSync(file, 'r');
  try {
    const read = (p: number) => readPacketBytes(fd, index, p);
    // tshark prints the last -z first.
    for (const r of [...requests].reverse()) out.write(formatFollow(followStreamSync(engine, index, read, r.protocol, r.stream), r.mode));
  } finally {
    closeSync(fd);
  }
  await out.close();
  const error = captureErrorLine(file, index);
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}
