/**
 * Every feed-delivery scenario of test/deliver-e2e.test.ts with the bot on PostgreSQL: the same
 * deliveries, notices, bursts and crash recovery through the real entry point, with DATABASE_URL
 * set to a fresh database on a real server (embedded, or TEST_DATABASE_URL's).
 */
(globalThis as { newsdeskE2EStore?: string }).newsdeskE2EStore = 'postgres';
await import('./deliver-e2e.test.ts');
