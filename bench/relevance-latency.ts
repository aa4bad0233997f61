/**
 * Query expansion's cost: `node --expose-gc --import tsx bench/relevance-latency.ts [size] [db]`
 * (default 100,000 articles of bench/corpus.ts). Loads the synthetic corpus into a store (in
 * transactions of 500; kept at `db` for a second run), builds the hot tier (the default window of
 * 20,000) and times, with expansion off and on, the benchmark's eight query kinds (bench/queries.ts)
 * and a ninth kind that does run the expanded ranking: two or three English words of the corpus
 * replaced by WordNet synonyms ("soldiers frontier" for troops at the border), with a made-up
 * word that keeps the typed words from filling the page. Also WordNet's load time (parsed from the
 * dictionary, and read back from its cache) and the heap it takes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLog } from '../src/core/deps.ts';
import { Newsroom } from '../src/core/newsroom/index.ts';
import { Lexicon } from '../src/core/search/lexicon.ts';
import { openStore } from '../src/core/store/index.ts';
import { fromSqlite } from '../src/core/store/sqlite-async.ts';
import { contentHash } from '../src/core/feeds/dedupe.ts';
import { rng, streamCorpus } from './corpus.ts';
import { makeQueries } from './queries.ts';

const size = Number(process.argv[2] ?? 100_000);
const dbPath = process.argv[3] ?? path.join(os.tmpdir(), `newsdesk-relevance-${size}.db`);
const PER_KIND = Number(process.env.PER_KIND ?? 300);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
/** Heap plus array buffers (WordNet's tables are typed arrays, outside the heap). */
const heapMB = () => {
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
};

// WordNet: parsed from the dictionary (no cache) and read back from its cache, with the memory each takes.
{
  const { deserializeWordNet, serializeWordNet, parseWordNet, WordNet, wordnetDictDir } = await import('../src/core/search/wordnet.ts');
  const h0 = heapMB();
  let t = performance.now();
  const parsed = await new Lexicon({ cacheFile: null }).load();
  const parseMs = performance.now() - t;
  const parsedHeap = heapMB() - h0;
  const buf = serializeWordNet(parseWordNet(wordnetDictDir()));
  const cache = path.join(os.tmpdir(), `newsdesk-relevance-wordnet-${process.pid}.bin`);
  fs.writeFileSync(cache, buf);
  const h1 = heapMB();
  t = performance.now();
  const read = await fs.promises.readFile(cache);
  const readMs = performance.now() - t;
  t = performance.now();
  const wn = new WordNet(deserializeWordNet(read)!);
  const decodeMs = performance.now() - t;
  const cachedHeap = heapMB() - h1 - read.length / 1e6;
  console.log(`WordNet: parsed from the dictionary in ${parseMs.toFixed(0)} ms (in 12 ms steps; heap and array buffers +${parsedHeap.toFixed(1)} MB); cache file ${(read.length / 1e6).toFixed(1)} MB read in ${readMs.toFixed(0)} ms and decoded in ${decodeMs.toFixed(0)} ms (one turn; +${cachedHeap.toFixed(1)} MB besides the file's buffer); ${wn.lemmaCount} lemmas${parsed ? '' : ' (parse failed)'}`);
  fs.rmSync(cache, { force: true });
}

const corpus = streamCorpus(size);
const SAMPLE = 4000;
const sample: Array<{ sentence: string }> = [];
const sampler = rng(99);
const clock = { now: () => new Date(corpus.start + corpus.span + 86_400_000) };
const fresh = !fs.existsSync(dbPath);
const sqlite = openStore({ path: dbPath, clock, log: silentLog });
let n = 0;
let batch: Parameters<typeof sqlite.ingest>[1] = [];
const t0 = performance.now();
for (const a of corpus.articles) {
  const sentences = a.body.flatMap((p: string) => p.split(/(?<=\.) /));
  const item = { sentence: sentences[Math.floor(sampler() * sentences.length)]! };
  if (sample.length < SAMPLE) sample.push(item);
  else {
    const j = Math.floor(sampler() * (n + 1));
    if (j < SAMPLE) sample[j] = item;
  }
  n++;
  if (!fresh) continue;
  batch.push({ article: a, dedupeKey: `guid:${a.id}`, contentHash: contentHash({ ...a, guid: a.id, summary: null }) });
  if (batch.length === 500) {
    sqlite.ingest('seeds', batch, { announce: false });
    batch = [];
    if (n % 20_000 === 0) console.log(`  ${n} articles, ${(n / ((performance.now() - t0) / 1000)).toFixed(0)}/s`);
  }
}
if (batch.length) sqlite.ingest('seeds', batch, { announce: false });
console.log(`${fresh ? 'loaded' : 'reused'} ${size} articles at ${dbPath} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);

const { kinds } = makeQueries(corpus, sample, size, PER_KIND);
// Paraphrases of the corpus's English words (bench/corpus.ts FUNCTION_WORDS) through WordNet
// synonyms, each with a made-up word of the vocabulary so the typed words do not fill the page.
const SYNONYMS: Record<string, string[]> = {
  troops: ['soldiers', 'forces'],
  border: ['frontier', 'boundary'],
  market: ['marketplace', 'bazaar'],
  government: ['administration', 'regime'],
  officials: ['functionaries', 'officers'],
  country: ['nation', 'land'],
  military: ['armed', 'army'],
  report: ['account', 'study'],
  people: ['citizenry', 'populace'],
  security: ['protection', 'safety'],
  party: ['faction', 'company'],
};
const r = rng(11);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
const words = Object.values(SYNONYMS);
const paraphrases = new Set<string>();
while (paraphrases.size < PER_KIND) paraphrases.add([pick(pick(words)), pick(pick(words)), ...(r() < 0.5 ? [pick(pick(words))] : []), pick(corpus.vocabulary.slice(5000, 20000))].join(' '));
kinds['paraphrase (expanded)'] = [...paraphrases];

const store = fromSqlite(sqlite);
const results: Record<string, Record<string, { p50: number; p99: number; expanded: number }>> = {};
for (const expansion of [false, true]) {
  const newsroom = new Newsroom({ store, clock, log: silentLog, search: { expansion } });
  (newsroom as unknown as { derived: { build: () => Promise<void> } }).derived.build = async () => {};
  const tb = performance.now();
  await newsroom.buildIndex();
  await newsroom.loadExpansion();
  console.log(`newsroom (expansion ${expansion ? 'on' : 'off'}): hot tier of ${newsroom.index.size} built in ${((performance.now() - tb) / 1000).toFixed(0)} s, heap ${heapMB().toFixed(0)} MB`);
  for (const [kind, queries] of Object.entries(kinds)) {
    const times: number[] = [];
    let expanded = 0;
    for (const q of queries.slice(0, PER_KIND)) {
      const t = performance.now();
      const res = await newsroom.search({ guildId: 'bench' }, { query: q });
      times.push(performance.now() - t);
      if (res.items.some((i) => i.alsoMatched)) expanded++;
    }
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    (results[kind] ??= {})[expansion ? 'on' : 'off'] = { p50: at(0.5), p99: at(0.99), expanded };
  }
}
console.log(`\n| query kind (${PER_KIND} each, incl. top-5 excerpts), p50 / p99 ms | expansion off | expansion on | pages with an "also matched" result |`);
console.log('| --- | ---: | ---: | ---: |');
for (const [kind, r2] of Object.entries(results)) console.log(`| ${kind} | ${r2.off!.p50.toFixed(1)} / ${r2.off!.p99.toFixed(1)} | ${r2.on!.p50.toFixed(1)} / ${r2.on!.p99.toFixed(1)} | ${r2.on!.expanded} |`);
sqlite.close();
