import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Node's arguments that run a TypeScript file through tsx, wherever the caller runs (tsx, vitest). */
export function typeScriptArgs(script: string): string[] {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(tsx).href, script];
}
