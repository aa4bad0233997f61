/**
 * `npm run bench:stories`: quality of the story grouping on the hand-labelled sets (pairwise
 * precision and recall of "same story", as `npm run stories-eval`), and its cost at 100,000
 * articles (time per new article, start-up restore, memory). Figures go in docs/quality.md.
 */
import { generateCorpus, rng } from './corpus.ts';
import { qualityTable } from './stories-eval.ts';
import { StoryIndex, type StoryDoc } from '../src/core/stories/story-index.ts';

const SIZE = Number(process.env.STORIES_BENCH_SIZE ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;

console.log('## Quality (npm run stories-eval; labelled sets in test/data, see docs/quality.md)');
for (const line of qualityTable()) console.log(line);

// ── cost at SIZE articles ──
const corpus = generateCorpus(SIZE);
const r = rng(99);
const docs: StoryDoc[] = corpus.articles.map((a) => ({ id: a.id, sourceId: a.outlet ?? 'x', title: a.title, body: a.body, time: Date.parse(a.publishedAt ?? '') }));
// One article in ten is a wire copy of a recent one from another outlet, so stories form and merge.
for (let i = 10; i < docs.length; i += 10) {
  const src = docs[i - 1 - Math.floor(r() * 9)]!;
  docs[i] = { ...src, id: `${docs[i]!.id}c`, sourceId: `${src.sourceId}-copy`, title: `UPDATE 1-${src.title}` };
}
gc?.();
let index: StoryIndex | null = new StoryIndex();
const times = new Float64Array(docs.length);
const started = performance.now();
for (let i = 0; i < docs.length; i++) {
  const t0 = performance.now();
  index!.add(docs[i]!);
  times[i] = performance.now() - t0;
}
const total = performance.now() - started;
const last = Array.from(times.subarray(Math.floor(docs.length * 0.9))).sort((a, b) => a - b);
const all = Array.from(times).sort((a, b) => a - b);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
let grouped = 0;
for (let i = 10; i < docs.length; i += 10) if (index!.storyOf(docs[i]!.id) !== docs[i]!.id) grouped++;
console.log(`\n## Cost at ${SIZE.toLocaleString('en-US')} articles (synthetic corpus, 1 in 10 a wire copy)`);
console.log(`build: ${(total / 1000).toFixed(1)} s total, ${(total / docs.length).toFixed(3)} ms per article on average`);
console.log(`per new article: p50 ${pct(all, 0.5).toFixed(3)} ms, p99 ${pct(all, 0.99).toFixed(3)} ms; last 10 %: p50 ${pct(last, 0.5).toFixed(3)} ms, p99 ${pct(last, 0.99).toFixed(3)} ms`);
/** Memory held by the index: with it minus once it is dropped (both after a full GC); typed arrays (the ring, the tables) are counted apart from the JS heap. */
function memoryAfterGc(): { heap: number; buffers: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}
console.log(`wire copies grouped with their original: ${grouped} of ${Math.floor((docs.length - 1) / 10)}`);

// Start-up: restoring from the signatures and story ids the store keeps (no text read, no candidates searched).
const sigs = docs.map((d) => index!.signatureBytes(d.id)!);
const ents = docs.map((d) => index!.entityBytes(d.id));
const again = new StoryIndex();
const t1 = performance.now();
// Restored as the newsroom does at start-up: no text (body empty), stored signatures and story ids.
for (let i = 0; i < docs.length; i++) again.add({ ...docs[i]!, body: [] }, sigs[i], index!.storyOf(docs[i]!.id), ents[i]);
const rebuild = performance.now() - t1;
let same = 0;
for (const d of docs) if (again.storyOf(d.id) === index!.storyOf(d.id)) same++;
console.log(`start-up restore from stored signatures and story ids: ${(rebuild / 1000).toFixed(1)} s (${((rebuild / docs.length) * 1000).toFixed(0)} µs per article), same story ids for ${same} of ${docs.length}`);
const withIndex = memoryAfterGc();
index = null;
const withoutIndex = memoryAfterGc();
const heap = withIndex.heap - withoutIndex.heap;
const buffers = withIndex.buffers - withoutIndex.buffers;
console.log(`memory: ${(heap / 1048576).toFixed(1)} MiB heap + ${(buffers / 1048576).toFixed(1)} MiB typed arrays for one index of ${docs.length.toLocaleString('en-US')} articles (${((heap + buffers) / docs.length).toFixed(0)} bytes per article)${gc ? '' : ' (run with --expose-gc for exact figures)'}`);
void again;
