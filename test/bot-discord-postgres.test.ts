/**
 * The main end-to-end flow (test/bot-discord.test.ts) with the bot on PostgreSQL: the same
 * commands, replies and background work through the real entry point, with DATABASE_URL set to a
 * fresh database on a real server (embedded, or TEST_DATABASE_URL's).
 */
(globalThis as { newsdeskE2EStore?: string }).newsdeskE2EStore = 'postgres';
await import('./bot-discord.test.ts');
