/**
 * The article-extraction benchmark pages (../shared/corpora/pages/extraction-benchmark): the
 * gzip pages decompressed in-process, their ground truth and every stored anchor's output.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const BENCHMARK_DIR = path.resolve(import.meta.dirname, '../../shared/corpora/pages/extraction-benchmark');

export interface BenchmarkPage {
  id: string;
  url: string;
  html: string;
  truth: string;
  /** Position in sorted id order is even: the pages rules were developed on first. */
  even: boolean;
}

/** All pages in sorted id order. */
export function loadBenchmarkPages(dir = BENCHMARK_DIR): BenchmarkPage[] {
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as Record<string, { articleBody?: string; url: string }>;
  return Object.keys(truth)
    .sort()
    .map((id, i) => ({
      id,
      url: truth[id]!.url,
      html: zlib.gunzipSync(fs.readFileSync(path.join(dir, 'html', `${id}.html.gz`))).toString('utf8'),
      truth: truth[id]!.articleBody ?? '',
      even: i % 2 === 0,
    }));
}

/** Every stored anchor: extractor name → page id → extracted text. */
export function loadAnchors(dir = BENCHMARK_DIR): Array<{ name: string; version: string | null; output: Map<string, string> }> {
  const anchorDir = path.join(dir, 'anchors');
  return fs
    .readdirSync(anchorDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const data = JSON.parse(fs.readFileSync(path.join(anchorDir, f), 'utf8')) as { version?: string | null; output: Record<string, { articleBody?: string }> };
      return { name: f.replace(/\.json$/, ''), version: data.version ?? null, output: new Map(Object.entries(data.output).map(([id, o]) => [id, o.articleBody ?? ''])) };
    });
}
