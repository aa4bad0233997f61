/**
 * Boilerplate removal on the article Readability chose: Readability keeps the container with the
 * most prose, and with it whatever the site put inside that container (captions and credits,
 * share and newsletter prompts, "Related" lists, author boxes, datelines). These rules are
 * generic — class/id vocabulary, link density, phrase shapes, repetition, position — and none
 * names a site.
 */

/** The slice of a linkedom element these rules need (linkedom ships no DOM typings of its own). */
export interface DomElement {
  tagName: string;
  textContent: string | null;
  parentNode: DomElement | null;
  children: Iterable<DomElement> & ArrayLike<DomElement>;
  nextElementSibling: DomElement | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<DomElement> & ArrayLike<DomElement>;
  remove(): void;
  replaceWith?(node: DomElement): void;
}

const words = (s: string) => s.match(/[\p{L}\p{N}_]+/gu) ?? [];
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * Class and id words of page furniture. Matched per hyphen/underscore-separated part of each
 * class or id token, so "article-share-bar" matches "share" but "shared-content" does not.
 */
const FURNITURE_PART =
  /^(?:share|sharing|sharebar|social|socials|newsletter|newsletters|subscribe|subscription|signup|related|relatedarticles|recommended|recommendations|recirc|promo|promotion|advert|advertisement|advertising|ad|ads|adslot|adunit|dfp|sponsor|sponsored|outbrain|taboola|byline|bylines|author|authors|bio|caption|captions|figcaption|credit|credits|comment|comments|disqus|breadcrumb|breadcrumbs|tags|tag|timestamp|dateline|footer|sidebar|widget|popular|trending|toolbar|nav|navigation|menu|cookie|consent|paywall|print|inline-related|readmore|more|also|newsletter|donate|meta|metadata|facebook|instagram|pinterest|whatsapp|email|rating|slideshow|gallery|carousel|thumbnail|thumbnails|video|player|photo|image|img|media|dek|deck|standfirst|kicker|eyebrow|strapline|tooltip|popup|popover|rollover|hovercard|modal|logo|tagline|masthead)$/i;

/**
 * Parts so generic that alone they prove nothing ("media" wraps article images but also the
 * article on some templates): they count only next to a clearer word such as "caption".
 */
const WEAK_PART = new Set(['more', 'also', 'meta', 'metadata', 'embed', 'media', 'video', 'player', 'photo', 'image', 'img', 'gallery', 'carousel', 'slideshow', 'email', 'print', 'tag', 'tags', 'thumbnail', 'thumbnails', 'rating', 'facebook', 'instagram', 'pinterest', 'whatsapp', 'bio']);

/** Parts that mark the article body itself: a node carrying one is never furniture by name. */
const BODY_PART = /^(?:body|content|text|story|article|articlebody|entry|post|main|prose|paragraph|copy)$/i;

function furnitureByName(el: DomElement): boolean {
  const names = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.trim();
  if (!names) return false;
  let strong = false;
  let weak = 0;
  for (const token of names.split(/\s+/)) {
    const parts = token.split(/[-_]+|(?<=[a-z])(?=[A-Z])/).filter(Boolean);
    if (parts.some((p) => BODY_PART.test(p)) && !parts.some((p) => FURNITURE_PART.test(p) && !WEAK_PART.has(p.toLowerCase()))) continue;
    for (const part of parts) {
      if (!FURNITURE_PART.test(part)) continue;
      if (WEAK_PART.has(part.toLowerCase())) weak++;
      else strong = true;
    }
  }
  return strong || weak >= 2;
}

/** Short blocks that are page furniture in any language the corpus has shown us. */
const FURNITURE_TEXT = new RegExp(
  [
    '^(?:advert(?:isement)?|anzeige|publicité|publicidade|iklan|ad|sponsored( content)?|comments?|\\d+ comments?|post comment.*|leave a (?:reply|comment)|sign in|log ?in|register|skip to (?:main )?content|close|caption|share( (?:this|on|via)\\b.*)?|print|email|e-mail|tweet|pin|whatsapp( facebook)?( pint)?( baixar)?|read more|see more|show more|load more|loading( content)?( \\.+)?|latest|popular|trending|recent (?:articles|posts)|popular this week|highlights|subscribe|newsletter|view author archive|email the author|about the author|this slideshow requires javascript\\.?|image \\d+(?: of)? ?\\/? ?\\d+|\\d+ of \\d+|next|previous|back to top|menu|search|home|video|watch|listen|photos?|gallery|follow us|more|source: .*|(?:tell us|let us know) what you think.*|\\d+(?:[.,]\\d+)? (?:letture|views|reads|shares)|letture|views|shares)$',
  ].join(''),
  'iu',
);

/** Openings of prompts, credits and metadata lines. */
const FURNITURE_START =
  /^(?:related(?: coverage| stories| articles| content| links| reading)?(?: from [^:]*)?:|read more ?:|read also|see also|leggi anche|lee también|leia (?:também|mais)|veja também|lire aussi|à lire aussi|baca juga|more from|more on this|you may also like|you might also like|recommended for you|don['’]t miss|also on |also read|follow (?:us|@|\w+ on|[\p{L}]+['’]s (?:full )?coverage)|\(?(?:additional )?(?:reporting|writing|editing) by\b|more [\p{L} ]{1,30}: https?:\/\/|sign up (?:for|to)|subscribe (?:to|for|now)|get (?:the latest|our|\w+['’]s? (?:\w+ )?newsletter)|click here to (?:subscribe|sign up|read)|want more\b|like this story|if you (?:enjoyed|liked) this|have a tip\??|reach (?:the )?(?:reporters?|writer|author)|contact (?:the )?(?:writer|reporter|author)|image copyright|image caption|picture (?:copyright|caption)|photo(?:graph)?s?(?: credit)?:|image(?: credit)?s?:|credit:|credits:|copyright\b.{0,12}\d{4}|© \d{4}|\(image:|first published|published:|updated:|posted:|posted on |filed under|microsoft may earn|this website uses cookies|we use cookies|by clicking|all rights reserved)/iu;

/** Calls to action: a short block with two or more of these is a prompt, not reporting. */
const PROMPT_CUES =
  /\b(?:sign up|signup|subscribe|subscription|newsletters?|inbox|click here|delivered (?:to|through) your|free (?:daily|weekly)|join (?:us|now|today)|follow us|download (?:the|our) app|members get|paywall|for more information|enjoyed this article|per month|a month|issues for)\b/giu;

/** A caption's trailing credit: "(AP Photo/…)", "Getty Images", "Photo: X", "(Image: GETTY)". */
const CREDIT_END =
  /(?:\((?:ap|afp|reuters|getty|photo|image|picture|credit|foto|file)[^()]*\)|\[(?:file|photo|image|foto)[^\]]*\]|\b(?:getty(?: images)?|shutterstock|statista|istock(?:photo)?|ap photo[^.]*)|\b(?:photo|image|credit|foto|picture)s?: [^.]{0,80}|[|/] ?(?:ap|afp|getty images|reuters|bloomberg|associated press)|©[^.]{0,60})\.?$/iu;

const MONTH_OR_DAY =
  /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|am|pm|a|p|m|est|edt|cst|cdt|pst|pdt|gmt|utc|bst|cet|cest|et|pt|ct|published|updated|posted|last|on|at|de|às|em|le|à|el|am|um|the|of|st|nd|rd|th|h|min|mins|minutes|hours|ago|hrs|hr|janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro|segunda|terça|quarta|quinta|sexta|feira|sábado|domingo|gen|ago|set|ott|dic|mag|giu|lug|maret|mei|juni|juli|agustus|oktober|desember|januar|februar|märz|mai|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|first|modified|date|time|read|reading|min\.)$/iu;

/** A line that is only a date, a time, "Updated …" — the page's metadata, not the story. */
function isDateLine(text: string): boolean {
  const w = words(text);
  if (w.length === 0 || w.length > 16) return false;
  if (!/\b(?:1[89]|20)\d{2}\b|\b\d{1,2}:\d{2}\b|\b\d+ (?:hours?|minutes?|mins?|days?) ago\b/i.test(text)) return false;
  const other = w.filter((t) => !/^\d+(?:st|nd|rd|th)?$/i.test(t) && !MONTH_OR_DAY.test(t));
  return other.length === 0;
}

/** Text that is only an address, an e-mail or a handle. */
function isBareReference(text: string): boolean {
  return /^(?:https?:\/\/\S+|[\w.+-]+@[\w-]+\.[\w.-]+|@\w+|twitter\.com\/\w+)$/i.test(text);
}

function linkDensity(el: DomElement, textLength: number): number {
  if (textLength === 0) return 0;
  let linked = 0;
  const links = el.querySelectorAll('a');
  for (let i = 0; i < links.length; i++) linked += squash(links[i]!.textContent).length;
  return Math.min(1, linked / textLength);
}

/** Elements that can be a line of their own (when they hold no block inside). */
const LINES = 'p, li, h1, h2, h3, h4, h5, h6, dd, dt, figcaption, div, section, header, span, a, strong, em, b, blockquote';
const INLINE = new Set(['SPAN', 'A', 'STRONG', 'EM', 'B']);
const BLOCK_CHILD = /^(?:P|DIV|UL|OL|LI|H[1-6]|TABLE|SECTION|BLOCKQUOTE|FIGURE|DL|HEADER|ARTICLE)$/;
const hasBlockChild = (el: DomElement) => [...el.children].some((c) => BLOCK_CHILD.test(c.tagName));
const HEADING = /^H[1-6]$/;

/** Headings and short lines after which the article has ended: the rest is recirculation. */
const TAIL_MARKER =
  /^(?:related(?: (?:articles?|stories|posts|content|coverage|links|news|reading|topics))?|more (?:from|on|in|about|stories|articles|news|coverage|to explore|like this|headlines)\b.*|more [\p{L} ]{0,30} news|read (?:more|next|this next)|what to read next|you (?:may|might) also (?:like|enjoy)|recommended(?: (?:for you|stories|articles|reading))?|further reading|trending(?: now| stories)?|(?:most )?(?:popular|read|viewed|shared)(?: (?:now|today|stories|articles|this week))?|most (?:popular|read|viewed|shared)|latest(?: (?:news|stories|articles|headlines|videos))?|see also|also on \S+|top stories|editor['’]?s picks|more stories|recent (?:posts|articles|stories)|about the author|about us|comments?|\d+ comments?|leave a (?:reply|comment)|join the (?:conversation|discussion)|share (?:this|the) (?:article|story|post)|sponsored (?:content|stories|links)|from (?:the web|our partners)|around the web|promoted stories|you may be interested in|want more (?:stories|articles|news)(?: like this)?\??|notícias relacionadas|leia (?:também|mais)|veja também|artigos relacionados|mais lidas|articoli correlati|leggi anche|artículos relacionados|lee también|weitere artikel|das könnte sie auch interessieren|à lire aussi|lire aussi|sur le même sujet|artikel terkait|baca juga|関連記事)\s*:?$/iu;

const INLINE_TEASER = /^(?:read (?:also|more|next)|see also|also read|related|leggi anche|lee también|leia (?:também|mais)|veja também|lire aussi|à lire aussi|baca juga)\b/iu;

/**
 * Removes boilerplate from Readability's article element in place. `title` is the page's
 * headline (a repeat of it in the body goes); `onRemove` hears every removal (rule, text), for
 * tuning and reports. No rule removes a single node holding more than a third of the article's
 * text, and the tail cuts take at most the last quarter unless what follows is mostly links: a
 * false rule then costs a caption's worth of recall, not the article.
 */
export function pruneArticle(root: DomElement, title: string, onRemove?: (rule: string, text: string) => void): void {
  const total = squash(root.textContent).length;
  if (total === 0) return;
  const tooBig = (text: string) => text.length > total / 3;
  const normTitle = words(title).join(' ').toLowerCase();
  const drop = (el: DomElement, rule: string, text: string) => {
    onRemove?.(rule, text);
    el.remove();
  };

  // An image's alt text repeated as a block is that image's caption, wherever the site put it.
  const alts = new Set<string>();
  for (const img of [...root.querySelectorAll('img[alt]')]) {
    const alt = words(img.getAttribute('alt') ?? '').join(' ').toLowerCase();
    if (alt.split(' ').length >= 3) alts.add(alt);
  }

  // 0. A bar of links repeated three or more times (share buttons under each entry) means Readability
  // took a list of posts: the story is what comes before the second bar.
  const bars = new Map<string, DomElement[]>();
  for (const el of [...root.querySelectorAll('div, p, ul, center, span')]) {
    if (el.querySelectorAll('a').length < 3) continue;
    const text = squash(el.textContent);
    if (!text || words(text).length > 8 || linkDensity(el, text.length) < 0.6) continue;
    const list = bars.get(text) ?? [];
    // Nested wrappers around the same bar count once: keep the outermost.
    if (!list.some((outer) => contains(outer, el))) list.push(el);
    bars.set(text, list);
  }
  for (const list of bars.values()) {
    if (list.length >= 3 && list[1]!.parentNode) {
      const removed = cutFrom(list[1]!, root);
      onRemove?.('repeated-bar', removed);
      break;
    }
  }

  // 1. Furniture by tag and by class/id vocabulary.
  for (const el of [...root.querySelectorAll('figcaption, figure, aside, nav, footer, [role="complementary"], [role="navigation"]')]) {
    if (!el.parentNode) continue;
    const text = squash(el.textContent);
    if (!tooBig(text)) drop(el, `tag ${el.tagName}`, text);
  }
  // A link to the site's front page outside a paragraph is the masthead or logo.
  for (const el of [...root.querySelectorAll('a[href]')]) {
    if (!el.parentNode || !isFrontPage(el.getAttribute('href') ?? '') || insideParagraph(el, root)) continue;
    const text = squash(el.textContent);
    if (words(text).length <= 10) drop(el, 'home-link', text);
  }
  for (const el of [...root.querySelectorAll('[itemprop]')]) {
    if (!el.parentNode || !/^(?:author|creator|contributor|datePublished|dateModified|dateCreated|publisher|description|keywords|headline|alternativeHeadline|caption|copyrightHolder|copyrightYear)$/.test(el.getAttribute('itemprop') ?? '')) continue;
    const text = squash(el.textContent);
    if (!tooBig(text)) drop(el, `itemprop ${el.getAttribute('itemprop')}`, text);
  }
  for (const el of [...root.querySelectorAll('[class], [id]')]) {
    if (!el.parentNode || el === root || !furnitureByName(el)) continue;
    // A link, or a wrapper that starts with one, is the visible word of a pop-up: keep it, the
    // pop-up inside it is matched on its own.
    if (el.tagName === 'A' || (el.tagName === 'SPAN' && el.children[0]?.tagName === 'A')) continue;
    const text = squash(el.textContent);
    if (!tooBig(text)) drop(el, `name ${el.getAttribute('class') ?? ''}#${el.getAttribute('id') ?? ''}`, text);
  }

  // 2. Cut the tail at a recirculation heading: a line of its own, past the article's first 40 %,
  // followed by little text or by mostly links (a "Related:" link inside the story is not a tail).
  let seen = 0;
  const liveTotal = squash(root.textContent).length;
  for (const el of [...root.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, div, span, strong, b, dt, header')]) {
    if (!el.parentNode) continue;
    if (hasBlockChild(el)) continue;
    if (INLINE.has(el.tagName) && !(el.parentNode && hasBlockChild(el.parentNode))) continue;
    const text = squash(el.textContent);
    if (seen > liveTotal * 0.4 && text.length <= 60 && TAIL_MARKER.test(text.replace(/[»›>→▶…:.\s]+$/u, ''))) {
      const rest = textAfter(el, root);
      // "Read also"-style markers usually introduce one teaser inside the story: cut there only
      // when what follows is mostly links.
      const inline = INLINE_TEASER.test(text);
      if (inline ? rest.linked > rest.text.length * 0.6 : rest.text.length < liveTotal * 0.25 || rest.linked > rest.text.length * 0.3) {
        const removed = cutFrom(el, root);
        onRemove?.('tail', removed);
        break;
      }
    }
    seen += text.length;
  }

  // A rule near the end followed by a short block is the press release's "About us" and contacts.
  const rules = [...root.querySelectorAll('hr')];
  const lastRule = rules[rules.length - 1];
  if (lastRule?.parentNode) {
    const rest = textAfter(lastRule, root);
    const after = squash(root.textContent).length;
    if (rest.text.length > 0 && rest.text.length < after * 0.25) {
      const removed = cutFrom(lastRule, root);
      onRemove?.('hr-tail', removed);
    }
  }

  const inTable = new Set(root.querySelectorAll('table *'));

  // 3. Leaf blocks that read as furniture: prompts, credits, datelines, bare references.
  for (const el of [...root.querySelectorAll(LINES)]) {
    if (!el.parentNode || inTable.has(el)) continue;
    if (hasBlockChild(el)) continue;
    // Inline elements are lines of their own only between blocks, not inside a paragraph.
    if (INLINE.has(el.tagName) && !(el.parentNode && hasBlockChild(el.parentNode))) continue;
    const text = squash(el.textContent);
    if (!text) continue;
    const n = words(text).length;
    const key = words(text).join(' ').toLowerCase();
    let rule = '';
    if (n <= 30 && FURNITURE_TEXT.test(text.replace(/[»›>→▶…:.!?|\s]+$/u, ''))) rule = 'text';
    else if (n <= 60 && FURNITURE_START.test(text.replace(/^[[(\s]+/u, ''))) rule = 'start';
    else if (n <= 60 && (text.match(PROMPT_CUES)?.length ?? 0) >= 2) rule = 'prompt';
    else if (n <= 40 && CREDIT_END.test(text)) rule = 'credit';
    else if (isDateLine(text)) rule = 'date';
    else if (isBareReference(text)) rule = 'reference';
    else if (/^[\d.,:%\s]+$/u.test(text)) rule = 'number';
    else if (normTitle && (key === normTitle || (n >= 3 && normTitle.startsWith(`${key} `) && key.length >= normTitle.length * 0.5))) rule = 'title';
    else if (alts.has(key) || (n >= 3 && [...alts].some((a) => key.startsWith(`${a} `) && a.length >= key.length * 0.6))) rule = 'alt-caption';
    else if (/\[\/?[a-z_]+(?: [^\]]*)?\]/.test(text) && /\[\/[a-z_]+\]/.test(text) && n <= 40) rule = 'shortcode';
    else if (n >= 3 && n <= 12 && el.tagName !== 'A' && linkDensity(el, text.length) > 0.9 && /^(?:P|LI|DIV|SPAN)$/.test(el.tagName)) rule = 'link-line';
    if (rule && !tooBig(text)) {
      drop(el, rule, text);
      continue;
    }
  }

  // 4. Link lists: a list or box whose text is mostly links is navigation or recirculation.
  // Tables are left alone: a table of links in a story (releases, results) is data, not navigation.
  for (const el of [...root.querySelectorAll('ul, ol, div, section, dl')]) {
    if (inTable.has(el)) continue;
    if (!el.parentNode || el === root) continue;
    const text = squash(el.textContent);
    if (!text || tooBig(text)) continue;
    if (linkDensity(el, text.length) > 0.6 && words(text).length < 200) drop(el, `links ${el.tagName}`, text);
  }
}

function contains(outer: DomElement, inner: DomElement): boolean {
  for (let node: DomElement | null = inner; node; node = node.parentNode) if (node === outer) return true;
  return false;
}

function isFrontPage(href: string): boolean {
  try {
    const u = new URL(href, 'http://base.invalid/x/y');
    return u.pathname === '/' && !u.search && !u.hash;
  } catch {
    return false;
  }
}

function insideParagraph(el: DomElement, root: DomElement): boolean {
  for (let node = el.parentNode; node && node !== root; node = node.parentNode) if (node.tagName === 'P' || node.tagName === 'LI') return true;
  return false;
}

/** The text after `el` in document order inside `root`, and how much of it is link text. */
function textAfter(el: DomElement, root: DomElement): { text: string; linked: number } {
  const parts: string[] = [];
  let linked = 0;
  let node: DomElement | null = el;
  while (node && node !== root) {
    for (let next = node.nextElementSibling; next; next = next.nextElementSibling) {
      const t = squash(next.textContent);
      parts.push(t);
      linked += linkDensity(next, t.length) * t.length;
    }
    node = node.parentNode;
  }
  return { text: parts.join(' '), linked };
}

/**
 * Before Readability: embedded posts (Twitter's standard `blockquote.twitter-tweet`) are quoted
 * speech the story relies on, but sites wrap them in "social"/"embed" boxes that Readability
 * drops unread. Lifts each such blockquote out of wrappers that hold nothing else.
 */
export function liftEmbeddedPosts(body: DomElement): void {
  for (const quote of [...body.querySelectorAll('blockquote.twitter-tweet')]) {
    const text = squash(quote.textContent);
    let outer: DomElement = quote;
    while (outer.parentNode && outer.parentNode !== body && squash(outer.parentNode.textContent) === text) outer = outer.parentNode;
    if (outer !== quote) outer.replaceWith?.(quote);
  }
}

/** Removes `el` and everything after it in document order inside `root`; returns the removed text. */
function cutFrom(el: DomElement, root: DomElement): string {
  const removed: string[] = [];
  let node: DomElement | null = el;
  while (node && node !== root) {
    let next = node.nextElementSibling;
    while (next) {
      const after: DomElement | null = next.nextElementSibling;
      removed.push(squash(next.textContent));
      next.remove();
      next = after;
    }
    const parent: DomElement | null = node.parentNode;
    if (node === el) {
      removed.unshift(squash(node.textContent));
      node.remove();
    }
    node = parent;
  }
  return removed.join(' ');
}
