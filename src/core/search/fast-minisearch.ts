import MiniSearch, { type Options } from 'minisearch';

/**
 * The one place that reaches inside MiniSearch. The hot tier needs more than MiniSearch's public
 * API offers: an add that counts terms before touching the radix tree, postings deleted with their
 * document instead of by a vacuum, ranking straight from the postings, and a snapshot format
 * loaded between event-loop turns. All of that goes through MiniSearch's *protected* fields, which
 * a subclass may use; the two private members it needs are declared in `VacuumQueue` below.
 *
 * The protected fields are not a stable API either: `minisearch` is pinned to an exact version in
 * package.json, and test/minisearch-parity.test.ts fails when `addCounted` no longer builds the
 * index `MiniSearch.add` builds — upgrade MiniSearch only with that test passing.
 */

/** A term's postings, as MiniSearch keeps them: field id → (short document id → term frequency). */
export type FieldPostings = Map<number, Map<number, number>>;

/** MiniSearch's vocabulary: a radix tree (`SearchableMap`) from each term to its postings. */
export type Vocabulary = FastMiniSearch<unknown>['vocabulary'];

/** The engine's document tables and statistics, in the shape of MiniSearch's `toJSON()` (no postings). */
export interface EngineState {
  documentCount: number;
  nextId: number;
  fieldIds: Record<string, number>;
  averageFieldLength: number[];
  dirtCount: number;
  serializationVersion: number;
  documentIds: Record<string, string>;
  fieldLength: Record<string, number[]>;
  storedFields: Record<string, unknown>;
  index: [];
}

/**
 * MiniSearch 7.2.0's vacuum queue. TypeScript calls these fields private, so a subclass cannot
 * name them; `settled` must still wait for a vacuum that is running *and* one queued behind it
 * (its public `isVacuuming` says that one is running but gives nothing to wait on), and it is the
 * only use: the view is that small on purpose.
 */
interface VacuumQueue {
  _currentVacuum: Promise<void> | null;
  _enqueuedVacuum: Promise<void> | null;
}

function mapToObject<V>(m: Map<number, V>): Record<string, V> {
  const o: Record<string, V> = {};
  for (const [k, v] of m) o[k] = v;
  return o;
}

export class FastMiniSearch<T> extends MiniSearch<T> {
  /**
   * An engine with the tables and statistics of a snapshot and nothing else: documents are
   * filled in with `restoreDocument` and postings with `vocabulary.set`, a few at a time. What
   * `MiniSearch.loadJS` does first, without building the document maps in one go.
   */
  static fromState<T>(state: EngineState, options: Options<T>): FastMiniSearch<T> {
    if (state.serializationVersion !== 1 && state.serializationVersion !== 2) {
      throw new Error('MiniSearch: cannot deserialize an index created with an incompatible version');
    }
    const engine = new FastMiniSearch<T>(options);
    engine._documentCount = state.documentCount;
    engine._nextId = state.nextId;
    engine._fieldIds = state.fieldIds;
    engine._avgFieldLength = state.averageFieldLength;
    engine._dirtCount = state.dirtCount || 0;
    return engine;
  }

  /** The vocabulary (the postings are MiniSearch's own objects: changing them changes the index). */
  get vocabulary() {
    return this._index;
  }

  /** The next short document id MiniSearch will give: every short id in use is below it. */
  get nextShortId(): number {
    return this._nextId;
  }

  shortIdOf(id: string): number | undefined {
    return this._idToShortId.get(id);
  }

  idOfShort(short: number): string | undefined {
    return this._documentIds.get(short) as string | undefined;
  }

  /** MiniSearch's number for a field (its position in `fields`). */
  fieldId(field: string): number {
    return this._fieldIds[field]!;
  }

  averageFieldLength(fieldId: number): number {
    return this._avgFieldLength[fieldId]!;
  }

  /** Each live document's field lengths (distinct terms per field), by short id. */
  fieldLengths(): IterableIterator<[number, number[]]> {
    return this._fieldLength.entries();
  }

  fieldLengthsOf(short: number): number[] | undefined {
    return this._fieldLength.get(short);
  }

  /**
   * `add(document)`, building the same index, with each field's term frequencies counted first:
   * `add` walks the radix tree once per token, this once per distinct term — and not at all when
   * `postingsOf` finds the term's postings another way (it must return the vocabulary's entry for
   * the term, created when new). Returns the document's short id. Stores no fields.
   */
  addCounted(document: T, postingsOf: (term: string, fieldId: number) => FieldPostings): number {
    const { extractField, stringifyField, tokenize, processTerm, fields, idField, storeFields } = this._options;
    if (storeFields.length > 0) throw new Error('FastMiniSearch.addCounted stores no fields');
    const id = extractField(document, idField);
    if (id == null) throw new Error(`MiniSearch: document does not have ID field "${idField}"`);
    if (this._idToShortId.has(id)) throw new Error(`MiniSearch: duplicate ID ${id}`);
    const short = this.newShortId(id);
    for (const field of fields) {
      const value = extractField(document, field);
      // As `add`: a missing field has no length at all; an empty one has length 0.
      if (value == null) continue;
      const fieldId = this._fieldIds[field]!;
      const counts = new Map<string, number>();
      for (const token of tokenize(stringifyField(value, field), field)) counts.set(token, (counts.get(token) ?? 0) + 1);
      // The field's length is its distinct tokens, before `processTerm`, as `add` counts it.
      this.recordFieldLength(short, fieldId, this._documentCount - 1, counts.size);
      for (const [token, n] of counts) {
        const processed = processTerm(token, field);
        if (Array.isArray(processed)) {
          for (const term of processed) if (term) this.post(postingsOf(term, fieldId), fieldId, short, n);
        } else if (processed) {
          this.post(postingsOf(processed, fieldId), fieldId, short, n);
        }
      }
    }
    return short;
  }

  /** Records that a discarded document's postings were deleted already: nothing left for a vacuum. */
  postingsCleaned(): void {
    if (this._dirtCount > 0) this._dirtCount--;
  }

  /** Adds a document's id and field lengths read from a snapshot (see `fromState`). */
  restoreDocument(short: number, id: string, lengths: number[]): void {
    this._documentIds.set(short, id);
    this._idToShortId.set(id, short);
    this._fieldLength.set(short, lengths);
  }

  /** The tables and statistics a snapshot keeps beside the postings (see `fromState`). */
  state(): EngineState {
    return {
      documentCount: this._documentCount,
      nextId: this._nextId,
      fieldIds: this._fieldIds,
      averageFieldLength: this._avgFieldLength,
      dirtCount: this._dirtCount,
      serializationVersion: 2,
      documentIds: mapToObject(this._documentIds),
      fieldLength: mapToObject(this._fieldLength),
      storedFields: mapToObject(this._storedFields),
      index: [],
    };
  }

  /** Resolves once no vacuum is running or queued (a vacuum rewrites the vocabulary between turns). */
  async settled(): Promise<void> {
    const queue = this as unknown as VacuumQueue;
    while (queue._currentVacuum || queue._enqueuedVacuum) await (queue._enqueuedVacuum ?? queue._currentVacuum);
  }

  /** MiniSearch's private `addDocumentId`, from the protected tables it updates. */
  private newShortId(id: unknown): number {
    const short = this._nextId;
    this._idToShortId.set(id, short);
    this._documentIds.set(short, id);
    this._documentCount += 1;
    this._nextId += 1;
    return short;
  }

  /** MiniSearch's private `addFieldLength`: the length, and the field's running average over `count` earlier documents. */
  private recordFieldLength(short: number, fieldId: number, count: number, length: number): void {
    let lengths = this._fieldLength.get(short);
    if (lengths == null) this._fieldLength.set(short, (lengths = []));
    lengths[fieldId] = length;
    const average = this._avgFieldLength[fieldId] || 0;
    this._avgFieldLength[fieldId] = (average * count + length) / (count + 1);
  }

  /** MiniSearch's private `addTerm`, `n` occurrences at once. */
  private post(data: FieldPostings, fieldId: number, short: number, n: number): void {
    let docs = data.get(fieldId);
    if (!docs) data.set(fieldId, (docs = new Map()));
    docs.set(short, (docs.get(short) ?? 0) + n);
  }
}
