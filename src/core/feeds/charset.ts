/**
 * Turning fetched bytes into text with the right encoding, in the order browsers and feed
 * readers use: BOM → HTTP header → XML prolog → <meta> → UTF-8. Labels are WHATWG labels, mapped
 * with TextDecoder; invalid bytes become U+FFFD and nothing here ever throws.
 */

export type CharsetSource = 'bom' | 'header' | 'xml-prolog' | 'meta' | 'default';

export interface DetectedCharset {
  /** A WHATWG encoding name (`utf-8`, `windows-1252`, `gb18030`, …) or `utf-32le`/`utf-32be`. */
  encoding: string;
  /** The rule that decided. */
  source: CharsetSource;
}

export interface DecodedBody extends DetectedCharset {
  text: string;
  /**
   * Set when the bytes contradicted the declaration and were read otherwise: the encoding that
   * was declared (e.g. `windows-1252` declared, valid UTF-8 found, so `encoding` is `utf-8`).
   */
  declared?: string;
}

/** How far into the body the XML prolog may be looked for (it must be at the very start). */
const PROLOG_WINDOW = 1024;
/**
 * How far <meta> is looked for. Browsers prescan 1024 bytes, but real pages (and miniflux's
 * fixtures) put it later behind long comments and scripts; past this it is not a declaration.
 */
const META_WINDOW = 64 * 1024;

const UTF32_LABELS = new Map([
  ['utf-32', 'utf-32'],
  ['utf32', 'utf-32'],
  ['ucs-4', 'utf-32'],
  ['ucs4', 'utf-32'],
  ['iso-10646-ucs-4', 'utf-32'],
  ['csucs4', 'utf-32'],
  ['utf-32le', 'utf-32le'],
  ['utf-32be', 'utf-32be'],
]);

/**
 * The encoding a charset label names, as the decoder below understands it, or null for a label
 * nobody knows (which then falls through to the next rule). `gb2312`/`gbk` become `gb18030`
 * (the WHATWG GBK decoder is the gb18030 decoder); `utf-16` without an order stays `utf-16`.
 */
export function resolveEncodingLabel(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const label = raw
    .trim()
    .replace(/^["']+|["']+$/g, '')
    .trim()
    .toLowerCase();
  if (!label || label.length > 64) return null;
  const utf32 = UTF32_LABELS.get(label);
  if (utf32) return utf32;
  if (label === 'x-user-defined') return label;
  let encoding: string;
  try {
    encoding = new TextDecoder(label).encoding;
  } catch {
    // Unknown labels, and WHATWG's "replacement" (iso-2022-kr, hz-gb-2312): nothing to decode with.
    return null;
  }
  if (encoding === 'gbk') return 'gb18030';
  // TextDecoder reads bare "utf-16" as little-endian; the bytes must decide instead.
  if (encoding === 'utf-16le' && !/le$/.test(label)) return 'utf-16';
  return encoding;
}

function isUtf16Or32(encoding: string): boolean {
  return encoding.startsWith('utf-16') || encoding.startsWith('utf-32');
}

function bomEncoding(bytes: Uint8Array): { encoding: string; length: number } | null {
  const [a, b, c, d] = bytes;
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return { encoding: 'utf-32le', length: 4 };
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return null;
}

/**
 * UTF-16/32 without a BOM, recognised the way the XML spec (appendix F) does: by how '<' is
 * padded with NULs. `strong` when the bytes spell "<?" so there is no doubt.
 */
function nulPattern(bytes: Uint8Array): { encoding: string; strong: boolean } | null {
  if (bytes.length < 4) return null;
  const [a, b, c, d, e, f, g, h] = bytes;
  if (a === 0 && b === 0 && c === 0 && d === 0x3c) return { encoding: 'utf-32be', strong: e === 0 && f === 0 && g === 0 && h === 0x3f };
  if (a === 0x3c && b === 0 && c === 0 && d === 0) return { encoding: 'utf-32le', strong: e === 0x3f && f === 0 && g === 0 && h === 0 };
  if (a === 0 && b === 0x3c) return { encoding: 'utf-16be', strong: c === 0 && d === 0x3f };
  if (a === 0x3c && b === 0) return { encoding: 'utf-16le', strong: c === 0x3f && d === 0 };
  return null;
}

/** Whether a UTF-16/32 declaration is believable: ASCII markup in those encodings has NUL bytes. */
function hasNulBytes(bytes: Uint8Array, window = 256): boolean {
  const n = Math.min(bytes.length, window);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** A UTF-16/32 label made concrete (byte order) from the bytes, or null if the bytes say otherwise. */
function settleWideEncoding(encoding: string, bytes: Uint8Array): string | null {
  if (!isUtf16Or32(encoding)) return encoding;
  if (bytes.length >= 2 && !hasNulBytes(bytes)) return null;
  const pattern = nulPattern(bytes);
  const width = encoding.startsWith('utf-16') ? 'utf-16' : 'utf-32';
  if (pattern?.encoding.startsWith(width)) return pattern.encoding;
  if (encoding === 'utf-16' || encoding === 'utf-32') return `${width}be`;
  return encoding;
}

/** Latin-1 view of the first bytes, for finding ASCII declarations in ASCII-compatible bodies. */
function asciiHead(bytes: Uint8Array, max: number): string {
  return latin1(bytes.subarray(0, max));
}

/** The charset parameter of a Content-Type header (quoted, single-quoted or bare). */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /(?:^|;)\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}

function prologLabel(head: string): string | null {
  return /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])\s*([^"'\s>]+)\s*\1/i.exec(head)?.[2] ?? null;
}

function parseAttributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (!attrs.has(name)) attrs.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/**
 * `<meta charset>` or `<meta http-equiv="content-type" content="…; charset=…">`, the way the
 * WHATWG prescan finds them: comments and scripts skipped, the first usable declaration wins.
 */
function metaLabel(head: string): string | null {
  let i = 0;
  while (i < head.length) {
    const lt = head.indexOf('<', i);
    if (lt === -1) return null;
    if (head.startsWith('<!--', lt)) {
      const end = head.indexOf('-->', lt + 4);
      if (end === -1) return null;
      i = end + 3;
      continue;
    }
    const name = /^<([a-z][a-z0-9-]*)/i.exec(head.slice(lt, lt + 16))?.[1]?.toLowerCase();
    if (name === 'script' || name === 'style') {
      const end = head.toLowerCase().indexOf(`</${name}`, lt + name.length + 1);
      if (end === -1) return null;
      i = end + name.length + 2;
      continue;
    }
    const gt = head.indexOf('>', lt);
    const tagEnd = gt === -1 ? head.length : gt;
    if (name === 'meta') {
      const attrs = parseAttributes(head.slice(lt + 5, tagEnd));
      let label: string | null = attrs.get('charset') ?? null;
      if (!label && attrs.get('http-equiv')?.trim().toLowerCase() === 'content-type') label = charsetFromContentType(`;${attrs.get('content') ?? ''}`);
      if (label && resolveEncodingLabel(label)) return label;
    }
    i = tagEnd + 1;
  }
  return null;
}

/**
 * Picks the encoding of a body and says which rule decided: a BOM; the Content-Type charset;
 * BOM-less UTF-16/32 by its NUL pattern or the XML prolog's encoding; `<meta>`; else UTF-8.
 * Unknown or impossible labels (a UTF-16 label read from 8-bit bytes) fall through.
 */
export function detectCharset(bytes: Uint8Array, contentType: string | null): DetectedCharset {
  const bom = bomEncoding(bytes);
  if (bom) return { encoding: bom.encoding, source: 'bom' };
  const pattern = nulPattern(bytes);

  const fromHeader = resolveEncodingLabel(charsetFromContentType(contentType));
  if (fromHeader) {
    const settled = settleWideEncoding(fromHeader, bytes);
    // An 8-bit header over bytes that spell "<?" in UTF-16/32 is wrong: the bytes cannot lie.
    if (settled && !(pattern?.strong && !isUtf16Or32(settled))) return { encoding: settled, source: 'header' };
  }

  if (pattern) return { encoding: pattern.encoding, source: 'xml-prolog' };

  const head = asciiHead(bytes, META_WINDOW);
  const fromProlog = resolveEncodingLabel(prologLabel(head.slice(0, PROLOG_WINDOW)));
  if (fromProlog) {
    const settled = settleWideEncoding(fromProlog, bytes);
    if (settled) return { encoding: settled, source: 'xml-prolog' };
  }

  const fromMeta = resolveEncodingLabel(metaLabel(head));
  if (fromMeta) {
    // WHATWG: a <meta> read from ASCII bytes cannot mean UTF-16; x-user-defined means windows-1252.
    if (isUtf16Or32(fromMeta)) return { encoding: 'utf-8', source: 'meta' };
    return { encoding: fromMeta === 'x-user-defined' ? 'windows-1252' : fromMeta, source: 'meta' };
  }
  return { encoding: 'utf-8', source: 'default' };
}

/** Counts of well-formed multi-byte sequences and of bytes that break UTF-8. */
function utf8Stats(bytes: Uint8Array): { multibyte: number; invalid: number } {
  let multibyte = 0;
  let invalid = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      invalid++;
      i++;
      continue;
    }
    let cp = b & (0x3f >> need);
    let ok = i + need < n;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      multibyte++;
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return { multibyte, invalid };
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

// 0x80–0x9F of WHATWG windows-1252 (the five it leaves undefined map to themselves).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * C1 control characters (U+0080–U+009F) never mean themselves in a feed or a page: they are
 * windows-1252 punctuation that went through a Latin-1 decoder somewhere ("don\u0092t" for
 * "don’t"). Read them as windows-1252, as feed readers do. This is also how windows-1252 itself
 * is decoded here: Node 20's TextDecoder('windows-1252') returns C1 controls for 0x80–0x9F.
 */
function fixC1Controls(text: string): string {
  return /[\u0080-\u009f]/.test(text) ? text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : text;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function decodeXUserDefined(bytes: Uint8Array): string {
  return latin1(bytes).replace(/[\u0080-\u00ff]/g, (c) => String.fromCharCode(0xf780 + c.charCodeAt(0) - 0x80));
}

/** TextDecoder has no UTF-32; decoded by hand, bad code points and a ragged tail become U+FFFD. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let batch: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    batch.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? cp : 0xfffd);
    if (batch.length === 4096) {
      parts.push(String.fromCodePoint(...batch));
      batch = [];
    }
  }
  if (batch.length) parts.push(String.fromCodePoint(...batch));
  if (bytes.length % 4 !== 0) parts.push('\uFFFD');
  return parts.join('');
}

function decodeAs(bytes: Uint8Array, encoding: string): string {
  switch (encoding) {
    case 'utf-32le':
    case 'utf-32be':
      return decodeUtf32(bytes, encoding === 'utf-32le');
    case 'windows-1252':
      return latin1(bytes);
    case 'x-user-defined':
      return decodeXUserDefined(bytes);
    default:
      try {
        return new TextDecoder(encoding, { fatal: false }).decode(bytes);
      } catch {
        return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      }
  }
}

/**
 * Decodes a body with the detected encoding; never throws, invalid bytes become U+FFFD. Two
 * common lies are corrected unless a BOM decided: the Latin-1 family (windows-1252, iso-8859-1,
 * us-ascii) declared over bytes that are valid multi-byte UTF-8 is read as UTF-8 (no "CafÃ©"),
 * and UTF-8 declared or assumed over bytes that are mostly not UTF-8 (Latin-1 high bytes, no or
 * fewer well-formed sequences) is read as windows-1252 (so "Jürgen" does not become "J�rgen").
 * A deliberate other legacy label (iso-8859-15, koi8-r, …) is obeyed as declared. C1 controls in
 * the result are read as the windows-1252 characters they stand for.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): DecodedBody {
  try {
    const detected = detectCharset(bytes, contentType);
    let { encoding } = detected;
    let declared: string | undefined;
    if (detected.source !== 'bom') {
      if (encoding === 'windows-1252' && hasHighBytes(bytes) && isValidUtf8(bytes)) {
        declared = encoding;
        encoding = 'utf-8';
      } else if (encoding === 'utf-8' && !isValidUtf8(bytes)) {
        const { multibyte, invalid } = utf8Stats(bytes);
        if (invalid > multibyte) {
          declared = encoding;
          encoding = 'windows-1252';
        }
      }
    }
    const text = fixC1Controls(decodeAs(bytes, encoding).replace(/^\uFEFF/, ''));
    return declared ? { text, encoding, source: detected.source, declared } : { text, encoding, source: detected.source };
  } catch {
    // Unreachable in practice (every path above is total); a decoder bug must not crash a poll.
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(bytes), encoding: 'utf-8', source: 'default' };
  }
}

export type ContentKind = 'xml-feed' | 'json-feed' | 'html' | 'json' | 'xml' | 'text' | 'binary';

/** File signatures of formats that are never feeds or pages, whatever the header claims. */
const MAGIC: Array<number[]> = [
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x50, 0x4b, 0x03, 0x04], // zip, docx, epub
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0xff, 0xd8, 0xff], // JPEG
  [0x1f, 0x8b], // gzip (a body compressed twice, or a .gz download)
  [0x52, 0x49, 0x46, 0x46], // RIFF (WebP, WAV, AVI)
  [0x4f, 0x67, 0x67, 0x53], // OggS
  [0x49, 0x44, 0x33], // ID3 (MP3)
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x77, 0x4f, 0x46, 0x32], // wOF2
  [0x77, 0x4f, 0x46, 0x46], // wOFF
  [0x00, 0x61, 0x73, 0x6d], // wasm
  [0x42, 0x5a, 0x68], // bzip2
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
];

function startsWithBytes(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}

function isBinaryFormat(bytes: Uint8Array): boolean {
  if (MAGIC.some((sig) => startsWithBytes(bytes, sig))) return true;
  // ISO media (MP4, MOV, HEIC, AVIF): a box size, then "ftyp".
  return startsWithBytes(bytes, [0x66, 0x74, 0x79, 0x70], 4);
}

const HTML_ELEMENTS = new Set(['html', 'head', 'body', 'meta', 'title', 'link', 'script', 'style', 'div', 'p', 'span', 'a', 'table', 'h1', 'h2', 'h3', 'ul', 'ol', 'section', 'article', 'header', 'main', 'nav', 'form', 'img', 'br', 'iframe', 'noscript', 'center', 'font', 'frameset']);

/**
 * The first element of a markup document, after the XML declaration, processing instructions,
 * comments and a DOCTYPE (internal subset included). Linear indexOf scan: no backtracking.
 */
function rootElement(text: string): { name: string | null; doctype: string | null } {
  let i = 0;
  let doctype: string | null = null;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== '<') return { name: null, doctype };
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) return { name: null, doctype };
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) return { name: null, doctype };
      i = end + 3;
    } else if (/^<!doctype/i.test(text.slice(i, i + 9))) {
      doctype = /^<!doctype\s+([^\s>[]+)/i.exec(text.slice(i, i + 64))?.[1]?.toLowerCase() ?? '';
      const close = text.indexOf('>', i);
      const bracket = text.indexOf('[', i);
      if (close === -1) return { name: null, doctype };
      if (bracket !== -1 && bracket < close) {
        const subsetEnd = text.indexOf(']', bracket);
        const after = subsetEnd === -1 ? -1 : text.indexOf('>', subsetEnd);
        if (after === -1) return { name: null, doctype };
        i = after + 1;
      } else {
        i = close + 1;
      }
    } else {
      return { name: /^<([A-Za-z_][\w:.-]*)/.exec(text.slice(i, i + 128))?.[1]?.toLowerCase() ?? null, doctype };
    }
  }
}

/** How much of the body is decoded to sniff it; roots and JSON Feed markers sit near the start. */
const SNIFF_BYTES = 64 * 1024;

/**
 * What a body is, judged from the bytes first (servers label feeds text/html and pages
 * application/rss+xml often enough); the Content-Type only breaks ties, such as a bare HTML
 * fragment or plain text.
 */
export function sniffContentKind(bytes: Uint8Array, contentType: string | null): ContentKind {
  if (isBinaryFormat(bytes)) return 'binary';
  const { text } = decodeBody(bytes.subarray(0, SNIFF_BYTES), contentType);
  const head = text.replace(/^[\s\uFEFF]+/, '');
  // Text formats carry no C0 controls besides tab, newline, form feed and carriage return.
  const sample = head.slice(0, 1024);
  const controls = sample.match(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g)?.length ?? 0;
  if (sample.includes('\u0000') || controls > sample.length / 100) return 'binary';
  const type = (contentType ?? '').toLowerCase();

  if (head.startsWith('{') || head.startsWith('[')) {
    // JSON Feed: the spec's version URL, or (gofeed's samples) a version with an items array.
    if (/"version"\s*:\s*"https?:\/\/jsonfeed\.org\/version\//.test(head)) return 'json-feed';
    if (head.startsWith('{') && /"version"\s*:/.test(head) && /"items"\s*:\s*\[/.test(head)) return 'json-feed';
    return 'json';
  }
  if (head.startsWith('<')) {
    const { name, doctype } = rootElement(head);
    const local = name?.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    if (local === 'rss' || local === 'feed' || local === 'rdf' || local === 'channel') return 'xml-feed';
    if (doctype === 'html' || (name !== null && HTML_ELEMENTS.has(name))) return 'html';
    if (type.includes('html') && !/^<\?xml/i.test(head)) return 'html';
    return 'xml';
  }
  // Leading junk (a PHP notice, a stray line) before a document is common enough to look past.
  if (/<!doctype\s+html|<html[\s>]/i.test(head.slice(0, 2048))) return 'html';
  if (/<(rss|feed|rdf:RDF)[\s>]/.test(head.slice(0, 2048))) return 'xml-feed';
  if (type.includes('html')) return 'html';
  return 'text';
}
