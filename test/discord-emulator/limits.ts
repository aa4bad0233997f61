/** What Discord validates on a message body; the emulator rejects violations with 400/50035. */
export function messageProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const content = body.content;
  if (typeof content === 'string' && content.length > 2000) problems.push(`content: must be 2000 or fewer in length (${content.length})`);
  const embeds = (body.embeds as Array<Record<string, unknown>> | undefined) ?? [];
  if (embeds.length > 10) problems.push(`embeds: must be 10 or fewer (${embeds.length})`);
  let total = 0;
  embeds.forEach((e, i) => {
    const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);
    const title = len(e.title);
    const description = len(e.description);
    const footer = len((e.footer as { text?: string } | undefined)?.text);
    const author = len((e.author as { name?: string } | undefined)?.name);
    if (title > 256) problems.push(`embeds.${i}.title: must be 256 or fewer (${title})`);
    if (description > 4096) problems.push(`embeds.${i}.description: must be 4096 or fewer (${description})`);
    if (footer > 2048) problems.push(`embeds.${i}.footer.text: must be 2048 or fewer (${footer})`);
    if (author > 256) problems.push(`embeds.${i}.author.name: must be 256 or fewer (${author})`);
    total += title + description + footer + author;
    const fields = (e.fields as Array<{ name?: string; value?: string }> | undefined) ?? [];
    if (fields.length > 25) problems.push(`embeds.${i}.fields: must be 25 or fewer (${fields.length})`);
    fields.forEach((f, j) => {
      if (!f.name || f.name.length > 256) problems.push(`embeds.${i}.fields.${j}.name: must be 1-256 in length`);
      if (!f.value || f.value.length > 1024) problems.push(`embeds.${i}.fields.${j}.value: must be 1-1024 in length`);
      total += len(f.name) + len(f.value);
    });
  });
  if (total > 6000) problems.push(`embeds: total text must be 6000 or fewer (${total})`);
  const rows = (body.components as Array<{ components?: Array<{ custom_id?: string; label?: string; url?: string; style?: number }> }> | undefined) ?? [];
  if (rows.length > 5) problems.push(`components: must be 5 or fewer action rows (${rows.length})`);
  rows.forEach((row, i) => {
    const items = row.components ?? [];
    if (items.length === 0 || items.length > 5) problems.push(`components.${i}.components: must be 1-5 buttons (${items.length})`);
    items.forEach((b, j) => {
      if (b.style === 5 ? !b.url : !b.custom_id) problems.push(`components.${i}.components.${j}: needs ${b.style === 5 ? 'url' : 'custom_id'}`);
      if (b.custom_id && b.custom_id.length > 100) problems.push(`components.${i}.components.${j}.custom_id: must be 100 or fewer (${b.custom_id.length})`);
      if (b.label && b.label.length > 80) problems.push(`components.${i}.components.${j}.label: must be 80 or fewer (${b.label.length})`);
    });
  });
  if (!content && embeds.length === 0 && rows.length === 0 && body.flags === undefined) problems.push('message: cannot send an empty message');
  return problems;
}

export function choiceProblems(choices: Array<{ name?: string; value?: unknown }>): string[] {
  const problems: string[] = [];
  if (choices.length > 25) problems.push(`choices: must be 25 or fewer (${choices.length})`);
  choices.forEach((c, i) => {
    if (!c.name || c.name.length > 100) problems.push(`choices.${i}.name: must be 1-100 in length`);
    if (typeof c.value === 'string' && (c.value.length === 0 || c.value.length > 100)) problems.push(`choices.${i}.value: must be 1-100 in length`);
  });
  return problems;
}

export function commandProblems(cmds: Array<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const walk = (opts: Array<Record<string, unknown>> | undefined, path: string) => {
    if (!opts) return;
    if (opts.length > 25) problems.push(`${path}.options: must be 25 or fewer`);
    opts.forEach((o) => {
      const name = String(o.name ?? '');
      const description = String(o.description ?? '');
      if (!/^[-_\p{L}\p{N}]{1,32}$/u.test(name) || name !== name.toLowerCase()) problems.push(`${path}.${name}: invalid name`);
      if (description.length < 1 || description.length > 100) problems.push(`${path}.${name}.description: must be 1-100 in length (${description.length})`);
      walk(o.options as Array<Record<string, unknown>> | undefined, `${path}.${name}`);
    });
  };
  walk(cmds, 'commands');
  return problems;
}
