/**
 * `npm run relevance-score [-- --no-expansion] [--split tune|heldout] [--verbose] [--tiers split,archive,hot]`
 *
 * Scores /search on the labelled dev set (test/data/relevance-dev.json) over the real-article
 * corpus (bench/relevance-corpus.ts): top-1, top-3 and MRR@5 per query kind, for the tuning and
 * the held-out half, before (query expansion off) and after (on). Every query goes through
 * `Newsroom.search`, the bot's code path, with the corpus split across both tiers; the same
 * queries are run with every article in the archive tier and with every article hot, and the
 * script reports the queries whose first page differs between those layouts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Newsroom, SearchResults } from '../src/core/newsroom/index.ts';
import { tokenize } from '../src/core/text/tokenize.ts';
import { corpusStore, GUILD, type CorpusStore } from './relevance-corpus.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
export const DEV_SET = path.join(ROOT, 'test/data/relevance-dev.json');

export interface DevQuery {
  id: string;
  kind: string;
  query: string;
  target: string;
  relevant: string[];
  split: 'tune' | 'heldout';
  writtenFrom?: string;
}

export function loadDevSet(file = DEV_SET): DevQuery[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { queries: DevQuery[] }).queries;
}

export interface QueryOutcome {
  query: DevQuery;
  /** 1-based rank of the first relevant card within the first five, or null. */
  rank: number | null;
  /** The origins of the cards shown, in order. */
  shown: string[];
  results: SearchResults | null;
  error?: string;
}

/**
 * Ranks of the dev set's queries on one newsroom. A card counts as relevant when its article is
 * relevant, or when a relevant article is a report of the story the card stands for (cards are
 * one per story), or has the same title and body as a relevant one.
 */
export async function runQueries(corpus: CorpusStore, newsroom: Newsroom, queries: DevQuery[]): Promise<QueryOutcome[]> {
  const sameText = new Map<string, string[]>();
  for (const { origin, article } of corpus.articles) {
    const key = `${article.title}\n${article.body.join('\n')}`;
    const list = sameText.get(key) ?? [];
    list.push(origin);
    sameText.set(key, list);
  }
  const copies = new Map<string, string[]>();
  for (const list of sameText.values()) for (const o of list) copies.set(o, list);
  const out: QueryOutcome[] = [];
  for (const q of queries) {
    const relevant = new Set(q.relevant.flatMap((o) => copies.get(o) ?? [o]));
    const relevantStories = new Set([...relevant].map((o) => newsroom.stories.storyOf(corpus.idOf.get(o) ?? '')).filter((s): s is string => !!s));
    let results: SearchResults | null = null;
    let error: string | undefined;
    try {
      results = await newsroom.search({ guildId: GUILD }, { query: q.query });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const shown = (results?.items ?? []).map((i) => corpus.originOf.get(i.article.id) ?? i.article.id);
    let rank: number | null = null;
    for (const [i, item] of (results?.items ?? []).entries()) {
      const origin = shown[i]!;
      const story = newsroom.stories.storyOf(item.article.id);
      if (relevant.has(origin) || (story && relevantStories.has(story))) {
        rank = i + 1;
        break;
      }
    }
    out.push({ query: q, rank, shown, results, ...(error ? { error } : {}) });
  }
  return out;
}

export interface Scores {
  n: number;
  top1: number;
  top3: number;
  mrr5: number;
}

export function score(outcomes: QueryOutcome[]): Scores {
  const n = outcomes.length;
  const top1 = outcomes.filter((o) => o.rank === 1).length;
  const top3 = outcomes.filter((o) => o.rank !== null && o.rank <= 3).length;
  const mrr = outcomes.reduce((s, o) => s + (o.rank !== null && o.rank <= 5 ? 1 / o.rank : 0), 0);
  return { n, top1: n ? top1 / n : 0, top3: n ? top3 / n : 0, mrr5: n ? mrr / n : 0 };
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

/** Share of a query's content words that occur in its target article (how much of a paraphrase is the article's own words). */
function overlap(corpus: CorpusStore, q: DevQuery): number {
  const a = corpus.articles.find((x) => x.origin === q.target)?.article;
  if (!a) return NaN;
  const words = new Set(tokenize(`${a.title}\n${a.body.join('\n')}`));
  const STOP = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'on', 'and', 'or', 'for', 'is', 'are', 'was', 'were', 'by', 'at', 'with', 'from', 'as', 'that', 'this', 'it', 'be']);
  const terms = tokenize(q.query).filter((t) => !STOP.has(t));
  return terms.length ? terms.filter((t) => words.has(t)).length / terms.length : NaN;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => args.includes(name);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const onlyBefore = flag('--no-expansion');
  const onlyAfter = flag('--after-only');
  // Global weight overrides for experiments, e.g. --weights '{"coordination":2}' (never per query).
  const weights = option('--weights') ? (JSON.parse(option('--weights')!) as Record<string, number>) : undefined;
  const verbose = flag('--verbose');
  const splitFilter = option('--split');
  const layouts = (option('--tiers') ?? 'split,archive,hot').split(',') as Array<'split' | 'archive' | 'hot'>;
  const all = loadDevSet().filter((q) => !splitFilter || q.split === splitFilter);
  const started = performance.now();
  const modes: Array<{ name: 'before' | 'after'; expansion: boolean }> = onlyBefore
    ? [{ name: 'before', expansion: false }]
    : onlyAfter
      ? [{ name: 'after', expansion: true }]
      : [{ name: 'before', expansion: false }, { name: 'after', expansion: true }];
  const runs = new Map<string, QueryOutcome[]>();
  let main: CorpusStore | null = null;
  for (const tiers of layouts) {
    const corpus = await corpusStore({ tiers });
    if (!main) main = corpus;
    for (const mode of modes) {
      const newsroom = await corpus.newsroom({ expansion: mode.expansion, ...(weights ? { relevanceWeights: weights } : {}) });
      runs.set(`${tiers}/${mode.name}`, await runQueries(corpus, newsroom, all));
    }
    if (corpus !== main) corpus.close();
  }
  const corpus = main!;
  console.log(`relevance dev set: ${all.length} queries over ${corpus.articles.length} articles (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const kinds = [...new Set(all.map((q) => q.kind))];
  const primary = layouts[0]!;
  for (const split of ['tune', 'heldout'] as const) {
    if (splitFilter && split !== splitFilter) continue;
    console.log(`\n${split === 'tune' ? 'Tuning half' : 'Held-out half'} (${primary} tiers)`);
    console.log(`| kind | n | ${modes.map((m) => `${m.name} top-1 | ${m.name} top-3 | ${m.name} MRR@5`).join(' | ')} |`);
    console.log(`| --- | ---: | ${modes.map(() => '---: | ---: | ---:').join(' | ')} |`);
    for (const kind of [...kinds, 'all']) {
      const cols = modes.map((m) => {
        const o = runs.get(`${primary}/${m.name}`)!.filter((x) => x.query.split === split && (kind === 'all' || x.query.kind === kind));
        const s = score(o);
        return { s, text: `${pct(s.top1)} | ${pct(s.top3)} | ${s.mrr5.toFixed(2)}` };
      });
      console.log(`| ${kind} | ${cols[0]!.s.n} | ${cols.map((c) => c.text).join(' | ')} |`);
    }
  }
  // The same queries with the articles laid out differently between the tiers.
  if (layouts.length > 1) {
    console.log('\nTiers: the same queries with every article in the archive tier, and every article hot');
    console.log(`| layout | ${modes.map((m) => `${m.name}: paraphrase top-1 / top-3 | ${m.name}: other kinds top-1 | ${m.name}: first pages (first results) differing from split`).join(' | ')} |`);
    console.log(`| --- | ${modes.map(() => '---: | ---: | ---:').join(' | ')} |`);
    for (const tiers of layouts) {
      const cols = modes.map((mode) => {
        const base = runs.get(`${primary}/${mode.name}`)!;
        const other = runs.get(`${tiers}/${mode.name}`)!;
        const p = score(other.filter((o) => o.query.kind === 'paraphrase'));
        const rest = score(other.filter((o) => o.query.kind !== 'paraphrase'));
        const pages = base.filter((o, i) => o.shown.join() !== other[i]!.shown.join()).length;
        const firsts = base.filter((o, i) => o.shown[0] !== other[i]!.shown[0]);
        return `${pct(p.top1)} / ${pct(p.top3)} | ${pct(rest.top1)} | ${tiers === primary ? '—' : `${pages} (${firsts.length})`}`;
      });
      console.log(`| ${tiers} | ${cols.join(' | ')} |`);
    }
    for (const mode of modes) {
      const base = runs.get(`${primary}/${mode.name}`)!;
      for (const tiers of layouts.slice(1)) {
        const other = runs.get(`${tiers}/${mode.name}`)!;
        const firsts = base.flatMap((o, i) => (o.shown[0] !== other[i]!.shown[0] ? [`${o.query.id} (${o.rank === 1 ? 'relevant' : 'not relevant'} → ${other[i]!.rank === 1 ? 'relevant' : 'not relevant'})`] : []));
        if (firsts.length) console.log(`  ${mode.name}, ${tiers}: first result differs for ${firsts.join(', ')}`);
      }
    }
  }
  const para = all.filter((q) => q.kind === 'paraphrase');
  const ov = para.map((q) => overlap(corpus, q)).filter((x) => !Number.isNaN(x));
  console.log(`\nParaphrases: on average ${pct(ov.reduce((a, b) => a + b, 0) / Math.max(1, ov.length))} of their content words occur in the target article (the other kinds: ${pct(all.filter((q) => q.kind !== 'paraphrase' && q.kind !== 'phrase').map((q) => overlap(corpus, q)).filter((x) => !Number.isNaN(x)).reduce((a, b, _, arr) => a + b / arr.length, 0))}).`);
  if (verbose) {
    for (const mode of modes) {
      console.log(`\nMisses (${mode.name}, ${primary}):`);
      for (const o of runs.get(`${primary}/${mode.name}`)!) {
        if (o.rank === 1) continue;
        const first = o.results?.items[0];
        console.log(`  ${o.query.id} [${o.query.split}] rank ${o.rank ?? '-'}: ${o.query.query}${o.error ? ` — error: ${o.error}` : ''}\n      first: ${first ? `${o.shown[0]} "${first.article.title.slice(0, 70)}"` : '(none)'}`);
      }
    }
  }
  corpus.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
