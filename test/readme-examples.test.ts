import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandList } from '../commands/index.ts';
import { parseCommandLine } from '../src/console/parse.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { ROOT, tempDataDir } from './helpers/bot-process.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * README's examples, run (issue 24): every command README shows that the console can run is piped
 * through the real bot (src/main.ts, console mode, the seeds) and its reply checked — never an
 * error, and where README shows the reply, its first line. Found generically, so a rewritten
 * README is covered as it stands:
 *
 * - fenced blocks of commands (`/search …` lines; an annotation after two spaces dropped); commands piped in a block's `printf '…' | npm start`, whose other lines are the
 *   output README promises;
 * - inline code spans that are a whole command line (`/source list`, `/digest subscribe …`);
 *   spans with placeholders (`<id>`, `[source]`, `…`) or that do not parse (prose naming a
 *   command) are not runnable and are skipped.
 *
 * The world README's examples assume is laid out locally: its example site
 * (https://www.example-news.org/) is served by the feed server as a page linking to the "Desk
 * Wire" feed, and ids README can only make up — a digest's, an alert's — stand for the ids the bot
 * gave the digest and delivery made by earlier examples.
 */
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const COMMANDS = commandList();
const find = (name: string) => COMMANDS.find((c) => c.definition.name === name)?.definition;
const NOW = '2026-12-07T12:00:00Z';
const EXAMPLE_SITE = 'https://www.example-news.org/';

interface Example {
  line: string;
  /** The first line of the reply README shows for it, when it shows one. */
  reply?: string;
  /** Output lines README shows for a piped run. */
  output?: string[];
}

function runnable(line: string): boolean {
  if (/[<>[\]…]/.test(line.replace(/<#\d+>|<@&?\d+>/g, ''))) return false;
  try {
    parseCommandLine(line, find);
    return true;
  } catch {
    return false;
  }
}

function examples(): Example[] {
  const out: Example[] = [];
  const lines = README.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      // The first line of a blockquote right after the block is the reply README shows.
      let j = i + 1;
      while (j < lines.length && lines[j]!.trim() === '') j++;
      const shown = lines[j]?.startsWith('> ') ? lines[j]!.slice(2).trim() : undefined;
      const piped = body.map((l) => /printf '([^']*)' \| npm start/.exec(l)?.[1]).find(Boolean);
      if (piped) {
        const output = body.slice(1).filter((l) => l.trim() && l.trim() !== '…');
        piped.split('\\n').filter(Boolean).forEach((l, n) => out.push({ line: l, ...(n === 0 ? { output } : {}) }));
        continue;
      }
      // A command block: every line a command (a diagram or a sample post is not one).
      if (!body.every((l) => !l.trim() || l.startsWith('/'))) continue;
      const commands = body.map((l) => l.replace(/\s{2,}\S.*$/, '').trim()).filter((l) => l.startsWith('/') && runnable(l));
      commands.forEach((l) => out.push({ line: l, ...(commands.length === 1 && shown ? { reply: shown } : {}) }));
      continue;
    }
    for (const m of lines[i]!.matchAll(/`(\/[a-z]+(?: [^`]*)?)`/g)) {
      const l = m[1]!.trim();
      if (runnable(l) && !out.some((e) => e.line === l)) out.push({ line: l });
    }
  }
  return out;
}

/** Whether the answer holds README's line, an ellipsis in it standing for any text. */
function shows(answer: string, readme: string): boolean {
  let at = 0;
  for (const part of readme.split('…').map((p) => p.trim()).filter(Boolean)) {
    const found = answer.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return true;
}

/** A reply that reports a failure: never what a README example should get. */
const FAILED = /Something went wrong|Unknown command|^No (source|article|alert|digest|story|subscription)\b|needs \w+: — e\.g\.|is not a date I understand|must be one of|takes no options|is given twice|is empty\.|cannot be used|not a feed|could not be|blocked:|is already a source/m;

let feeds: FeedServer;
const DESK = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk Wire</title><link>${EXAMPLE_SITE}</link>
<item><title>Troops gather at Wonsan</title><link>https://deskwire.example/wonsan</link><guid>desk-1</guid><author>jane@deskwire.example (Jane Q. Doe)</author><pubDate>Mon, 07 Dec 2026 09:00:00 GMT</pubDate><description>Troops gathered at Wonsan on Monday, two witnesses said. The weather was calm.</description></item>
<item><title>Rice prices climb in Hyesan</title><link>https://deskwire.example/hyesan</link><guid>desk-2</guid><pubDate>Mon, 07 Dec 2026 08:00:00 GMT</pubDate><description>Rice prices climbed again in Hyesan markets, traders said.</description></item>
<item><title>Weather warning for Wonsan coast</title><link>https://deskwire.example/weather</link><guid>desk-3</guid><pubDate>Mon, 07 Dec 2026 07:00:00 GMT</pubDate><description>Forecasters warned of storms along the Wonsan coast.</description></item>
</channel></rss>`;

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/', { body: `<!DOCTYPE html><html><head><title>Desk Wire</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><h1>Desk Wire</h1></body></html>`, type: 'text/html' });
  feeds.route('/feed.xml', { body: DESK, type: 'application/rss+xml' });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe("README's examples", () => {
  const all = examples();

  it('finds the examples: the console, search, quote, source, digest and alert sections', () => {
    const names = new Set(all.map((e) => e.line.split(/\s/)[0]));
    for (const c of ['/search', '/quote', '/article', '/stats', '/help', '/source', '/digest', '/alert', '/changes']) expect(names, c).toContain(c);
    expect(all.length).toBeGreaterThan(25);
  });

  it('runs every one through the real bot: no error, and the reply README shows', async () => {
    const local = (l: string) => l.replaceAll(EXAMPLE_SITE, `${feeds.url}/`);
    // Removals last (they would take away what the others show); commands naming a digest or an
    // alert by a made-up id after the ones that make them, with the ids the bot gave.
    const removes = (e: Example) => /^\/(source remove|digest unsubscribe|alert remove)\b/.test(e.line);
    const byMadeUpId = (e: Example) => /^\/(digest|alert) \w+ id:/.test(e.line);
    const first = all.filter((e) => !removes(e) && !byMadeUpId(e));
    const later = [...all.filter((e) => !removes(e) && byMadeUpId(e)), ...all.filter(removes)];
    const dataDir = tempDataDir();
    try {
      const opts = (minutes: number) => ({ now: new Date(Date.parse(NOW) + minutes * 60_000).toISOString(), env: { ALLOW_PRIVATE_SOURCES: 'true' }, dataDir });
      const one = await runConsoleLines(first.map((e) => local(e.line)), opts(0));
      // Each made-up id stands for a different one the bot gave, in the order they were made
      // (deliveries first: README's alert ids are a delivery's, which /alert resume is for).
      const made = { digest: [...one.stdout.matchAll(/Digest `(\w+)` subscribed/g)].map((m) => m[1]!), alert: [...one.stdout.matchAll(/Delivery `(\w+)` saved/g), ...one.stdout.matchAll(/Alert `(\w+)` saved: new articles/g)].map((m) => m[1]!) };
      const standsFor = new Map<string, string>();
      const withIds = (l: string) =>
        local(l).replace(/^\/(digest|alert) (\w+) id:(\S+)/, (all, kind: 'digest' | 'alert', sub: string, madeUp: string) => {
          if (!standsFor.has(`${kind}:${madeUp}`)) standsFor.set(`${kind}:${madeUp}`, made[kind][[...standsFor.keys()].filter((k) => k.startsWith(kind)).length] ?? 'none-made');
          return `/${kind} ${sub} id:${standsFor.get(`${kind}:${madeUp}`)}`;
        });
      const two = await runConsoleLines(later.map((e) => withIds(e.line)), opts(1));
      const answers = [...one.answers, ...two.answers];
      const ran = [...first, ...later];
      expect(answers).toHaveLength(ran.length);
      const problems: string[] = [];
      ran.forEach((e, i) => {
        const answer = answers[i]!;
        if (!answer.trim()) problems.push(`${e.line}\n  no reply`);
        else if (FAILED.test(answer)) problems.push(`${e.line}\n  ${answer.trim().split('\n').slice(0, 3).join('\n  ')}`);
        if (e.reply && !shows(answer, e.reply)) problems.push(`${e.line}\n  README shows: ${e.reply}\n  the bot says: ${answer.trim().split('\n').slice(0, 2).join(' / ')}`);
        for (const want of e.output ?? []) if (!one.stdout.includes(want.trim())) problems.push(`${e.line}\n  README's output line is not printed: ${want}`);
      });
      expect(problems.join('\n\n')).toBe('');
      expect(one.code).toBe(0);
      expect(two.code).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
