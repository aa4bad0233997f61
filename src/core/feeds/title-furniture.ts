/**
 * Site furniture in item titles: "Troops gather at Wonsan | Desk Wire", "… - Daily NK",
 * "… | Jane Doe". A suffix is only cut when the feed itself shows it is furniture: it is the
 * feed's own title (or the start of it), the item's author, or the same suffix ends every item of
 * a feed of two or more items. A suffix that merely looks like one ("Kim Jong Un - a profile")
 * stays.
 */
const SUFFIX = /\s+(?:\||-|–|—|::|·)\s+([^|–—·]+?)\s*$/;

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

export function stripTitleFurniture<T extends { title: string; author: string | null }>(items: T[], feedTitle: string | null): T[] {
  const suffixOf = (t: string) => SUFFIX.exec(t)?.[1] ?? null;
  const feed = feedTitle ? norm(feedTitle) : '';
  const suffixes = items.map((i) => suffixOf(i.title));
  const first = suffixes[0] ? norm(suffixes[0]) : null;
  const shared = items.length >= 2 && first !== null && suffixes.every((s) => s !== null && norm(s) === first);
  return items.map((item, i) => {
    const suffix = suffixes[i];
    if (!suffix) return item;
    const s = norm(suffix);
    const furniture = shared || (feed && (s === feed || feed.startsWith(`${s} `) || feed.startsWith(`${s}:`))) || (item.author !== null && s === norm(item.author));
    if (!furniture) return item;
    const cut = item.title.slice(0, item.title.length - (SUFFIX.exec(item.title)?.[0].length ?? 0)).trim();
    return cut ? { ...item, title: cut } : item;
  });
}
