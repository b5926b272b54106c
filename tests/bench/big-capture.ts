// The benchmark's large capture: generated once by ../shared/gen and cached
// outside the repository (PACKETLENS_CACHE, or ~/.cache/packetlens).

import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GENERATOR = resolve(fileURLToPath(new URL('../../../shared/gen/gen_big_pcap.py', import.meta.url)));

export function cacheDir(): string {
  const dir = process.env.PACKETLENS_CACHE ?? join(homedir(), '.cache', 'packetlens');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Path of the capture of `count` packets, generating it on first use. */
export function bigCapture(count = 1_000_000): string {
  const path = join(cacheDir(), count === 1_000_000 ? 'big.pcap' : `big-${count}.pcap`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  process.stderr.write(`bench: generating ${count} packets with ${GENERATOR} (once; cached at ${path})\n`);
  const tmp = `${path}.tmp`;
  execFileSync('python3', [GENERATOR, '-o', tmp, '-n', String(count)], { stdio: ['ignore', 'ignore', 'inherit'] });
  renameSync(tmp, path);
  return path;
}
