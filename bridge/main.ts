// The live-capture bridge: `sudo npm run bridge -- [options]` (see args.ts).
// Prints the one link to open, then serves the page until SIGINT or SIGTERM.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseBridgeArgs, USAGE, type BridgeArgs } from './args';
import { defaultInterface, listInterfaces } from './libpcap';
import { typeScriptArgs } from './node-args';
import { canCapture, RELAUNCHED_ENV, setprivArgs, setprivWorks, unprivilegedUser, type UnprivilegedUser } from './privileges';
import { startBridge, STOPPED_BY_SIGNAL } from './server';

const say = (m: string): void => {
  process.stderr.write(`packetlens bridge: ${m}\n`);
};

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Files the bridge needs to read to start: its own code, tsx and the libpcap binding. */
function codeFiles(): string[] {
  const require = createRequire(import.meta.url);
  return [fileURLToPath(import.meta.url), require.resolve('tsx'), require.resolve('cap'), require.resolve('ws')];
}

/** Runs this program again as `user` with CAP_NET_RAW only; this root process just waits for it. */
function relaunch(user: UnprivilegedUser, argv: string[]): void {
  const main = fileURLToPath(import.meta.url);
  const child = spawn('setpriv', [...setprivArgs(user), process.execPath, ...typeScriptArgs(main), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED_ENV]: user.label },
  });
  for (const signal of SIGNALS) process.on(signal, () => child.kill(signal));
  child.on('error', (e) => {
    say(`could not run setpriv: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function serve(args: BridgeArgs, dropTo: UnprivilegedUser | null, who: string): Promise<void> {
  let offered: string | null;
  try {
    offered = args.interface ?? defaultInterface();
    if (args.interface !== null && !listInterfaces().some((d) => d.name === args.interface)) {
      say(`libpcap lists no interface named "${args.interface}"; the page offers it anyway`);
    }
  } catch (e) {
    say((e as Error).message);
    process.exit(1);
  }
  if (args.listenAny) {
    say('--listen-any: listening on every address. Anyone who can reach this port and has the token can capture on this machine; the Origin check stops browsers, not other programs.');
  }
  const token = randomBytes(32).toString('hex');
  const bridge = await startBridge({
    port: args.port,
    token,
    app: args.app,
    origins: args.origins,
    listenAny: args.listenAny,
    interface: offered,
    filter: args.filter,
    snaplen: args.snaplen,
    dropTo: dropTo ? { uid: dropTo.uid, gid: dropTo.gid } : null,
    warn: say,
  }).catch((e: Error) => {
    say(e.message);
    process.exit(1);
  });

  process.stdout.write(`${args.app}/live?bridge=ws://127.0.0.1:${bridge.port}&token=${token}\n`);
  say(`listening on ${bridge.addresses.join(' and ')}, ${who}. Open the link above; Ctrl+C stops the bridge.`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void bridge.close(STOPPED_BY_SIGNAL).then(() => process.exit(0));
  };
  for (const signal of SIGNALS) process.on(signal, stop);
}

function main(argv: string[]): void {
  let args: BridgeArgs;
  try {
    args = parseBridgeArgs(argv);
  } catch (e) {
    say(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const relaunchedAs = process.env[RELAUNCHED_ENV];
  if (relaunchedAs) {
    void serve(args, null, `as ${relaunchedAs} with CAP_NET_RAW only`);
    return;
  }
  if (process.getuid?.() === 0) {
    const user = unprivilegedUser();
    const problem = setprivWorks(user, codeFiles());
    if (problem === null) {
      relaunch(user, argv);
      return;
    }
    say(`could not give up root (${problem}): the bridge runs as root, and each capture process becomes ${user.label} once its device is open`);
    void serve(args, user, 'as root');
    return;
  }
  if (!canCapture()) say('this process is neither root nor has CAP_NET_RAW: captures will fail (run it with sudo)');
  void serve(args, null, `as uid ${process.getuid?.()}`);
}

main(process.argv.slice(2));
