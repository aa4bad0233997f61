/**
 * Turning fetched bytes into text with the right encoding, in the order browsers and feed
 * readers use: BOM → HTTP header → XML prolog → <meta> → UTF-8. Invalid bytes become U+FFFD.
 */

export type CharsetSource = 'bom' | 'header' | 'xml-prolog' | 'meta' | 'default';

function label(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const l = raw.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!l) return null;
  try {
    // TextDecoder knows the WHATWG labels (windows-1251, koi8-r, gb2312→gbk, big5, euc-kr, …).
    return new TextDecoder(l).encoding;
  } catch {
    if (l === 'utf-32' || l === 'utf-32le' || l === 'utf-32be' || l === 'ucs-4') return l === 'utf-32be' ? 'utf-32be' : 'utf-32le';
    return null;
  }
}

function bom(bytes: Uint8Array): string | null {
  const [a, b, c, d] = bytes;
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'utf-32be';
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return 'utf-32le';
  if (a === 0xef && b === 0xbb && c === 0xbf) return 'utf-8';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  if (a === 0xff && b === 0xfe) return 'utf-16le';
  return null;
}

/** UTF-16 without a BOM announces itself by NUL bytes around '<'. */
function bomlessUtf(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  if (bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0x00 && bytes[3] === 0x3c) return 'utf-32be';
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x00 && bytes[3] === 0x00) return 'utf-32le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return 'utf-16be';
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return 'utf-16le';
  return null;
}

function ascii(bytes: Uint8Array, max: number): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Picks the encoding of a response body and says which rule decided. */
export function detectCharset(bytes: Uint8Array, contentType: string | null): { encoding: string; source: CharsetSource } {
  const fromBom = bom(bytes);
  if (fromBom) return { encoding: fromBom, source: 'bom' };
  const header = label(/charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '')?.[2]);
  if (header) return { encoding: header, source: 'header' };
  const utf = bomlessUtf(bytes);
  if (utf) return { encoding: utf, source: 'xml-prolog' };
  const head = ascii(bytes, 4096);
  const prolog = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  const fromProlog = label(prolog?.[1]);
  if (fromProlog) {
    // A UTF-16 label in an 8-bit prolog is a lie (the bytes would have NULs): ignore it.
    if (!fromProlog.startsWith('utf-16')) return { encoding: fromProlog, source: 'xml-prolog' };
  }
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head) ?? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(ascii(bytes, 65536));
  const fromMeta = label(meta?.[1]);
  if (fromMeta && !fromMeta.startsWith('utf-16')) return { encoding: fromMeta, source: 'meta' };
  return { encoding: 'utf-8', source: 'default' };
}

function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  let start = 0;
  const b = bom(bytes);
  if (b === 'utf-32le' || b === 'utf-32be') start = 4;
  for (let i = start; i + 3 < bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD';
  }
  return out;
}

// 0x80–0x9F of windows-1252 (WHATWG), which Node's TextDecoder decodes as Latin-1 controls.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    let part = '';
    for (const b of chunk) part += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
    out += part;
  }
  return out;
}

function isValidUtf8WithMultibyte(bytes: Uint8Array): boolean {
  if (!bytes.some((b) => b >= 0x80)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes a body with the detected encoding (never throws; bad bytes become U+FFFD). Two common
 * lies are corrected: Latin-1/windows-1252 declared for bytes that are valid multi-byte UTF-8 is
 * read as UTF-8, and UTF-8 declared (not by a BOM) for bytes that are not UTF-8 is read as
 * windows-1252 — so "Jürgen" survives instead of becoming "J�rgen".
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): { text: string; encoding: string; source: CharsetSource } {
  let { encoding, source } = detectCharset(bytes, contentType);
  // Only the Latin-1 family is so often mislabelled; a deliberate iso-8859-15 or KOI8-R is obeyed.
  if (source !== 'bom' && encoding === 'windows-1252' && isValidUtf8WithMultibyte(bytes)) encoding = 'utf-8';
  else if (source !== 'bom' && encoding === 'utf-8' && !isValidUtf8(bytes)) encoding = 'windows-1252';
  let text: string;
  if (encoding === 'utf-32le' || encoding === 'utf-32be') text = decodeUtf32(bytes, encoding === 'utf-32le');
  else if (encoding === 'windows-1252') text = decodeWindows1252(bytes);
  else {
    try {
      text = new TextDecoder(encoding, { fatal: false, ignoreBOM: false }).decode(bytes);
    } catch {
      text = new TextDecoder('utf-8').decode(bytes);
    }
  }
  return { text: text.replace(/^\uFEFF/, ''), encoding, source };
}

export type ContentKind = 'xml-feed' | 'json-feed' | 'html' | 'json' | 'xml' | 'text' | 'binary';

/** What the body is, judged from the body first (servers mislabel feeds as text/html and vice versa). */
export function sniffContentKind(bytes: Uint8Array, contentType: string | null): ContentKind {
  const { text } = decodeBody(bytes.subarray(0, 8192), contentType);
  const head = text.replace(/^\s+/, '').slice(0, 4096);
  if (/[\u0000-\u0008\u000e-\u001a]/.test(head.slice(0, 512)) && !/^</.test(head)) return 'binary';
  if (/^[{[]/.test(head)) return /"version"\s*:\s*"https:\/\/jsonfeed\.org\/version\/|"items"\s*:/.test(head) ? 'json-feed' : 'json';
  if (/<(rss|feed|rdf:RDF|channel)[\s>]/i.test(head) && !/<html[\s>]/i.test(head.slice(0, 600))) return 'xml-feed';
  if (/^<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]/i.test(head)) return 'html';
  if (/^<\?xml|^</.test(head)) return 'xml';
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('html')) return 'html';
  return 'text';
}
