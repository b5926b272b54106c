// Privileges. Node cannot keep one capability while giving up root, and a
// process that has given up root cannot open another capture. So a bridge
// started as root runs itself again through util-linux's setpriv, as an
// unprivileged user that keeps CAP_NET_RAW and nothing else: enough to open
// packet sockets (captures, including later ones), not enough to read other
// users' files, change the network set-up, or bind ports below 1024. The root
// process only waits for it and passes signals on; it reads no input.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Set in the environment of the bridge that setpriv started. */
export const RELAUNCHED_ENV = 'PACKETLENS_BRIDGE_RELAUNCHED';

const CAP_NET_RAW = 13;

export interface UnprivilegedUser {
  uid: number;
  gid: number;
  /** How to name it to a person. */
  label: string;
}

/** The user who ran sudo (SUDO_UID, SUDO_GID), else nobody. */
export function unprivilegedUser(env: NodeJS.ProcessEnv = process.env): UnprivilegedUser {
  const sudoUid = Number(env.SUDO_UID);
  const sudoGid = Number(env.SUDO_GID);
  if (Number.isInteger(sudoUid) && sudoUid > 0 && Number.isInteger(sudoGid) && sudoGid > 0) {
    return { uid: sudoUid, gid: sudoGid, label: `${env.SUDO_USER ?? 'uid ' + sudoUid} (who ran sudo)` };
  }
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g'), label: 'nobody' };
}

/** setpriv's arguments that run a command as `user` with CAP_NET_RAW only. */
export function setprivArgs(user: UnprivilegedUser): string[] {
  const caps = '-all,+net_raw';
  return [
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--clear-groups',
    `--inh-caps=${caps}`,
    `--ambient-caps=${caps}`,
    `--bounding-set=${caps}`,
    '--no-new-privs',
    '--',
  ];
}

/**
 * Whether setpriv can run a program as `user` here, and `user` can read
 * `files` (the bridge's code); null when it can, else the reason. setpriv may
 * be missing, a container may forbid it, and a checkout in a private home
 * directory is unreadable to nobody.
 */
export function setprivWorks(user: UnprivilegedUser, files: string[]): string | null {
  const firstUnreadable = 'for f; do test -r "$f" || { echo "$f"; exit 3; }; done';
  try {
    execFileSync('setpriv', [...setprivArgs(user), 'sh', '-c', firstUnreadable, 'sh', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    return null;
  } catch (e) {
    const err = e as { code?: string; status?: number; stdout?: Buffer; stderr?: Buffer; message: string };
    if (err.code === 'ENOENT') return 'setpriv (util-linux) is not installed';
    if (err.status === 3) return `${user.label} cannot read ${err.stdout?.toString().trim()}`;
    return err.stderr?.toString().trim() || err.message;
  }
}

/** Whether this process may open captures: root, or CAP_NET_RAW in its effective set. */
export function canCapture(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return line !== null && ((BigInt('0x' + line[1]) >> BigInt(CAP_NET_RAW)) & 1n) === 1n;
  } catch {
    return false;
  }
}
