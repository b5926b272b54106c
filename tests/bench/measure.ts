// Running a command and measuring its wall time and peak memory.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Run {
  seconds: number;
  maxRssBytes: number | null;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command with its output discarded or captured; peak RSS from GNU time when present. */
export function run(cmd: string, args: string[], opts: { capture?: boolean } = {}): Run {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? ['-f', '@@%e %M', cmd, ...args] : args;
  const start = performance.now();
  const r = spawnSync(useTime ? GNU_TIME : cmd, argv, {
    encoding: 'utf8',
    stdio: ['ignore', opts.capture ? 'pipe' : 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
    env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' },
  });
  const seconds = (performance.now() - start) / 1000;
  let maxRssBytes: number | null = null;
  const m = /@@([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (m) maxRssBytes = Number(m[2]) * 1024;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr ?? '').slice(0, 500)}`);
  return { seconds, maxRssBytes, stdout: r.stdout ?? '' };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function mb(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 1e6).toFixed(0)} MB`;
}
