import { describe, expect, it } from 'vitest';
import { citationText, formatCitation, type CitationStyle } from '../src/core/citations/cite.ts';
import { exportResults } from '../src/core/citations/export.ts';
import { formatReply } from '../src/discord/format.ts';
import { renderCiteReply } from '../src/replies/cite-reply.ts';
import { attachmentProblems, parseMultipart, type MultipartBody } from './discord-emulator/validate-attachments.ts';
import { seedArticles } from './helpers/seed-articles.ts';

const accessed = new Date('2026-11-29T19:00:00Z');
const base = { title: 'Kaesong floods drive thousands from homes', outlet: 'Gamma Herald', url: 'https://gamma.example/floods' };
const cases = {
  full: { ...base, byline: 'By Lee Min-jun and Sam Roe', publishedAt: '2026-11-28T10:30:00Z' },
  three: { ...base, byline: 'Ann Lee, Bo Kim and Cy Park', publishedAt: '2026-11-28T10:30:00Z' },
  agency: { ...base, byline: 'Associated Press', publishedAt: '2026-05-03T10:30:00Z' },
  hangul: { ...base, byline: '김정은 기자', publishedAt: null },
  none: { ...base, byline: null, publishedAt: null },
  korean: { ...base, title: 'North Korea hunts for the source of reports', byline: 'By Moon Sung Whui', publishedAt: '2026-11-28T10:30:00Z' },
  chinese: { ...base, title: 'China and Taiwan resume talks', byline: 'Xi Jinping and Zhang Wei', publishedAt: '2026-11-28T10:30:00Z' },
  marked: { ...base, byline: 'ABE Shinzo and Viktor ORBÁN', publishedAt: '2026-11-28T10:30:00Z' },
  unmarked: { ...base, byline: 'Park Ji Sung', publishedAt: '2026-11-28T10:30:00Z' },
};

describe('citations in four styles', () => {
  it.each([
    ['full', 'ap', '“Kaesong floods drive thousands from homes,” Gamma Herald, Nov. 28, 2026, by Lee Min-jun and Sam Roe. https://gamma.example/floods (accessed Nov. 29, 2026)'],
    ['full', 'apa', 'Lee, M.-J., & Roe, S. (2026, November 28). Kaesong floods drive thousands from homes. Gamma Herald. https://gamma.example/floods'],
    // A family-name-first name is not inverted by Chicago or MLA (no comma); APA inverts all.
    ['full', 'chicago', 'Lee Min-jun and Sam Roe. “Kaesong floods drive thousands from homes.” Gamma Herald, November 28, 2026. https://gamma.example/floods.'],
    ['full', 'mla', 'Lee Min-jun and Sam Roe. “Kaesong floods drive thousands from homes.” Gamma Herald, 28 Nov. 2026, gamma.example/floods. Accessed 29 Nov. 2026.'],
    ['three', 'apa', 'Lee, A., Kim, B., & Park, C. (2026, November 28). Kaesong floods drive thousands from homes. Gamma Herald. https://gamma.example/floods'],
    ['three', 'chicago', 'Lee, Ann, Bo Kim, and Cy Park. “Kaesong floods drive thousands from homes.” Gamma Herald, November 28, 2026. https://gamma.example/floods.'],
    ['three', 'mla', 'Lee, Ann, et al. “Kaesong floods drive thousands from homes.” Gamma Herald, 28 Nov. 2026, gamma.example/floods. Accessed 29 Nov. 2026.'],
    ['agency', 'ap', '“Kaesong floods drive thousands from homes,” Gamma Herald, May 3, 2026, by Associated Press. https://gamma.example/floods (accessed Nov. 29, 2026)'],
    ['agency', 'apa', 'Associated Press. (2026, May 3). Kaesong floods drive thousands from homes. Gamma Herald. https://gamma.example/floods'],
    ['hangul', 'apa', '김정은. (n.d.). Kaesong floods drive thousands from homes. Gamma Herald. Retrieved November 29, 2026, from https://gamma.example/floods'],
    ['hangul', 'chicago', '김정은. “Kaesong floods drive thousands from homes.” Gamma Herald. Accessed November 29, 2026. https://gamma.example/floods.'],
    ['none', 'ap', '“Kaesong floods drive thousands from homes,” Gamma Herald. https://gamma.example/floods (accessed Nov. 29, 2026)'],
    ['none', 'apa', 'Kaesong floods drive thousands from homes. (n.d.). Gamma Herald. Retrieved November 29, 2026, from https://gamma.example/floods'],
    ['none', 'chicago', '“Kaesong floods drive thousands from homes.” Gamma Herald. Accessed November 29, 2026. https://gamma.example/floods.'],
    ['none', 'mla', '“Kaesong floods drive thousands from homes.” Gamma Herald, gamma.example/floods. Accessed 29 Nov. 2026.'],
    // Family name first (see src/core/citations/names.ts): by the article's subject, or marked in capitals.
    ['korean', 'apa', 'Moon, S. W. (2026, November 28). North Korea hunts for the source of reports. Gamma Herald. https://gamma.example/floods'],
    ['korean', 'chicago', 'Moon Sung Whui. “North Korea hunts for the source of reports.” Gamma Herald, November 28, 2026. https://gamma.example/floods.'],
    ['chinese', 'apa', 'Xi, J., & Zhang, W. (2026, November 28). China and Taiwan resume talks. Gamma Herald. https://gamma.example/floods'],
    ['marked', 'apa', 'Abe, S., & Orbán, V. (2026, November 28). Kaesong floods drive thousands from homes. Gamma Herald. https://gamma.example/floods'],
    ['marked', 'mla', 'Abe Shinzo and Viktor Orbán. “Kaesong floods drive thousands from homes.” Gamma Herald, 28 Nov. 2026, gamma.example/floods. Accessed 29 Nov. 2026.'],
    // Without a Korean subject, three short words are read given names first.
    ['unmarked', 'apa', 'Sung, P. J. (2026, November 28). Kaesong floods drive thousands from homes. Gamma Herald. https://gamma.example/floods'],
  ] as Array<[keyof typeof cases, CitationStyle, string]>)('%s in %s', (name, style, expected) => {
    expect(citationText(formatCitation(cases[name], style, accessed))).toBe(expected);
  });

  it('cites a real seed article (no URL, no date) and escapes its text for Discord', () => {
    const seed = seedArticles().get('003')!;
    const reply = renderCiteReply({ ...seed, title: 'North Korea *hunting* for [sources] @everyone' }, ['mla'], accessed, true);
    expect(reply.cards![0]!.description).toBe('**MLA 9**\nMoon Sung Whui. “North Korea \\*hunting\\* for \\[sources\\] @\u200beveryone.” *Radio Free Asia*. Accessed 29 Nov. 2026.');
    expect(reply.cards![1]!.description).toBe('```\nMLA 9: Moon Sung Whui. “North Korea *hunting* for [sources] @everyone.” Radio Free Asia. Accessed 29 Nov. 2026.\n```');
    expect(formatReply(reply)[0]!.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('search exports', () => {
  const rows = [
    { article: { ...cases.full, id: 'a1', sourceId: 's', dateline: null, tags: [], caption: null, body: [], editors: [], byline: null }, excerpt: 'Flooding along the "Taedong" River, officials said.' },
    { article: { ...cases.none, id: 'a2', sourceId: 's', title: '=HYPERLINK("http://evil.example") [click]', dateline: null, tags: [], caption: null, body: [], editors: [] }, excerpt: '@SUM(1+1)' },
  ];
  it('writes CSV (quoted, no formulas) and Markdown (escaped, linked)', () => {
    const [csv, md] = exportResults(rows, 'search-results', 'Search results for "floods"');
    expect(csv!.data).toBe(
      '\uFEFFtitle,outlet,date,url,excerpt\r\n' +
        'Kaesong floods drive thousands from homes,Gamma Herald,2026-11-28,https://gamma.example/floods,"Flooding along the ""Taedong"" River, officials said."\r\n' +
        `"'=HYPERLINK(""http://evil.example"") [click]",Gamma Herald,,https://gamma.example/floods,'@SUM(1+1)\r\n`,
    );
    expect(md!.data).toBe(
      '# Search results for "floods"\n\n' +
        '1. [Kaesong floods drive thousands from homes](<https://gamma.example/floods>) — Gamma Herald, 2026-11-28\n   > Flooding along the "Taedong" River, officials said.\n' +
        '2. [=HYPERLINK("http://evil.example") \\[click\\]](<https://gamma.example/floods>) — Gamma Herald\n   > @SUM(1+1)\n',
    );
  });

  it('are sent as files on the first message only', () => {
    const messages = formatReply({ content: 'x', attachments: exportResults(rows, 'r', 'h'), cards: Array.from({ length: 12 }, (_, i) => ({ description: `card ${i}` })) });
    expect(messages).toHaveLength(2);
    expect(messages[0]!.files!.map((f) => [f.name, f.attachment.length])).toEqual([
      ['r.csv', Buffer.byteLength(exportResults(rows, 'r', 'h')[0]!.data)],
      ['r.md', Buffer.byteLength(exportResults(rows, 'r', 'h')[1]!.data)],
    ]);
    expect(messages[1]!.files).toBeUndefined();
  });
});

describe('the emulator checks uploads as Discord does', () => {
  function multipart(parts: Array<{ name: string; filename?: string; data: string | Buffer }>): { raw: Buffer; type: string } {
    const b = 'emu-boundary';
    const chunks: Buffer[] = [];
    for (const p of parts) {
      chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n\r\n`));
      chunks.push(typeof p.data === 'string' ? Buffer.from(p.data) : p.data, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${b}--\r\n`));
    return { raw: Buffer.concat(chunks), type: `multipart/form-data; boundary=${b}` };
  }
  const check = (parts: Parameters<typeof multipart>[0]) => {
    const { raw, type } = multipart(parts);
    const body: MultipartBody = parseMultipart(raw, type);
    return { body, problems: attachmentProblems(body, raw.length) };
  };

  it('parses payload_json and files[n], typing files by name', () => {
    const { body, problems } = check([
      { name: 'payload_json', data: JSON.stringify({ content: 'hi', attachments: [{ id: 0, filename: 'a.csv' }] }) },
      { name: 'files[0]', filename: 'a.csv', data: 'x,y\r\n1,2\r\n' },
    ]);
    expect(problems).toEqual([]);
    expect(body.payload).toEqual({ content: 'hi', attachments: [{ id: 0, filename: 'a.csv' }] });
    expect(body.files.map((f) => [f.field, f.index, f.filename, f.contentType, f.data.toString()])).toEqual([['files[0]', 0, 'a.csv', 'text/csv; charset=utf-8', 'x,y\r\n1,2\r\n']]);
  });

  it.each([
    ['11 files', Array.from({ length: 11 }, (_, i) => ({ name: `files[${i}]`, filename: `f${i}.txt`, data: 'x' })), ['files: must be 10 or fewer (11)']],
    ['a file over 10 MiB', [{ name: 'files[0]', filename: 'big.txt', data: Buffer.alloc(10 * 1024 * 1024 + 1) }], ['files[0]: must be 10485760 bytes or fewer (10485761)', 'files: total must be 10485760 bytes or fewer (10485761)']],
    ['two files over 10 MiB together', [{ name: 'files[0]', filename: 'a.txt', data: Buffer.alloc(6 * 1024 * 1024) }, { name: 'files[1]', filename: 'b.txt', data: Buffer.alloc(6 * 1024 * 1024) }], ['files: total must be 10485760 bytes or fewer (12582912)']],
    ['an attachment naming no upload', [{ name: 'payload_json', data: JSON.stringify({ attachments: [{ id: 3 }] }) }, { name: 'files[0]', filename: 'a.txt', data: 'x' }], ['attachments.0.id: no files[3] was uploaded']],
    ['a file without a name', [{ name: 'files[0]', filename: '', data: 'x' }], ['files[0]: filename is required']],
  ])('rejects %s', (_name, parts, expected) => {
    expect(check(parts as never).problems).toEqual(expected);
  });
});
