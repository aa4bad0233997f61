/**
 * Quotation marks people type around a value where quotes are not syntax — `name:"Desk Wire"`,
 * `exclude:"sport, weather"`, `template:“{title}”` — as Discord's option fields and the console
 * both let them. Pairs: straight double and single, curly double and single, the German low-high
 * pair, guillemets, and the same curly mark on both sides (what some keyboards autocorrect to).
 */
const PAIRS: Array<[string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
  ['„', '“'],
  ['«', '»'],
  ['”', '”'],
  ['’', '’'],
];

/**
 * The value without one matching pair of surrounding quotes; unchanged when it has none, or when
 * the opening mark appears again inside (`"sport", "weather"` is two quoted items, not one).
 */
export function stripSurroundingQuotes(value: string): string {
  const v = value.trim();
  for (const [open, close] of PAIRS) {
    if (v.length < open.length + close.length + 1 || !v.startsWith(open) || !v.endsWith(close)) continue;
    const inner = v.slice(open.length, v.length - close.length);
    if (inner.includes(open) || inner.includes(close)) continue;
    return inner.trim();
  }
  return value;
}
