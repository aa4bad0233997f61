import fs from 'node:fs';
import path from 'node:path';
import { rng } from './corpus.ts';
import { DEFAULT_THRESHOLDS, StoryIndex, type StoryDoc, type StoryThresholds } from '../src/core/stories/story-index.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const LABELS = path.join(ROOT, 'test/data/stories-labelled.json');
const CORPUS = path.resolve(ROOT, '../shared/corpora/pages/extraction-benchmark/ground-truth.json');

export interface LabelledDoc {
  doc: StoryDoc;
  /** The hand label; null = the only report of its story. */
  story: string | null;
}

/** The hand-labelled pages (test/data/stories-labelled.json) with their text from the corpus; each host is one source. */
export function loadLabelled(): LabelledDoc[] {
  const labels = JSON.parse(fs.readFileSync(LABELS, 'utf8')) as { items: Array<{ page: string; host: string; title: string; story: string | null }> };
  const truth = JSON.parse(fs.readFileSync(CORPUS, 'utf8')) as Record<string, { articleBody: string }>;
  return labels.items.map((i) => ({
    doc: { id: i.page.slice(0, 12), sourceId: i.host, title: i.title, body: truth[i.page]!.articleBody.split(/\n+/).filter(Boolean), time: 0 },
    story: i.story,
  }));
}

const WIRE_OUTLETS = ['wire-a.example', 'wire-b.example', 'wire-c.example'];

/**
 * Syndicated copies of every third labelled page, the way a wire story shows up in other feeds:
 * a rewritten headline ("UPDATE 1-…", an outlet suffix), the last paragraphs cut, and a credit
 * line added. Each copy is labelled with its original's story. Deterministic (seeded).
 */
export function wireCopies(docs: LabelledDoc[], seed = 7): LabelledDoc[] {
  const r = rng(seed);
  const out: LabelledDoc[] = [];
  docs.forEach((d, i) => {
    if (i % 3 !== 0 || d.doc.body.length === 0) return;
    const story = d.story ?? `single-${d.doc.id}`;
    const copies = 1 + Math.floor(r() * 2);
    for (let c = 0; c < copies; c++) {
      const keep = Math.max(1, Math.ceil(d.doc.body.length * (0.5 + r() * 0.5)));
      const title = c === 0 ? `UPDATE 1-${d.doc.title}` : `${d.doc.title} | ${WIRE_OUTLETS[c]}`;
      out.push({
        doc: { id: `${d.doc.id}-w${c}`, sourceId: WIRE_OUTLETS[c]!, title, body: [...d.doc.body.slice(0, keep), '(Reporting by staff; editing by the desk)'], time: 0 },
        story,
      });
    }
  });
  return out;
}

export interface PairScore {
  docs: number;
  positives: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
}

/** Pairwise precision and recall of "same story" for one run of the grouping over `docs`. */
export function scorePairs(docs: LabelledDoc[], thresholds: StoryThresholds = DEFAULT_THRESHOLDS): PairScore {
  const index = new StoryIndex(thresholds);
  for (const d of docs) index.add(d.doc);
  const label = docs.map((d) => d.story ?? `single-${d.doc.id}`);
  const predicted = docs.map((d) => index.storyOf(d.doc.id)!);
  let positives = 0;
  let pred = 0;
  let tp = 0;
  for (let i = 0; i < docs.length; i++) {
    for (let j = i + 1; j < docs.length; j++) {
      const same = label[i] === label[j];
      const said = predicted[i] === predicted[j];
      if (same) positives++;
      if (said) pred++;
      if (same && said) tp++;
    }
  }
  return { docs: docs.length, positives, predicted: pred, truePositives: tp, precision: pred ? tp / pred : 1, recall: positives ? tp / positives : 1 };
}
