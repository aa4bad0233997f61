/**
 * What Discord refuses, rule by rule, in what this bot sends: message bodies (channel posts,
 * interaction callbacks, follow-ups and edits), autocomplete results and command schemas.
 *
 * Written from Discord's API reference (discord-api-docs: resources/message.mdx "Embed Limits",
 * "Allowed Mentions", "Create Message"; components/reference.mdx; interactions/application-commands.mdx)
 * independently of src/discord/format.ts, so that one cannot hide a mistake in the other.
 * Where Discord's reference is silent the emulator errs on the strict side: lengths are counted in
 * UTF-16 units (never fewer than Discord's code points) and whitespace is not trimmed first.
 *
 * A refusal carries Discord's own shape: HTTP 400, `{ code: 50035, message: 'Invalid Form Body',
 * errors: { components: { 0: { components: { 1: { custom_id: { _errors: [{ code, message }] } } } } } } }`;
 * an empty message is `{ code: 50006, message: 'Cannot send an empty message' }`.
 */

export interface FieldProblem {
  /** Discord's error path, e.g. ['components', 0, 'components', 1, 'custom_id']. */
  path: Array<string | number>;
  code: string;
  message: string;
}

export interface Refusal {
  status: 400 | 413;
  body: { code: number; message: string; errors?: Record<string, unknown> };
  /** Flattened for humans and tests: `components.0.components.1.custom_id: Component custom id cannot be duplicated`. */
  lines: string[];
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);

class Collector {
  readonly problems: FieldProblem[] = [];
  add(path: Array<string | number>, code: string, message: string): void {
    this.problems.push({ path, code, message });
  }
  /** A string of at most `max` (and at least `min`) characters; `required` also refuses absence. */
  text(path: Array<string | number>, v: unknown, opts: { min?: number; max: number; required?: boolean }): void {
    if (v === undefined || v === null) {
      if (opts.required) this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return;
    }
    if (typeof v !== 'string') return this.add(path, 'BASE_TYPE_STRING', 'Value must be a string.');
    const min = opts.min ?? 0;
    if (v.length > opts.max || v.length < min) {
      if (min > 0) this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${opts.max} in length.`);
      else this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${opts.max} or fewer in length.`);
    }
  }
  array(path: Array<string | number>, v: unknown, opts: { min?: number; max: number }): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.add(path, 'BASE_TYPE_ARRAY', 'Value must be an array.');
      return [];
    }
    const min = opts.min ?? 0;
    if (v.length > opts.max || v.length < min) {
      if (min > 0) this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${opts.max} in length.`);
      else this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${opts.max} or fewer in length.`);
    }
    return v;
  }
  url(path: Array<string | number>, v: unknown, schemes: string[]): void {
    if (v === undefined || v === null) return;
    if (typeof v !== 'string') return this.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      return this.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    }
    const scheme = parsed.protocol.replace(/:$/, '');
    if (!schemes.includes(scheme)) {
      this.add(path, 'URL_TYPE_INVALID_SCHEME', `Scheme "${scheme}" is not supported. Scheme must be one of (${schemes.map((s) => `'${s}'`).join(', ')}).`);
    } else if (!parsed.hostname) this.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
  }
}

/** Discord's nested `errors` object from flat problems. */
function nest(problems: FieldProblem[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const p of problems) {
    let node = root;
    for (const key of p.path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    ((node._errors ??= []) as Array<{ code: string; message: string }>).push({ code: p.code, message: p.message });
  }
  return root;
}

/** Discord's 400 / 50035 answer for these problems, or null when there are none. */
export function refusal(problems: FieldProblem[]): Refusal | null {
  if (problems.length === 0) return null;
  return {
    status: 400,
    body: { code: 50035, message: 'Invalid Form Body', errors: nest(problems) },
    lines: problems.map((p) => `${p.path.join('.') || '(body)'}: ${p.message}`),
  };
}

// ── messages ────────────────────────────────────────────────────────────────

const EMBED_TOTAL = 6000;
const WEB = ['http', 'https'];
const MEDIA = ['http', 'https', 'attachment'];
/** Flags a bot may set when sending: SUPPRESS_EMBEDS, EPHEMERAL (interactions only), SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2. */
const SENDABLE_FLAGS = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 15);

/** What an `attachment://` picture may be called (Discord: ASCII letters, digits, `_`, `-`, `.`). */
const ATTACHMENT_NAME = /^[A-Za-z0-9_.-]+$/;

function checkEmbeds(c: Collector, embeds: unknown[], fileNames: string[] | undefined): void {
  let total = 0;
  embeds.forEach((raw, i) => {
    const at = ['embeds', i];
    if (!isObj(raw)) return c.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const e = raw;
    c.text([...at, 'title'], e.title, { max: 256 });
    c.text([...at, 'description'], e.description, { max: 4096 });
    c.url([...at, 'url'], e.url, WEB);
    if (e.timestamp !== undefined && e.timestamp !== null) {
      const ok = typeof e.timestamp === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(e.timestamp) && !Number.isNaN(Date.parse(e.timestamp));
      if (!ok) c.add([...at, 'timestamp'], 'DATE_TYPE_PARSE', `Could not parse ${String(e.timestamp)}. Should be ISO8601.`);
    }
    if (e.color !== undefined && e.color !== null) {
      if (!Number.isInteger(e.color)) c.add([...at, 'color'], 'NUMBER_TYPE_COERCE', `Value "${String(e.color)}" is not int.`);
      else if ((e.color as number) < 0) c.add([...at, 'color'], 'NUMBER_TYPE_MIN', 'int value should be greater than or equal to 0.');
      else if ((e.color as number) > 0xffffff) c.add([...at, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
    }
    if (e.footer !== undefined) {
      const f = isObj(e.footer) ? e.footer : {};
      c.text([...at, 'footer', 'text'], f.text, { min: 1, max: 2048, required: true });
      c.url([...at, 'footer', 'icon_url'], f.icon_url, MEDIA);
      total += len(f.text);
    }
    if (e.author !== undefined) {
      const a = isObj(e.author) ? e.author : {};
      c.text([...at, 'author', 'name'], a.name, { min: 1, max: 256, required: true });
      c.url([...at, 'author', 'url'], a.url, WEB);
      c.url([...at, 'author', 'icon_url'], a.icon_url, MEDIA);
      total += len(a.name);
    }
    for (const media of ['image', 'thumbnail'] as const) {
      if (e[media] === undefined) continue;
      const m = isObj(e[media]) ? (e[media] as Json) : {};
      if (m.url === undefined) c.add([...at, media, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
      c.url([...at, media, 'url'], m.url, MEDIA);
      // A picture uploaded with the message: named as Discord allows, and a file of this very
      // message. (Discord shows no picture for a name with no such file; the emulator refuses it
      // outright, so a reply that would show an empty card never passes a test.)
      if (typeof m.url === 'string' && m.url.startsWith('attachment://')) {
        const name = m.url.slice('attachment://'.length);
        if (!ATTACHMENT_NAME.test(name)) c.add([...at, media, 'url'], 'URL_TYPE_INVALID_URL', `attachment://${name}: a file name of ASCII letters, digits, "_", "-" or "." only`);
        else if (fileNames && !fileNames.includes(name)) c.add([...at, media, 'url'], 'ATTACHMENT_NOT_FOUND', `attachment://${name}: no file of that name is attached to this message (${fileNames.length ? fileNames.join(', ') : 'none'})`);
      }
    }
    const fields = c.array([...at, 'fields'], e.fields, { max: 25 });
    fields.forEach((rawField, j) => {
      const f = isObj(rawField) ? rawField : {};
      c.text([...at, 'fields', j, 'name'], f.name, { min: 1, max: 256, required: true });
      c.text([...at, 'fields', j, 'value'], f.value, { min: 1, max: 1024, required: true });
      total += len(f.name) + len(f.value);
    });
    total += len(e.title) + len(e.description);
  });
  if (total > EMBED_TOTAL) c.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${EMBED_TOTAL}`);
}

function checkAllowedMentions(c: Collector, am: unknown): void {
  if (am === undefined || am === null) return;
  if (!isObj(am)) return c.add(['allowed_mentions'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
  const parse = c.array(['allowed_mentions', 'parse'], am.parse, { max: 3 });
  parse.forEach((p, i) => {
    if (!['roles', 'users', 'everyone'].includes(p as string)) c.add(['allowed_mentions', 'parse', i], 'BASE_TYPE_CHOICES', "Value must be one of ('roles', 'users', 'everyone').");
  });
  for (const kind of ['roles', 'users'] as const) {
    const ids = c.array(['allowed_mentions', kind], am[kind], { max: 100 });
    ids.forEach((id, i) => {
      if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) c.add(['allowed_mentions', kind, i], 'NUMBER_TYPE_COERCE', `Value "${String(id)}" is not snowflake.`);
    });
    if (parse.includes(kind) && ids.length > 0) {
      c.add(['allowed_mentions'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
    }
  }
}

/** Checks one component tree of a (non components-v2) message; custom_ids are collected for uniqueness. */
function checkComponents(c: Collector, rows: unknown[]): void {
  const seen = new Map<string, Array<string | number>>();
  const claim = (path: Array<string | number>, id: unknown) => {
    if (typeof id !== 'string') return;
    if (seen.has(id)) c.add(path, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    else seen.set(id, path);
  };
  rows.forEach((rawRow, i) => {
    const at = ['components', i];
    if (!isObj(rawRow)) return c.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    if (rawRow.type !== 1) return c.add([...at, 'type'], 'COMPONENT_TYPE_INVALID', 'The specified component type is invalid in this context');
    const items = c.array([...at, 'components'], rawRow.components, { min: 1, max: 5 });
    const hasSelect = items.some((x) => isObj(x) && [3, 5, 6, 7, 8].includes(x.type as number));
    if (hasSelect && items.length > 1) c.add([...at, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    items.forEach((raw, j) => {
      const p = [...at, 'components', j];
      if (!isObj(raw)) return c.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      if (raw.type === 2) checkButton(c, p, raw, claim);
      else if ([3, 5, 6, 7, 8].includes(raw.type as number)) checkSelect(c, p, raw, claim);
      else c.add([...p, 'type'], 'COMPONENT_TYPE_INVALID', 'The specified component type is invalid in this context');
    });
  });
}

function checkButton(c: Collector, p: Array<string | number>, b: Json, claim: (path: Array<string | number>, id: unknown) => void): void {
  const style = b.style;
  if (!Number.isInteger(style) || (style as number) < 1 || (style as number) > 6) {
    return c.add([...p, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4, 5, 6).');
  }
  if (style === 6) {
    if (!b.sku_id) c.add([...p, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    for (const k of ['custom_id', 'label', 'url', 'emoji']) if (b[k] !== undefined) c.add([...p, k], 'BUTTON_COMPONENT_PREMIUM_FIELD_INVALID', `A premium button cannot have ${k}`);
    return;
  }
  if (b.label === undefined && b.emoji === undefined) c.add([...p, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button must have a label or an emoji');
  c.text([...p, 'label'], b.label, { min: b.emoji === undefined ? 1 : 0, max: 80 });
  if (style === 5) {
    if (b.url === undefined) c.add([...p, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
    c.text([...p, 'url'], b.url, { max: 512 });
    c.url([...p, 'url'], b.url, ['http', 'https', 'discord']);
    if (b.custom_id !== undefined) c.add([...p, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_URL_EXCLUSIVE', 'A link button cannot have a custom_id');
  } else {
    if (b.url !== undefined) c.add([...p, 'url'], 'BUTTON_COMPONENT_CUSTOM_ID_URL_EXCLUSIVE', 'A non-link button cannot have a url');
    c.text([...p, 'custom_id'], b.custom_id, { min: 1, max: 100, required: true });
    claim([...p, 'custom_id'], b.custom_id);
  }
}

function checkSelect(c: Collector, p: Array<string | number>, s: Json, claim: (path: Array<string | number>, id: unknown) => void): void {
  c.text([...p, 'custom_id'], s.custom_id, { min: 1, max: 100, required: true });
  claim([...p, 'custom_id'], s.custom_id);
  c.text([...p, 'placeholder'], s.placeholder, { max: 150 });
  let available = 25;
  if (s.type === 3) {
    if (s.options === undefined) c.add([...p, 'options'], 'BASE_TYPE_REQUIRED', 'This field is required');
    const options = c.array([...p, 'options'], s.options, { min: 1, max: 25 });
    available = options.length;
    const values = new Set<string>();
    options.forEach((raw, k) => {
      const o = isObj(raw) ? raw : {};
      c.text([...p, 'options', k, 'label'], o.label, { min: 1, max: 100, required: true });
      c.text([...p, 'options', k, 'value'], o.value, { min: 1, max: 100, required: true });
      c.text([...p, 'options', k, 'description'], o.description, { max: 100 });
      if (typeof o.value === 'string') {
        if (values.has(o.value)) c.add([...p, 'options', k, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Select component option values must be unique');
        values.add(o.value);
      }
    });
  }
  // With no options at all, that one error is the whole story.
  if (available === 0) return;
  const min = s.min_values === undefined ? 1 : s.min_values;
  const max = s.max_values === undefined ? 1 : s.max_values;
  if (!Number.isInteger(min) || (min as number) < 0 || (min as number) > 25) c.add([...p, 'min_values'], 'NUMBER_TYPE_MAX', 'int value should be between 0 and 25.');
  if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 25) c.add([...p, 'max_values'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 25.');
  if (Number.isInteger(min) && Number.isInteger(max) && (min as number) > (max as number)) c.add([...p, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_EXCEEDS_MAX', 'min_values must be less than or equal to max_values');
  if (Number.isInteger(max) && (max as number) > available) c.add([...p, 'max_values'], 'SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS', `max_values must be ${available} or fewer (the number of options)`);
  if (Number.isInteger(min) && (min as number) > available) c.add([...p, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_EXCEEDS_OPTIONS', `min_values must be ${available} or fewer (the number of options)`);
}

export interface MessageContext {
  /** 'create' needs something to show; 'edit' may change a single field of an existing message. */
  mode: 'create' | 'edit';
  /** Ephemeral and other interaction-only flags are allowed on interaction responses. */
  interaction: boolean;
  /** Files sent alongside (multipart), which count as content. */
  files?: number;
  /**
   * The names of the files the message will have (uploaded with it; for an edit without uploads,
   * those it keeps), which `attachment://` pictures must name. Unknown when absent (not checked).
   */
  fileNames?: string[];
}

/**
 * Every rule Discord enforces on a message body this bot can send. Null when Discord would
 * accept it; otherwise the refusal Discord would answer with.
 */
export function validateMessage(body: unknown, ctx: MessageContext): Refusal | null {
  if (!isObj(body)) return refusal([{ path: [], code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' }]);
  const c = new Collector();
  c.text(['content'], body.content, { max: 2000 });
  if (body.nonce !== undefined) {
    const nonce = body.nonce;
    if (typeof nonce === 'string') c.text(['nonce'], nonce, { max: 25 });
    else if (!Number.isInteger(nonce)) c.add(['nonce'], 'BASE_TYPE_STRING', 'Value must be a string or an integer.');
  }
  const flags = body.flags;
  if (flags !== undefined && flags !== null) {
    const allowed = ctx.interaction ? SENDABLE_FLAGS : SENDABLE_FLAGS & ~(1 << 6);
    if (!Number.isInteger(flags) || ((flags as number) & ~allowed) !== 0) c.add(['flags'], 'MESSAGE_FLAGS_INVALID', 'Invalid flags for this message');
  }
  const componentsV2 = Number.isInteger(flags) && ((flags as number) & (1 << 15)) !== 0;
  const embeds = c.array(['embeds'], body.embeds, { max: 10 });
  checkEmbeds(c, embeds, ctx.fileNames);
  checkAllowedMentions(c, body.allowed_mentions);
  const rows = c.array(['components'], body.components, { max: componentsV2 ? 40 : 5 });
  if (!componentsV2) checkComponents(c, rows);
  const problems = refusal(c.problems);
  if (problems) return problems;
  if (ctx.mode === 'create') {
    const hasContent = typeof body.content === 'string' && body.content.trim().length > 0;
    const hasSomething = hasContent || embeds.length > 0 || rows.length > 0 || (ctx.files ?? 0) > 0 || Array.isArray(body.sticker_ids) || isObj(body.poll);
    if (!hasSomething) return { status: 400, body: { code: 50006, message: 'Cannot send an empty message' }, lines: ['(body): Cannot send an empty message'] };
  }
  return null;
}

// ── autocomplete ────────────────────────────────────────────────────────────

/** An autocomplete result (interaction callback type 8): ≤ 25 choices, names 1–100, string values ≤ 100. */
export function validateAutocomplete(data: unknown): Refusal | null {
  const c = new Collector();
  if (!isObj(data)) return refusal([{ path: ['data'], code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' }]);
  if (data.choices === undefined) c.add(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
  const choices = c.array(['data', 'choices'], data.choices, { max: 25 });
  choices.forEach((raw, i) => {
    const ch = isObj(raw) ? raw : {};
    c.text(['data', 'choices', i, 'name'], ch.name, { min: 1, max: 100, required: true });
    if (typeof ch.value === 'string') c.text(['data', 'choices', i, 'value'], ch.value, { max: 100 });
    else if (typeof ch.value !== 'number') c.add(['data', 'choices', i, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
  });
  return refusal(c.problems);
}

// ── command schemas ─────────────────────────────────────────────────────────

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const STRING = 3;
const INTEGER = 4;
const NUMBER = 10;

function checkName(c: Collector, path: Array<string | number>, name: unknown): void {
  if (typeof name !== 'string' || !NAME.test(name)) c.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  else if (name !== name.toLowerCase()) c.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
}

/** Sums name, description and choice names/values of a command and all its options (Discord's 8,000 limit). */
function commandSize(node: Json): number {
  let n = len(node.name) + len(node.description);
  for (const ch of Array.isArray(node.choices) ? node.choices : []) if (isObj(ch)) n += len(ch.name) + String(ch.value ?? '').length;
  for (const o of Array.isArray(node.options) ? node.options : []) if (isObj(o)) n += commandSize(o);
  return n;
}

function checkOptions(c: Collector, path: Array<string | number>, options: unknown, depth: 'command' | 'group' | 'subcommand'): void {
  const list = c.array([...path, 'options'], options, { max: 25 });
  const names = new Set<string>();
  let sawOptional = false;
  const kinds = new Set<'sub' | 'value'>();
  list.forEach((raw, i) => {
    const p = [...path, 'options', i];
    if (!isObj(raw)) return c.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const o = raw;
    checkName(c, p, o.name);
    if (typeof o.name === 'string') {
      if (names.has(o.name)) c.add([...p, 'name'], 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option name already exists');
      names.add(o.name);
    }
    c.text([...p, 'description'], o.description, { min: 1, max: 100, required: true });
    const type = o.type as number;
    if (!Number.isInteger(type) || type < 1 || type > 11) return c.add([...p, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).');
    const isSub = type === SUB_COMMAND || type === SUB_COMMAND_GROUP;
    kinds.add(isSub ? 'sub' : 'value');
    if (isSub) {
      if (depth === 'subcommand' || (depth === 'group' && type === SUB_COMMAND_GROUP)) {
        c.add([...p, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
      }
      checkOptions(c, p, o.options, type === SUB_COMMAND_GROUP ? 'group' : 'subcommand');
      return;
    }
    if (depth === 'group') c.add([...p, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'A sub-command group can only contain sub-commands');
    if (o.required === true) {
      if (sawOptional) c.add([...p, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else sawOptional = true;
    const choices = c.array([...p, 'choices'], o.choices, { max: 25 });
    if (o.choices !== undefined && ![STRING, INTEGER, NUMBER].includes(type)) c.add([...p, 'choices'], 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', 'Choices are only allowed for string, integer and number options');
    choices.forEach((rawChoice, k) => {
      const ch = isObj(rawChoice) ? rawChoice : {};
      c.text([...p, 'choices', k, 'name'], ch.name, { min: 1, max: 100, required: true });
      if (type === STRING) c.text([...p, 'choices', k, 'value'], ch.value, { min: 1, max: 100, required: true });
      else if (typeof ch.value !== 'number' || (type === INTEGER && !Number.isInteger(ch.value))) c.add([...p, 'choices', k, 'value'], 'NUMBER_TYPE_COERCE', `Value "${String(ch.value)}" is not ${type === INTEGER ? 'int' : 'number'}.`);
    });
    if (o.autocomplete === true) {
      if (![STRING, INTEGER, NUMBER].includes(type)) c.add([...p, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete is only allowed for string, integer and number options');
      if (choices.length > 0) c.add([...p, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_EXCLUSIVE', 'Autocomplete cannot be enabled on an option with choices');
    }
    for (const [key, lo, hi] of [['min_length', 0, 6000], ['max_length', 1, 6000]] as const) {
      if (o[key] === undefined) continue;
      if (type !== STRING) c.add([...p, key], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', `${key} is only allowed for string options`);
      else if (!Number.isInteger(o[key]) || (o[key] as number) < lo || (o[key] as number) > hi) c.add([...p, key], 'NUMBER_TYPE_MAX', `int value should be between ${lo} and ${hi}.`);
    }
    if (Number.isInteger(o.min_length) && Number.isInteger(o.max_length) && (o.min_length as number) > (o.max_length as number)) c.add([...p, 'min_length'], 'APPLICATION_COMMAND_OPTION_LENGTH_INVALID', 'min_length must be less than or equal to max_length');
    for (const key of ['min_value', 'max_value'] as const) {
      if (o[key] === undefined) continue;
      if (type !== INTEGER && type !== NUMBER) c.add([...p, key], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', `${key} is only allowed for integer and number options`);
      else if (typeof o[key] !== 'number' || (type === INTEGER && !Number.isInteger(o[key]))) c.add([...p, key], 'NUMBER_TYPE_COERCE', `Value "${String(o[key])}" is not ${type === INTEGER ? 'int' : 'number'}.`);
    }
    if (typeof o.min_value === 'number' && typeof o.max_value === 'number' && o.min_value > o.max_value) c.add([...p, 'min_value'], 'APPLICATION_COMMAND_OPTION_VALUE_INVALID', 'min_value must be less than or equal to max_value');
  });
  if (kinds.size > 1) c.add([...path, 'options'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
}

/** A bulk overwrite of chat-input commands (PUT …/commands). */
export function validateCommands(body: unknown): Refusal | null {
  const c = new Collector();
  if (!Array.isArray(body)) return refusal([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Value must be an array.' }]);
  if (body.length > 100) c.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  const names = new Set<string>();
  body.forEach((raw, i) => {
    if (!isObj(raw)) return c.add([i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const cmd = raw;
    const type = cmd.type ?? 1;
    if (type !== 1) return;
    checkName(c, [i], cmd.name);
    if (typeof cmd.name === 'string') {
      if (names.has(cmd.name)) c.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
      names.add(cmd.name);
    }
    c.text([i, 'description'], cmd.description, { min: 1, max: 100, required: true });
    if (cmd.default_member_permissions !== undefined && cmd.default_member_permissions !== null && !/^\d+$/.test(String(cmd.default_member_permissions))) {
      c.add([i, 'default_member_permissions'], 'NUMBER_TYPE_COERCE', `Value "${String(cmd.default_member_permissions)}" is not a permission bitfield.`);
    }
    checkOptions(c, [i], cmd.options, 'command');
    const size = commandSize(cmd);
    if (size > 8000) c.add([i], 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (8000)');
  });
  return refusal(c.problems);
}
