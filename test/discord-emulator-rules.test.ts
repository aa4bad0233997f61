import { Client, DiscordAPIError, Events, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './discord-emulator/index.ts';

/**
 * One test per rule Discord enforces on what this bot sends: the emulator must refuse a payload
 * that breaks it, with Discord's status, error code and error path — and accept the same payload
 * with the rule kept (so a refusal is never the emulator refusing everything).
 */
const GUILD = '400000000000000001';
const CHANNEL = '400000000000000002';
let emu: DiscordEmulator;
let client: Client;

beforeAll(async () => {
  emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, name: 'Rules', channels: [{ id: CHANNEL, name: 'desk' }] }] });
  // A connected client so interactions have a gateway to arrive on; it never answers them itself.
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.url } });
  const ready = new Promise<void>((r) => client.once(Events.ClientReady, () => r()));
  await client.login(emu.token);
  await ready;
});
afterAll(async () => {
  await client.destroy();
  await emu.stop();
});

type Json = Record<string, unknown>;
const button = (id: string, extra: Json = {}): Json => ({ type: 2, style: 2, label: 'Go', custom_id: id, ...extra });
const link = (url: string, extra: Json = {}): Json => ({ type: 2, style: 5, label: 'Open', url, ...extra });
const row = (...components: Json[]): Json => ({ type: 1, components });
const select = (extra: Json = {}): Json => ({ type: 3, custom_id: 'pick', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }], ...extra });
const embed = (extra: Json = {}): Json => ({ title: 'T', description: 'D', ...extra });
const x = (n: number) => 'x'.repeat(n);

interface Answer {
  status: number;
  body: { code?: number; message?: string; errors?: unknown };
}

async function call(method: string, path: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${emu.url}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${emu.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

const post = (body: unknown) => call('POST', `/channels/${CHANNEL}/messages`, body);

/** An interaction callback; `kind` picks the interaction the callback answers. */
async function callback(type: number, data: unknown, kind: 'command' | 'autocomplete' = 'command'): Promise<Answer> {
  const h = kind === 'autocomplete' ? emu.sendAutocomplete({ name: 'search', options: [{ type: 3, name: 'query', value: 'x', focused: true }] as never, guildId: GUILD, channelId: CHANNEL }) : emu.sendCommand({ name: 'search', guildId: GUILD, channelId: CHANNEL });
  return call('POST', `/interactions/${h.id}/${h.token}/callback`, { type, data });
}

/** Discord's nested errors flattened to `path: message [CODE]`. */
function flatten(errors: unknown, prefix: string[] = []): string[] {
  if (!errors || typeof errors !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(errors as Record<string, unknown>)) {
    if (k === '_errors') for (const e of v as Array<{ code: string; message: string }>) out.push(`${prefix.join('.')}: ${e.message} [${e.code}]`);
    else out.push(...flatten(v, [...prefix, k]));
  }
  return out;
}

function expectRefused(a: Answer, lines: string[]): void {
  expect(a.status).toBe(400);
  expect(a.body.code).toBe(50035);
  expect(a.body.message).toBe('Invalid Form Body');
  expect(flatten(a.body.errors)).toEqual(lines);
}

describe('the emulator refuses what Discord refuses in a message', () => {
  it.each<[string, Json, Json, string[]]>([
    ['content over 2000', { content: x(2001) }, { content: x(2000) }, ['content: Must be 2000 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['more than 10 embeds', { embeds: Array.from({ length: 11 }, () => embed()) }, { embeds: Array.from({ length: 10 }, () => embed()) }, ['embeds: Must be 10 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['embed title over 256', { embeds: [embed({ title: x(257) })] }, { embeds: [embed({ title: x(256) })] }, ['embeds.0.title: Must be 256 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['embed description over 4096', { embeds: [embed({ description: x(4097) })] }, { embeds: [embed({ description: x(4096) })] }, ['embeds.0.description: Must be 4096 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    [
      'more than 25 fields',
      { embeds: [embed({ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) })] },
      { embeds: [embed({ fields: Array.from({ length: 25 }, () => ({ name: 'n', value: 'v' })) })] },
      ['embeds.0.fields: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]'],
    ],
    ['field name over 256', { embeds: [embed({ fields: [{ name: x(257), value: 'v' }] })] }, { embeds: [embed({ fields: [{ name: x(256), value: 'v' }] })] }, ['embeds.0.fields.0.name: Must be between 1 and 256 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['empty field name', { embeds: [embed({ fields: [{ name: '', value: 'v' }] })] }, { embeds: [embed({ fields: [{ name: 'n', value: 'v' }] })] }, ['embeds.0.fields.0.name: Must be between 1 and 256 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['field value over 1024', { embeds: [embed({ fields: [{ name: 'n', value: x(1025) }] })] }, { embeds: [embed({ fields: [{ name: 'n', value: x(1024) }] })] }, ['embeds.0.fields.0.value: Must be between 1 and 1024 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['field without value', { embeds: [embed({ fields: [{ name: 'n' }] })] }, { embeds: [embed({ fields: [{ name: 'n', value: 'v' }] })] }, ['embeds.0.fields.0.value: This field is required [BASE_TYPE_REQUIRED]']],
    ['footer over 2048', { embeds: [embed({ footer: { text: x(2049) } })] }, { embeds: [embed({ footer: { text: x(2048) } })] }, ['embeds.0.footer.text: Must be between 1 and 2048 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['author name over 256', { embeds: [embed({ author: { name: x(257) } })] }, { embeds: [embed({ author: { name: x(256) } })] }, ['embeds.0.author.name: Must be between 1 and 256 in length. [BASE_TYPE_BAD_LENGTH]']],
    [
      'all embed text over 6000',
      { embeds: [embed({ title: undefined, description: x(4000) }), embed({ title: undefined, description: x(2001) })] },
      { embeds: [embed({ title: undefined, description: x(4000) }), embed({ title: undefined, description: x(2000) })] },
      ['embeds: Embed size exceeds maximum size of 6000 [MAX_EMBED_SIZE_EXCEEDED]'],
    ],
    ['embed url not http(s)', { embeds: [embed({ url: 'javascript:alert(1)' })] }, { embeds: [embed({ url: 'https://news.example/a' })] }, ["embeds.0.url: Scheme \"javascript\" is not supported. Scheme must be one of ('http', 'https'). [URL_TYPE_INVALID_SCHEME]"]],
    ['embed url malformed', { embeds: [embed({ url: 'not a url' })] }, { embeds: [embed({ url: 'http://news.example/a' })] }, ['embeds.0.url: Not a well formed URL. [URL_TYPE_INVALID_URL]']],
    ['embed timestamp not ISO-8601', { embeds: [embed({ timestamp: 'March 3rd' })] }, { embeds: [embed({ timestamp: '2024-03-07T09:00:00.000Z' })] }, ['embeds.0.timestamp: Could not parse March 3rd. Should be ISO8601. [DATE_TYPE_PARSE]']],
    ['embed color out of range', { embeds: [embed({ color: 0x1000000 })] }, { embeds: [embed({ color: 0xffffff })] }, ['embeds.0.color: int value should be less than or equal to 16777215. [NUMBER_TYPE_MAX]']],
    ['more than 5 action rows', { content: 'c', components: Array.from({ length: 6 }, (_, i) => row(button(`b${i}`))) }, { content: 'c', components: Array.from({ length: 5 }, (_, i) => row(button(`b${i}`))) }, ['components: Must be 5 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['more than 5 buttons in a row', { content: 'c', components: [row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))] }, { content: 'c', components: [row(...Array.from({ length: 5 }, (_, i) => button(`b${i}`)))] }, ['components.0.components: Must be between 1 and 5 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['an empty action row', { content: 'c', components: [row()] }, { content: 'c', components: [row(button('a'))] }, ['components.0.components: Must be between 1 and 5 in length. [BASE_TYPE_BAD_LENGTH]']],
    [
      'custom_id duplicated in one row (disabled too)',
      { content: 'c', components: [row(button('s:0:q', { disabled: true }), button('s:0:q', { disabled: true }))] },
      { content: 'c', components: [row(button('s:0:q', { disabled: true }), button('s:1:q', { disabled: true }))] },
      ['components.0.components.1.custom_id: Component custom id cannot be duplicated [COMPONENT_CUSTOM_ID_DUPLICATED]'],
    ],
    ['custom_id duplicated across rows', { content: 'c', components: [row(button('a')), row(button('b'), button('a'))] }, { content: 'c', components: [row(button('a')), row(button('b'), button('c'))] }, ['components.1.components.1.custom_id: Component custom id cannot be duplicated [COMPONENT_CUSTOM_ID_DUPLICATED]']],
    ['custom_id duplicated by a select', { content: 'c', components: [row(button('pick')), row(select())] }, { content: 'c', components: [row(button('go')), row(select())] }, ['components.1.components.0.custom_id: Component custom id cannot be duplicated [COMPONENT_CUSTOM_ID_DUPLICATED]']],
    ['custom_id over 100', { content: 'c', components: [row(button(x(101)))] }, { content: 'c', components: [row(button(x(100)))] }, ['components.0.components.0.custom_id: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['empty custom_id', { content: 'c', components: [row(button(''))] }, { content: 'c', components: [row(button('a'))] }, ['components.0.components.0.custom_id: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['button label over 80', { content: 'c', components: [row(button('a', { label: x(81) }))] }, { content: 'c', components: [row(button('a', { label: x(80) }))] }, ['components.0.components.0.label: Must be between 1 and 80 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['button without label or emoji', { content: 'c', components: [row(button('a', { label: undefined }))] }, { content: 'c', components: [row(button('a', { label: undefined, emoji: { name: '▶' } }))] }, ['components.0.components.0.label: A button must have a label or an emoji [BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED]']],
    ['non-link button without custom_id', { content: 'c', components: [row(button('a', { custom_id: undefined }))] }, { content: 'c', components: [row(button('a'))] }, ['components.0.components.0.custom_id: This field is required [BASE_TYPE_REQUIRED]']],
    ['non-link button with a url', { content: 'c', components: [row(button('a', { url: 'https://news.example/' }))] }, { content: 'c', components: [row(button('a'))] }, ['components.0.components.0.url: A non-link button cannot have a url [BUTTON_COMPONENT_CUSTOM_ID_URL_EXCLUSIVE]']],
    ['link button without url', { content: 'c', components: [row(link('https://a.example/', { url: undefined }))] }, { content: 'c', components: [row(link('https://a.example/'))] }, ['components.0.components.0.url: This field is required [BASE_TYPE_REQUIRED]']],
    ['link button with a custom_id', { content: 'c', components: [row(link('https://a.example/', { custom_id: 'x' }))] }, { content: 'c', components: [row(link('https://a.example/'))] }, ['components.0.components.0.custom_id: A link button cannot have a custom_id [BUTTON_COMPONENT_CUSTOM_ID_URL_EXCLUSIVE]']],
    ['link button url over 512', { content: 'c', components: [row(link(`https://a.example/${x(495)}`))] }, { content: 'c', components: [row(link(`https://a.example/${x(494)}`))] }, ['components.0.components.0.url: Must be 512 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['link button url not http(s)', { content: 'c', components: [row(link('file:///etc/passwd'))] }, { content: 'c', components: [row(link('https://a.example/'))] }, ["components.0.components.0.url: Scheme \"file\" is not supported. Scheme must be one of ('http', 'https', 'discord'). [URL_TYPE_INVALID_SCHEME]"]],
    ['a select menu sharing its row', { content: 'c', components: [row(select(), button('a'))] }, { content: 'c', components: [row(select()), row(button('a'))] }, ['components.0.components: The specified component exceeds the maximum width [COMPONENT_LAYOUT_WIDTH_EXCEEDED]']],
    ['select with no options', { content: 'c', components: [row(select({ options: [] }))] }, { content: 'c', components: [row(select())] }, ['components.0.components.0.options: Must be between 1 and 25 in length. [BASE_TYPE_BAD_LENGTH]']],
    [
      'select with 26 options',
      { content: 'c', components: [row(select({ options: Array.from({ length: 26 }, (_, i) => ({ label: `L${i}`, value: `v${i}` })) }))] },
      { content: 'c', components: [row(select({ options: Array.from({ length: 25 }, (_, i) => ({ label: `L${i}`, value: `v${i}` })) }))] },
      ['components.0.components.0.options: Must be between 1 and 25 in length. [BASE_TYPE_BAD_LENGTH]'],
    ],
    [
      'select option label, value and description over 100',
      { content: 'c', components: [row(select({ options: [{ label: x(101), value: x(101), description: x(101) }] }))] },
      { content: 'c', components: [row(select({ options: [{ label: x(100), value: x(100), description: x(100) }] }))] },
      [
        'components.0.components.0.options.0.label: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
        'components.0.components.0.options.0.value: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]',
        'components.0.components.0.options.0.description: Must be 100 or fewer in length. [BASE_TYPE_MAX_LENGTH]',
      ],
    ],
    ['select placeholder over 150', { content: 'c', components: [row(select({ placeholder: x(151) }))] }, { content: 'c', components: [row(select({ placeholder: x(150) }))] }, ['components.0.components.0.placeholder: Must be 150 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['select max_values above its options', { content: 'c', components: [row(select({ max_values: 3 }))] }, { content: 'c', components: [row(select({ max_values: 2 }))] }, ['components.0.components.0.max_values: max_values must be 2 or fewer (the number of options) [SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS]']],
    ['select min_values above max_values', { content: 'c', components: [row(select({ min_values: 2, max_values: 1 }))] }, { content: 'c', components: [row(select({ min_values: 1, max_values: 2 }))] }, ['components.0.components.0.min_values: min_values must be less than or equal to max_values [SELECT_COMPONENT_MIN_VALUES_EXCEEDS_MAX]']],
    [
      'allowed_mentions parse roles with a roles list',
      { content: '<@&1>', allowed_mentions: { parse: ['roles'], roles: ['1'] } },
      { content: '<@&1>', allowed_mentions: { parse: [], roles: ['1'] } },
      ['allowed_mentions: parse:["roles"] and roles: [ids...] are mutually exclusive. [MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE]'],
    ],
    [
      'allowed_mentions parse users with a users list',
      { content: '<@1>', allowed_mentions: { parse: ['users'], users: ['1'] } },
      { content: '<@1>', allowed_mentions: { parse: ['users'] } },
      ['allowed_mentions: parse:["users"] and users: [ids...] are mutually exclusive. [MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE]'],
    ],
    ['allowed_mentions with an unknown parse kind', { content: 'c', allowed_mentions: { parse: ['channels'] } }, { content: 'c', allowed_mentions: { parse: ['everyone'] } }, ["allowed_mentions.parse.0: Value must be one of ('roles', 'users', 'everyone'). [BASE_TYPE_CHOICES]"]],
    ['nonce over 25 characters', { content: 'c', nonce: x(26), enforce_nonce: true }, { content: 'c', nonce: x(25), enforce_nonce: true }, ['nonce: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['the ephemeral flag on a channel post', { content: 'c', flags: 64 }, { content: 'c', flags: 4096 }, ['flags: Invalid flags for this message [MESSAGE_FLAGS_INVALID]']],
    [
      'an embed picture naming a file the message does not carry',
      { embeds: [embed({ image: { url: 'attachment://chart.png' } })] },
      { embeds: [embed({ image: { url: 'https://news.example/chart.png' } })] },
      ['embeds.0.image.url: attachment://chart.png: no file of that name is attached to this message (none) [ATTACHMENT_NOT_FOUND]'],
    ],
    [
      'an embed thumbnail naming a file outside Discord\'s alphabet',
      { embeds: [embed({ thumbnail: { url: 'attachment://chärt.png' } })] },
      { embeds: [embed({ thumbnail: { url: 'https://news.example/chart.png' } })] },
      ['embeds.0.thumbnail.url: attachment://chärt.png: a file name of ASCII letters, digits, "_", "-" or "." only [URL_TYPE_INVALID_URL]'],
    ],
  ])('%s', async (_rule, bad, good, lines) => {
    expectRefused(await post(bad), lines);
    expect((await post(good)).status).toBe(200);
  });

  it('refuses an empty message with 50006, whitespace-only content included', async () => {
    for (const body of [{}, { content: '' }, { content: '   \n ' }, { content: '', embeds: [], components: [] }]) {
      expect(await post(body)).toEqual({ status: 400, body: { code: 50006, message: 'Cannot send an empty message' } });
    }
    expect((await post({ content: '\u200b' })).status).toBe(200);
    expect((await post({ components: [row(button('only'))] })).status).toBe(200);
  });

  it('applies the same rules to interaction replies (errors under data), follow-ups and edits', async () => {
    const dup = { content: 'c', components: [row(button('a'), button('a'))] };
    expectRefused(await callback(4, dup), ['data.components.0.components.1.custom_id: Component custom id cannot be duplicated [COMPONENT_CUSTOM_ID_DUPLICATED]']);
    expect(await callback(4, {})).toEqual({ status: 400, body: { code: 50006, message: 'Cannot send an empty message' } });
    expect((await callback(4, { content: 'ok', flags: 64 })).status).toBe(204);
    // A deferred reply, then an edit and a follow-up.
    const h = emu.sendCommand({ name: 'search', guildId: GUILD, channelId: CHANNEL });
    expect((await call('POST', `/interactions/${h.id}/${h.token}/callback`, { type: 5 })).status).toBe(204);
    expectRefused(await call('PATCH', `/webhooks/${emu.applicationId}/${h.token}/messages/@original`, dup), ['components.0.components.1.custom_id: Component custom id cannot be duplicated [COMPONENT_CUSTOM_ID_DUPLICATED]']);
    // Editing the "thinking…" message without giving it anything to show leaves it empty.
    expect(await call('PATCH', `/webhooks/${emu.applicationId}/${h.token}/messages/@original`, { content: '' })).toEqual({ status: 400, body: { code: 50006, message: 'Cannot send an empty message' } });
    expect((await call('PATCH', `/webhooks/${emu.applicationId}/${h.token}/messages/@original`, { content: 'done' })).status).toBe(200);
    expectRefused(await call('POST', `/webhooks/${emu.applicationId}/${h.token}`, { content: x(2001) }), ['content: Must be 2000 or fewer in length. [BASE_TYPE_MAX_LENGTH]']);
  });

  it('refuses a callback type that does not fit the interaction', async () => {
    const a = await callback(8, { choices: [] }, 'command');
    expect([a.status, a.body.code]).toEqual([400, 40043]);
    const b = await callback(4, { content: 'hi' }, 'autocomplete');
    expect([b.status, b.body.code]).toEqual([400, 40043]);
  });

  it('lets a person press only an enabled button that is on the message', async () => {
    const msg = (await post({ content: 'c', components: [row(button('on'), button('off', { disabled: true }), link('https://a.example/'))] })).body as never;
    expect(() => emu.clickButton({ customId: 'gone', message: msg, guildId: GUILD, channelId: CHANNEL })).toThrow(/no button with custom_id "gone"/);
    expect(() => emu.clickButton({ customId: 'off', message: msg, guildId: GUILD, channelId: CHANNEL })).toThrow(/is disabled/);
    expect(() => emu.clickButton({ customId: 'on', message: msg, guildId: GUILD, channelId: CHANNEL })).not.toThrow();
  });
});

describe('the emulator refuses what Discord refuses in autocomplete results', () => {
  const choices = (n: number, f: (i: number) => Json = (i) => ({ name: `c${i}`, value: `v${i}` })) => ({ choices: Array.from({ length: n }, (_, i) => f(i)) });
  it.each<[string, Json, Json, string[]]>([
    ['more than 25 choices', choices(26), choices(25), ['data.choices: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['a choice name over 100', choices(1, () => ({ name: x(101), value: 'v' })), choices(1, () => ({ name: x(100), value: 'v' })), ['data.choices.0.name: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['an empty choice name', choices(1, () => ({ name: '', value: 'v' })), choices(1, () => ({ name: 'n', value: 'v' })), ['data.choices.0.name: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['a choice value over 100', choices(1, () => ({ name: 'n', value: x(101) })), choices(1, () => ({ name: 'n', value: x(100) })), ['data.choices.0.value: Must be 100 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    ['no choices array', {}, { choices: [] }, ['data.choices: This field is required [BASE_TYPE_REQUIRED]']],
  ])('%s', async (_rule, bad, good, lines) => {
    expectRefused(await callback(8, bad, 'autocomplete'), lines);
    expect((await callback(8, good, 'autocomplete')).status).toBe(204);
  });
});

describe('the emulator refuses what Discord refuses in command schemas', () => {
  const cmd = (extra: Json = {}): Json => ({ name: 'search', description: 'Search the archive', type: 1, ...extra });
  const opt = (name: string, extra: Json = {}): Json => ({ type: 3, name, description: `the ${name}`, ...extra });
  const put = (body: unknown) => call('PUT', `/applications/${emu.applicationId}/guilds/${GUILD}/commands`, body);
  it.each<[string, Json[], Json[], string[]]>([
    ['an upper-case name', [cmd({ name: 'Search' })], [cmd()], ['0.name: Command name is invalid [APPLICATION_COMMAND_INVALID_NAME]']],
    ['a name with a space', [cmd({ name: 'find it' })], [cmd({ name: 'find-it' })], ['0.name: Command name is invalid [APPLICATION_COMMAND_INVALID_NAME]']],
    ['a name over 32', [cmd({ name: x(33) })], [cmd({ name: x(32) })], ['0.name: Command name is invalid [APPLICATION_COMMAND_INVALID_NAME]']],
    ['two commands with one name', [cmd(), cmd()], [cmd(), cmd({ name: 'quote' })], ['1.name: Application command names must be unique [APPLICATION_COMMANDS_DUPLICATE_NAME]']],
    ['a description over 100', [cmd({ description: x(101) })], [cmd({ description: x(100) })], ['0.description: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['an empty description', [cmd({ description: '' })], [cmd({ description: 'd' })], ['0.description: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    ['an option description over 100', [cmd({ options: [opt('query', { description: x(101) })] })], [cmd({ options: [opt('query', { description: x(100) })] })], ['0.options.0.description: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    [
      'a required option after an optional one',
      [cmd({ options: [opt('since'), opt('query', { required: true })] })],
      [cmd({ options: [opt('query', { required: true }), opt('since')] })],
      ['0.options.1.required: Required options must be placed before non-required options [APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID]'],
    ],
    ['two options with one name', [cmd({ options: [opt('query'), opt('query')] })], [cmd({ options: [opt('query'), opt('since')] })], ['0.options.1.name: Option name already exists [APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS]']],
    ['26 options', [cmd({ options: Array.from({ length: 26 }, (_, i) => opt(`o${i}`)) })], [cmd({ options: Array.from({ length: 25 }, (_, i) => opt(`o${i}`)) })], ['0.options: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]']],
    [
      '26 choices',
      [cmd({ options: [opt('style', { choices: Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: `v${i}` })) })] })],
      [cmd({ options: [opt('style', { choices: Array.from({ length: 25 }, (_, i) => ({ name: `n${i}`, value: `v${i}` })) })] })],
      ['0.options.0.choices: Must be 25 or fewer in length. [BASE_TYPE_MAX_LENGTH]'],
    ],
    ['a choice value over 100', [cmd({ options: [opt('style', { choices: [{ name: 'n', value: x(101) }] })] })], [cmd({ options: [opt('style', { choices: [{ name: 'n', value: x(100) }] })] })], ['0.options.0.choices.0.value: Must be between 1 and 100 in length. [BASE_TYPE_BAD_LENGTH]']],
    [
      'choices together with autocomplete',
      [cmd({ options: [opt('style', { autocomplete: true, choices: [{ name: 'AP', value: 'ap' }] })] })],
      [cmd({ options: [opt('style', { autocomplete: true })] })],
      ['0.options.0.autocomplete: Autocomplete cannot be enabled on an option with choices [APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_EXCLUSIVE]'],
    ],
    ['autocomplete on a boolean', [cmd({ options: [opt('flag', { type: 5, autocomplete: true })] })], [cmd({ options: [opt('flag', { type: 5 })] })], ['0.options.0.autocomplete: Autocomplete is only allowed for string, integer and number options [APPLICATION_COMMAND_AUTOCOMPLETE_INVALID]']],
    [
      'subcommands mixed with plain options',
      [cmd({ options: [{ type: 1, name: 'add', description: 'add' }, opt('query')] })],
      [cmd({ options: [{ type: 1, name: 'add', description: 'add', options: [opt('query')] }] })],
      ['0.options: Sub-command and sub-command group option types are mutually exclusive to all other types [APPLICATION_COMMAND_OPTION_TYPE_INVALID]'],
    ],
    ['max_length over 6000', [cmd({ options: [opt('query', { max_length: 6001 })] })], [cmd({ options: [opt('query', { max_length: 6000 })] })], ['0.options.0.max_length: int value should be between 1 and 6000. [NUMBER_TYPE_MAX]']],
    ['min_value above max_value', [cmd({ options: [opt('n', { type: 4, min_value: 10, max_value: 5 })] })], [cmd({ options: [opt('n', { type: 4, min_value: 5, max_value: 10 })] })], ['0.options.0.min_value: min_value must be less than or equal to max_value [APPLICATION_COMMAND_OPTION_VALUE_INVALID]']],
    [
      'a command over 8000 characters in all',
      [cmd({ options: Array.from({ length: 22 }, (_, i) => opt(`o${i}`, { description: x(100), choices: Array.from({ length: 25 }, (_, k) => ({ name: x(10), value: `v${k}` })) })) })],
      [cmd({ options: Array.from({ length: 22 }, (_, i) => opt(`o${i}`, { description: x(100), choices: Array.from({ length: 25 }, (_, k) => ({ name: x(6), value: `v${k}` })) })) })],
      ['0: Command exceeds maximum size (8000) [APPLICATION_COMMAND_TOO_LARGE]'],
    ],
  ])('%s', async (_rule, bad, good, lines) => {
    expectRefused(await put(bad), lines);
    expect((await put(good)).status).toBe(200);
  });
});

describe('the emulator refuses what Discord refuses in uploads', () => {
  const png = (bytes: number) => Buffer.alloc(bytes, 1);
  /** A channel post with files, sent as the bot sends them (multipart, through discord.js's REST). */
  const upload = (body: Json, files: Array<{ name: string; data: Buffer }>) =>
    client.rest.post(`/channels/${CHANNEL}/messages`, { body, files }).then(
      () => ({ ok: true as const }),
      (e: unknown) => ({ ok: false as const, status: (e as DiscordAPIError).status, code: (e as DiscordAPIError).code, message: (e as Error).message }),
    );

  it('shows an uploaded picture in an embed only when the message carries a file of that name', async () => {
    const picture = { embeds: [{ title: 'Chart', image: { url: 'attachment://chart.png' } }], attachments: [{ id: 0, filename: 'chart.png', description: 'A chart' }] };
    expect(await upload(picture, [{ name: 'chart.png', data: png(100) }])).toEqual({ ok: true });
    const other = await upload({ ...picture, attachments: [{ id: 0, filename: 'other.png' }] }, [{ name: 'other.png', data: png(100) }]);
    expect(other).toMatchObject({ ok: false, status: 400, code: 50035 });
    expect(emu.refusals.at(-1)!.lines).toEqual(['embeds.0.image.url: attachment://chart.png: no file of that name is attached to this message (other.png)']);
  });

  it('refuses more than 10 files, a file over the upload limit, and alt text over 1,024 characters', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.png`, data: png(10) }));
    expect(await upload({ content: 'c' }, eleven)).toMatchObject({ ok: false, status: 400, code: 50035 });
    expect(await upload({ content: 'c' }, eleven.slice(0, 10))).toEqual({ ok: true });
    expect(await upload({ content: 'c' }, [{ name: 'big.png', data: png(10 * 1024 * 1024 + 1) }])).toMatchObject({ ok: false, status: 413, code: 40005 });
    expect(await upload({ content: 'c' }, [{ name: 'big.png', data: png(10 * 1024 * 1024) }])).toEqual({ ok: true });
    const alt = (n: number) => ({ content: 'c', attachments: [{ id: 0, filename: 'a.png', description: x(n) }] });
    expect(await upload(alt(1025), [{ name: 'a.png', data: png(10) }])).toMatchObject({ ok: false, status: 400, code: 50035 });
    expect(await upload(alt(1024), [{ name: 'a.png', data: png(10) }])).toEqual({ ok: true });
  });
});

describe('discord.js reads the emulator\'s refusals as Discord\'s', () => {
  it('surfaces the duplicate custom_id error path the way it does for real Discord', async () => {
    const err = await client.rest
      .post(`/channels/${CHANNEL}/messages`, { body: { content: 'c', components: [row(button('a'), button('a'))] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50035);
    expect((err as DiscordAPIError).message).toBe('Invalid Form Body\ncomponents[0].components[1].custom_id[COMPONENT_CUSTOM_ID_DUPLICATED]: Component custom id cannot be duplicated');
  });
});
