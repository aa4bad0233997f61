import path from 'node:path';
import { findQuoteSpans, MIN_WORDS } from '../../src/core/quotes/find.ts';
import { pickCandidate, quoteCandidates, type RankCandidate, type RankerWeights } from '../../src/core/quotes/ranker.ts';
import { resolveSpeakers } from '../../src/core/quotes/speakers.ts';
import { HELD_OUT_2_FILE, HELD_OUT_3_FILE, HELD_OUT_FILE, LABEL_FILE, loadSpeakerLabels, normStart, speakerMatches, type SpeakerLabel } from './quote-score.ts';

/** One labelled quotation as the ranker sees it: its candidates, which of them name the labelled speaker, and the rules' verdict. */
export interface RankExample {
  /** The article, prefixed with its label file: the unit of cross-validation folds. */
  group: string;
  /** 0 for the tuned set, else the held-out round. */
  round: number;
  label: SpeakerLabel;
  candidates: RankCandidate[];
  gold: boolean[];
  ruleRight: boolean;
  /** The quotation was found at all (else no candidate can be right). */
  found: boolean;
}

/** Every labelled quotation of the tuned label files (rounds 0–9) with its candidates (features computed once). */
export function loadRankExamples(files = [LABEL_FILE, HELD_OUT_FILE, HELD_OUT_2_FILE, HELD_OUT_3_FILE]): RankExample[] {
  const out: RankExample[] = [];
  for (const file of files) {
    const { labels, articles } = loadSpeakerLabels(file);
    const perArticle = new Map<string, Array<{ text: string; rule: string | null; cands: RankCandidate[] }>>();
    for (const [id, a] of articles) {
      const spans = findQuoteSpans(a.body);
      const attributions = resolveSpeakers(a.body, spans);
      const cands = quoteCandidates(a.body, spans, attributions);
      const quotes: Array<{ text: string; rule: string | null; cands: RankCandidate[] }> = [];
      spans.forEach((s, i) => {
        if (s.words >= MIN_WORDS) quotes.push({ text: s.text, rule: attributions[i]!.speaker?.name ?? null, cands: cands[i] ?? [] });
      });
      perArticle.set(id, quotes);
    }
    for (const label of labels) {
      const start = normStart(label.start);
      const q = perArticle.get(label.article)!.filter((x) => normStart(x.text).startsWith(start))[label.occurrence ?? 0];
      const candidates = q?.cands ?? [];
      out.push({
        group: `${path.basename(file)}:${label.article}`,
        round: label.round ?? (label.heldOut && file !== LABEL_FILE ? 1 : 0),
        label,
        candidates,
        gold: candidates.map((c) => speakerMatches(c.name, label)),
        ruleRight: q ? speakerMatches(q.rule, label) : false,
        found: Boolean(q),
      });
    }
  }
  return out;
}

/** Options of the trainer; the defaults are what `npm run quote-train` ships. */
export interface TrainOptions {
  iterations: number;
  rate: number;
  l2: number;
  /** Feature-name prefixes left out (to measure the model without the rules' pick). */
  without: string[];
}

export const TRAIN_DEFAULTS: TrainOptions = { iterations: 300, rate: 0.5, l2: 0.001, without: [] };

/** The features that read the rule resolver's picks: left out for the learned-only model. */
export const RULE_FEATURES = ['rule', 'prevRule'];

/**
 * Trains the conditional-logit ranker: full-batch AdaGrad on the log-likelihood of the gold
 * candidates (any candidate naming the labelled speaker), L2-regularised. Deterministic: fixed
 * order, zero start, no sampling.
 */
export function trainRanker(examples: readonly RankExample[], options: Partial<TrainOptions> = {}): RankerWeights {
  const o = { ...TRAIN_DEFAULTS, ...options };
  const index = new Map<string, number>();
  const names: string[] = [];
  const keep = (k: string) => !o.without.some((p) => k === p || k.startsWith(`${p}&`) || k.startsWith(`${p}:`));
  const data = examples
    .filter((e) => e.gold.some(Boolean) && e.candidates.length > 1)
    .map((e) => ({
      gold: e.gold,
      cands: e.candidates.map((c) => {
        const ids: number[] = [];
        const vals: number[] = [];
        for (const [k, v] of c.features) {
          if (!keep(k)) continue;
          let id = index.get(k);
          if (id === undefined) {
            id = names.length;
            index.set(k, id);
            names.push(k);
          }
          ids.push(id);
          vals.push(v);
        }
        return { ids, vals };
      }),
    }));
  const w = new Float64Array(names.length);
  const g2 = new Float64Array(names.length);
  for (let it = 0; it < o.iterations; it++) {
    const grad = new Float64Array(names.length);
    for (const ex of data) {
      const scores = ex.cands.map((c) => c.ids.reduce((s, id, j) => s + w[id]! * c.vals[j]!, 0));
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const z = exps.reduce((a, b) => a + b, 0);
      const zGold = exps.reduce((a, e, i) => a + (ex.gold[i] ? e : 0), 0);
      ex.cands.forEach((c, i) => {
        // d(-log P(gold))/d score_i = p_i - p_i|gold
        const d = exps[i]! / z - (ex.gold[i] ? exps[i]! / zGold : 0);
        c.ids.forEach((id, j) => (grad[id]! += d * c.vals[j]!));
      });
    }
    for (let k = 0; k < names.length; k++) {
      const g = grad[k]! / data.length + o.l2 * w[k]!;
      g2[k]! += g * g;
      w[k]! -= (o.rate * g) / (Math.sqrt(g2[k]!) + 1e-8);
    }
  }
  const out: RankerWeights = {};
  for (const k of [...names].sort()) {
    const v = Math.round(w[index.get(k)!]! * 1e6) / 1e6;
    if (v !== 0) out[k] = v;
  }
  return out;
}

/** Whether the ranker names the labelled speaker of an example. */
export function rankerRight(e: RankExample, weights: RankerWeights): boolean {
  const name = pickCandidate(e.candidates, weights);
  return name !== null && speakerMatches(name, e.label);
}

/** Article-grouped k folds, articles assigned by a stable hash of their id (deterministic, spread across files and rounds). */
export function foldOf(group: string, k: number): number {
  let h = 2166136261;
  for (let i = 0; i < group.length; i++) h = Math.imul(h ^ group.charCodeAt(i), 16777619) >>> 0;
  return h % k;
}

export interface CrossValidation {
  right: number;
  ruleRight: number;
  labels: number;
  folds: Array<{ labels: number; right: number; ruleRight: number }>;
}

/** k-fold cross-validation grouped by article: each fold scored by a model trained on the other folds only. */
export function crossValidate(examples: readonly RankExample[], k = 10, options: Partial<TrainOptions> = {}): CrossValidation {
  const cv: CrossValidation = { right: 0, ruleRight: 0, labels: 0, folds: [] };
  for (let f = 0; f < k; f++) {
    const test = examples.filter((e) => foldOf(e.group, k) === f);
    const weights = trainRanker(
      examples.filter((e) => foldOf(e.group, k) !== f),
      options,
    );
    const right = test.filter((e) => rankerRight(e, weights)).length;
    const ruleRight = test.filter((e) => e.ruleRight).length;
    cv.folds.push({ labels: test.length, right, ruleRight });
    cv.right += right;
    cv.ruleRight += ruleRight;
    cv.labels += test.length;
  }
  return cv;
}
