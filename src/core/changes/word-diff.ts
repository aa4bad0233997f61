import { escapeInline } from '../text/escape.ts';

/** One run of a word diff: words kept, removed from the old text, or added in the new one. */
export interface DiffRun {
  op: 'same' | 'removed' | 'added';
  words: string[];
}

/** Words as printed (punctuation attached), so a diff shows the text a reader saw. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Case- and quote-insensitive comparison key of a word: "Said," and "said," are the same word. */
function wordKey(w: string): string {
  return w.normalize('NFKC').toLowerCase().replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
}

/**
 * Word-level diff (Myers' O((N+M)·D) algorithm) after trimming the common prefix and suffix, so a
 * small edit in a long article costs little. Returns runs in reading order.
 */
export function diffWords(oldWords: string[], newWords: string[]): DiffRun[] {
  const a = oldWords.map(wordKey);
  const b = newWords.map(wordKey);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Array<'same' | 'removed' | 'added'> = [];
  for (let i = 0; i < start; i++) ops.push('same');
  ops.push(...myers(a.slice(start, endA), b.slice(start, endB)));
  for (let i = endA; i < a.length; i++) ops.push('same');
  // Turn the op list into runs carrying the words as printed.
  const runs: DiffRun[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    const word = op === 'added' ? newWords[j++]! : op === 'removed' ? oldWords[i++]! : (i++, newWords[j++]!);
    const last = runs[runs.length - 1];
    if (last && last.op === op) last.words.push(word);
    else runs.push({ op, words: [word] });
  }
  return orderRuns(runs);
}

/** Within one changed stretch, removals read before additions ("~~old~~ **new**"). */
function orderRuns(runs: DiffRun[]): DiffRun[] {
  const out: DiffRun[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    if (removed.length) out.push({ op: 'removed', words: removed });
    if (added.length) out.push({ op: 'added', words: added });
    removed = [];
    added = [];
  };
  for (const r of runs) {
    if (r.op === 'same') {
      flush();
      out.push(r);
    } else if (r.op === 'removed') removed.push(...r.words);
    else added.push(...r.words);
  }
  flush();
  return out;
}

const MAX_EDITS = 2000;

/** Myers' shortest edit script between two key arrays, as ops (same / removed / added). */
function myers(a: string[], b: string[]): Array<'same' | 'removed' | 'added'> {
  const n = a.length;
  const m = b.length;
  if (n === 0) return new Array<'added'>(m).fill('added');
  if (m === 0) return new Array<'removed'>(n).fill('removed');
  const max = n + m;
  const offset = max;
  let v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    // A rewrite this large is shown as "all removed, all added"; the traces would cost too much memory.
    if (d > MAX_EDITS) return [...new Array<'removed'>(n).fill('removed'), ...new Array<'added'>(m).fill('added')];
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v);
  // Walk back through the saved frontiers.
  const ops: Array<'same' | 'removed' | 'added'> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push('same');
      x--;
      y--;
    }
    ops.push(x === prevX ? 'added' : 'removed');
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push('same');
    x--;
    y--;
  }
  while (x > 0) {
    ops.push('removed');
    x--;
  }
  while (y > 0) {
    ops.push('added');
    y--;
  }
  return ops.reverse();
}

/** Share of words changed between two texts: (removed + added) / (old + new), 0…1. */
export function changedShare(runs: DiffRun[]): number {
  let same = 0;
  let changed = 0;
  for (const r of runs) {
    if (r.op === 'same') same += 2 * r.words.length;
    else changed += r.words.length;
  }
  return same + changed === 0 ? 0 : changed / (same + changed);
}

/** Unchanged words kept on each side of a change before the rest is shortened to "…". */
export const DIFF_CONTEXT_WORDS = 6;

/**
 * Renders runs as Discord markdown: removed words ~~struck~~, added words **bold**, long unchanged
 * stretches shortened to "…" with a few words of context. Every word is escaped first, so feed
 * text cannot close or forge the marks. Stops before `maxChars` with "… (N more changes)".
 */
export function renderDiff(runs: DiffRun[], maxChars: number, context = DIFF_CONTEXT_WORDS): string {
  const parts: string[] = [];
  let size = 0;
  const changes = runs.filter((r) => r.op !== 'same').length;
  let shownChanges = 0;
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i]!;
    let piece: string;
    if (r.op === 'same') {
      const w = r.words;
      const first = i === 0;
      const last = i === runs.length - 1;
      const head = first ? [] : w.slice(0, context);
      const tail = last ? [] : w.slice(Math.max(head.length, w.length - context));
      if (head.length + tail.length >= w.length) piece = esc(w);
      else piece = [head.length ? esc(head) : '', '…', tail.length ? esc(tail) : ''].filter(Boolean).join(' ');
    } else {
      piece = r.op === 'removed' ? `~~${esc(r.words)}~~` : `**${esc(r.words)}**`;
    }
    const more = changes - shownChanges;
    const reserve = more > 0 ? 32 : 0;
    if (size + piece.length + 1 > maxChars - reserve) {
      parts.push(`… (${more} more change${more === 1 ? '' : 's'})`);
      return parts.join(' ');
    }
    if (r.op !== 'same') shownChanges++;
    parts.push(piece);
    size += piece.length + 1;
  }
  return parts.join(' ');
}

function esc(words: string[]): string {
  // Escaped words never end in a lone backslash, so the closing ~~ or ** stays a mark.
  return escapeInline(words.join(' '));
}
