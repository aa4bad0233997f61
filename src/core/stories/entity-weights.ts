import { ENTITY_SLOTS, entityId } from './entities.ts';
import { fmix } from './minhash.ts';

/*
 * How much two reports' names, figures and dates overlap, each entity weighted by its rarity among
 * the recent articles. `ents` holds ENTITY_SLOTS entity hashes per ring slot (0 = empty; the low
 * bit marks a headline entity), `df` the entity counts of the time window by hash slot.
 */

/**
 * How many articles an entity's rarity is measured against: an entity named in `df` of the
 * articles of the time window (the last 3 days) weighs ln(RARITY_SCALE / (1 + df)). A fixed
 * scale (not the number of articles) keeps the weights the same for a small newsroom, a large one
 * and the labelled sets; what counts is how many recent reports name it.
 */
const RARITY_SCALE = 2000;
/** Counters of entity occurrences in the time window, by hash (a collision only makes an entity look commoner). */
export const DF_SIZE = 1 << 20;
/** The weight of an entity by its count (a table: the score reads two signatures' worth per candidate). */
const RARITY = Float32Array.from({ length: 65536 }, (_, df) => Math.max(0.25, Math.log(RARITY_SCALE / (1 + df))));

/** The rarity-weighted share of the names in a's headline that b names too (1 when a's headline names none). */
export function headlineCoverage(ents: Uint32Array, df: Uint16Array, a: number, b: number): number {
  const ea = a * ENTITY_SLOTS;
  const eb = b * ENTITY_SLOTS;
  let total = 0;
  let found = 0;
  for (let i = 0; i < ENTITY_SLOTS; i++) {
    const h = ents[ea + i]!;
    if (!h) break;
    if (!(h & 1)) continue;
    const w = rarity(df, h);
    total += w;
    for (let j = 0; j < ENTITY_SLOTS; j++) {
      const g = ents[eb + j]!;
      if (!g) break;
      if (g >>> 1 === h >>> 1) {
        found += w;
        break;
      }
    }
  }
  return total > 0 ? found / total : 1;
}

/**
 * Overlap of two slots' entities, each weighted by its rarity in the link window: twice the
 * weight of the shared ones over the weight of both (0–1). Rare names and figures (the toll, the
 * score, the street) count for much, names in every report of the week for little.
 */
export function entityOverlap(ents: Uint32Array, df: Uint16Array, a: number, b: number): number {
  const s = entityStats(ents, df, a, b);
  return s.totalA + s.totalB > 0 ? (2 * s.shared) / (s.totalA + s.totalB) : 0;
}

/** The rarity-weighted entity mass of two slots and of what they share (and how many they share). */
function entityStats(ents: Uint32Array, df: Uint16Array, a: number, b: number): { shared: number; totalA: number; totalB: number; count: number } {
  const ea = a * ENTITY_SLOTS;
  const eb = b * ENTITY_SLOTS;
  // Which entities of a the other names (a bit each): most candidates share none, and need no weights.
  let mask = 0;
  for (let i = 0; i < ENTITY_SLOTS; i++) {
    const h = ents[ea + i]! >>> 1;
    if (!h) break;
    for (let j = 0; j < ENTITY_SLOTS; j++) {
      const g = ents[eb + j]!;
      if (!g) break;
      if (g >>> 1 === h) {
        mask |= 1 << i;
        break;
      }
    }
  }
  if (mask === 0) return { shared: 0, totalA: 1, totalB: 1, count: 0 };
  let shared = 0;
  let totalA = 0;
  let totalB = 0;
  let count = 0;
  for (let i = 0; i < ENTITY_SLOTS; i++) {
    const h = ents[ea + i]!;
    if (!h) break;
    const w = rarity(df, h);
    totalA += w;
    if (mask & (1 << i)) {
      shared += w;
      count++;
    }
  }
  for (let j = 0; j < ENTITY_SLOTS; j++) {
    const g = ents[eb + j]!;
    if (!g) break;
    totalB += rarity(df, g);
  }
  return { shared, totalA, totalB, count };
}

function rarity(df: Uint16Array, h: number): number {
  return RARITY[df[fmix(entityId(h)) & (DF_SIZE - 1)]!]!;
}
