import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A worker's entry is TypeScript and the project has no build step, so each worker first
 * registers tsx and then imports the entry. Doing it here, not through execArgv (`--import tsx`
 * does not reach a worker's entry module on Node 20), works the same under `tsx`, plain `node
 * --import tsx` and vitest.
 */
export const TS_WORKER_BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.tsxApi)
  .then((api) => { api.register(); return import(workerData.entry); })
  .catch((err) => parentPort.postMessage({ bootError: String((err && err.message) || err) }));
`;

/** Where tsx's ESM API is, for TS_WORKER_BOOTSTRAP's `workerData.tsxApi`. */
export function tsxApiUrl(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    // Runners without import.meta.resolve: find the ESM build through the package's exports map.
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = require(pkgPath) as { exports: Record<string, { import?: { default?: string } }> };
    const rel = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
    return pathToFileURL(path.join(path.dirname(pkgPath), rel)).href;
  }
}
