import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startBot, tempDataDir, BOT_START_MS } from './helpers/bot-process.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function runConsole(input: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const bot = startBot({}, { stdin: input, dataDir });
  const { code } = await bot.exited;
  return { stdout: bot.stdout(), stderr: bot.stderr(), code };
}

describe('local console (piped stdin, real entry point)', () => {
  it('answers /search and /quote from the seeds and exits 0 at end of input', async () => {
    const { stdout, code, stderr } = await runConsole('/search troops\n/quote rumor\n/quote query:defectors speaker:Kim Yo Jong\n');
    expect(stderr).not.toMatch(/"level":(50|60)/);
    expect(code).toBe(0);
    const [search, quote, bySpeaker] = stdout.split(/\n(?=\*\*\d+\*\* quotation)/);
    // Ranked results with bold-marked, quoted excerpts.
    expect(search).toMatch(/^\*\*\d+\*\* results? for \*\*troops\*\* — showing 1–\d, page 1\/\d/m);
    expect(search).toMatch(/^## 1\. /m);
    expect(search).toMatch(/^> .*\*\*troops?\*\*/im);
    expect(search).toContain('Buttons: [1] Read 1  [2] Read 2  [3] Read 3  [4] Read 4  [5] Cite 1  [6] Cite 2  [7] Cite 3  [8] Cite 4  — type /press <number>');
    // Quotes with their resolved speakers and the outlet they talked to; never a bare "he said".
    expect(quote).toMatch(/^> “.*\*\*rumou?rs?\*\*/im);
    expect(quote).toMatch(/^— a university student in Ryanggang province \(told RFA Korean\)$/m);
    expect(quote).toMatch(/^— a military source \(told Daily NK\)$/m);
    expect(quote).not.toMatch(/^— (he|she|they|the source) (said|says|added|revealed)/m);
    // Everything Kim Yo Jong said about defectors, in one command.
    expect(bySpeaker).toMatch(/^\*\*\d+\*\* quotations? matching \*\*defectors\*\* said by \*\*Kim Yo Jong\*\*$/m);
    expect(bySpeaker).toMatch(/^— Kim Yo Jong(’s order)?$/m);
    expect(bySpeaker).not.toMatch(/^— (?!Kim Yo Jong|id )/m);
  }, BOT_START_MS);

  it('saves /search export:true attachments under DATA_DIR/exports and prints their paths', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const bot = startBot({}, { stdin: '/search query:troops export:true\n', dataDir });
    expect((await bot.exited).code).toBe(0);
    const saved = [...bot.stdout().matchAll(/^📎 (search-results\.(?:csv|md)) saved to (.+)$/gm)].map((m) => [m[1], m[2]!]);
    expect(saved.map(([name]) => name)).toEqual(['search-results.csv', 'search-results.md']);
    for (const [, file] of saved) expect(file!.startsWith(`${dataDir}/exports/`)).toBe(true);
    const csv = fs.readFileSync(saved[0]![1]!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('\uFEFFtitle,outlet,date,url,excerpt');
    expect(csv.filter(Boolean)).toHaveLength(5); // header + the four seed articles about troops
  }, BOT_START_MS);

  it('saves a /trend chart under DATA_DIR/exports and prints its path and the summary', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const bot = startBot({}, { stdin: '/trend query:troops\n', dataDir });
    expect((await bot.exited).code).toBe(0);
    const out = bot.stdout();
    // The seeds have no publication dates: charted on the day they were first seen (one day, four
    // articles from two outlets), and the summary says so instead of passing it off as a date.
    expect(out).toMatch(/^\*\*4\*\* articles match \*\*troops\*\* — daily, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, whole archive$/m);
    expect(out).toMatch(/^First: Daily NK \(undated, first seen \d{4}-\d\d-\d\d\) · peak day \d{4}-\d\d-\d\d \(4 articles\) · 2 outlets$/m);
    expect(out).toMatch(/^First report: .+ — Daily NK \(undated, first seen \d{4}-\d\d-\d\d\) \(`[0-9a-f]{12}`\)$/m);
    const file = /^📎 trend\.png saved to (.+)$/m.exec(out)?.[1];
    expect(file?.startsWith(`${dataDir}/exports/`)).toBe(true);
    const png = fs.readFileSync(file!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  }, 60_000);

  it('accepts the option syntax, explains bad input and unknown commands, and keeps going', async () => {
    const { stdout, code } = await runConsole(
      [
        '/search query:"human trash"',
        '/search troops since:2024-13-45',
        '/frobnicate',
        '/search',
        '/article id:doesnotexist',
        '/stats',
        '/help',
      ].join('\n') + '\n',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/\*\*1\*\* result for \*\*"human trash"\*\*/);
    expect(stdout).toContain('since "2024-13-45" is not a date I understand: there is no month 13.');
    expect(stdout).toContain('Unknown command /frobnicate. Type /help for the list.');
    expect(stdout).toContain('/search needs query: — e.g. /search query:troops since:2024-01-01');
    expect(stdout).toContain('No article with id "doesnotexist".');
    expect(stdout).toMatch(/\*\*Articles:\*\* 5\b/);
    expect(stdout).toContain('Newsdesk commands');
  }, BOT_START_MS);
});
