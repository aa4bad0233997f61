/**
 * Author fields as feeds write them, reduced to the names a byline shows. RSS 2.0 defines
 * `<author>` as an e-mail address, conventionally `jane@x.example (Jane Q. Doe)`; others write
 * `Jane Q. Doe <jane@x.example>`, `Jane Q. Doe (jane@x.example)`, or the bare address. A byline
 * never shows an address: a part that is only an address is dropped.
 */
const EMAIL = /\b(?:mailto:)?[^\s@<>()"',;]+@[^\s@<>()"',;]+\.[^\s@<>()"',;]+\b/i;

export function authorName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const names = raw
    .replace(/\s+/g, ' ')
    // Split a list of authors on commas and semicolons outside parentheses and angle brackets.
    .split(/[,;](?![^()<>]*[)>])/)
    .map(onePerson)
    .filter((n): n is string => Boolean(n));
  return names.length ? [...new Set(names)].join(', ') : null;
}

function onePerson(part: string): string | null {
  let p = part.trim();
  // "jane@x.example (Jane Q. Doe)" → the name in parentheses.
  const paren = /^(?:mailto:)?\S+@\S+\s*\(([^()]+)\)$/i.exec(p);
  if (paren) p = paren[1]!.trim();
  // "Jane Q. Doe <jane@x.example>" and "Jane Q. Doe (jane@x.example)" → the name before it.
  p = p.replace(/\s*[<(]\s*(?:mailto:)?[^<>()\s]+@[^<>()\s]+\s*[>)]\s*$/i, '').trim();
  p = p.replace(/^["']|["']$/g, '').trim();
  if (!p || EMAIL.test(p)) return null;
  return p;
}
