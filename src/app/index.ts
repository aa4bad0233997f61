/**
 * The steps `src/main.ts` composes, loaded only after the settings and DATA_DIR were checked:
 * importing them pulls in discord.js, the store drivers and the search index.
 */
export { runtime, openStore, type Runtime } from './runtime.ts';
export { services, commandContext, type Services } from './services.ts';
export { serving, prepare, startWork, closeAll, runConsoleMode, stopOnSignals, runWorker, runDiscord, type Running } from './front-ends.ts';
export { createMetrics } from '../metrics.ts';
