/**
 * A local Discord API (REST v10 + gateway websocket on one port) that a real, unmodified
 * discord.js Client logs into. It records everything the bot sends, drives interactions, enforces
 * Discord's rules (3 s ack deadline, 40060 on a second ack, message limits, nonce dedupe) and can
 * inject faults (429 with Retry-After, 5xx, a 4xx with an error code, gateway RECONNECT / drop
 * followed by RESUME).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { type Refusal, validateAutocomplete, validateCommands, validateMessage } from './validate.ts';
import { attachmentProblems, parseMultipart, type MultipartBody, type UploadedFile } from './validate-attachments.ts';
import { validateWebhookCreate, validateWebhookExecute } from './validate-webhook.ts';
import { ALL, channelPermissions, DEFAULT_EVERYONE, P, type GuildState, type Overwrite, type RoleState } from './permissions.ts';

/** A channel webhook (the bot's identity for outlet deliveries). */
export interface ApiWebhook {
  id: string;
  type: 1;
  token: string;
  channel_id: string;
  guild_id: string | null;
  name: string;
  avatar: null;
  application_id: string;
}

/** What the bot may do in a channel; everything by default. */
export interface ChannelPermissions {
  sendMessages?: boolean;
  manageWebhooks?: boolean;
  readHistory?: boolean;
}

export interface ApiUser {
  id: string;
  username?: string;
}

export interface ApiOption {
  type: number;
  name: string;
  value?: string | number | boolean;
  focused?: boolean;
  options?: ApiOption[];
}

export interface ApiCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  description: string;
  options?: ApiOption[] & Array<{ description: string }>;
  default_member_permissions?: string | null;
  [k: string]: unknown;
}

export interface ApiMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: Array<Record<string, unknown>>;
  components: Array<Record<string, unknown>>;
  flags: number;
  nonce?: string;
  allowed_mentions?: unknown;
  interaction_metadata?: unknown;
  [k: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
  /** Set when the emulator refused the payload the way Discord would (400). */
  refusal?: Refusal;
}

export interface GuildSpec {
  id: string;
  name?: string;
  /** Overwrites as Discord stores them (allow/deny bitfields), applied to everyone who reads the channel. */
  channels?: Array<{ id: string; name?: string; overwrites?: Array<{ id: string; type: 0 | 1; allow?: bigint; deny?: bigint }> }>;
  /** Roles; permissions default to none, mentionable to true. */
  roles?: Array<{ id: string; name?: string; permissions?: bigint; mentionable?: boolean }>;
  /** The @everyone role's permissions (default: a new server's). */
  everyone?: bigint;
  /** Members the API knows (GET member); anyone who runs a command becomes one. */
  members?: Array<{ id: string; username?: string; roles?: string[] }>;
}

interface InteractionState {
  id: string;
  token: string;
  type: number;
  createdAt: number;
  channelId: string;
  user: ApiUser;
  callback: { type: number; data?: any; at: number } | null;
  /** For a button press: the message the button is on (what an UPDATE_MESSAGE callback edits). */
  componentMessage?: ApiMessage;
  original: ApiMessage | null;
  followUps: ApiMessage[];
  waiters: Array<() => void>;
}

export interface InteractionHandle {
  id: string;
  token: string;
  readonly sentAt: number;
  ack(): Promise<{ type: number; data?: any; at: number }>;
  original(): ApiMessage | undefined;
  followUps(): ApiMessage[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whichever shape arrived
  final(timeoutMs?: number): Promise<any>;
}

/**
 * A response forced on the next matching request(s): a rate limit, a server error, or a refusal
 * with a JSON error code (as Discord refuses a payload or a missing permission). Injected faults
 * only add failures: every check the emulator makes still applies to the other requests.
 */
type Fault = { status: 429; retryAfter: number; global?: boolean } | { status: 500 | 502 | 503 } | { status: 400 | 403 | 404; code: number; message: string };

interface Session {
  id: string;
  /** [shard id, shard count] from IDENTIFY (Discord's default [0, 1]). */
  shard: [number, number];
  seq: number;
  log: Array<{ s: number; payload: string }>;
  socket: WebSocket | null;
  identified: boolean;
}

/** The bot's own role: everything but Administrator, so channel overwrites apply to it as to anyone. */
const BOT_PERMISSIONS = ALL & ~P.ADMINISTRATOR;
let snowflakeCounter = 0n;

/** Discord-like ids: timestamp-based, increasing. */
export function snowflake(): string {
  const ms = BigInt(Date.now()) - 1420070400000n;
  snowflakeCounter = (snowflakeCounter + 1n) & 0xfffn;
  return ((ms << 22n) | (1n << 17n) | snowflakeCounter).toString();
}

export class DiscordEmulator {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly botUserId = this.applicationId;
  readonly requests: RecordedRequest[] = [];
  /** Every payload refused as Discord would refuse it, with Discord's error paths. */
  readonly refusals: Array<{ method: string; path: string; lines: string[]; body: unknown }> = [];
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private port = 0;
  private readonly guilds: GuildSpec[];
  private readonly registered = new Map<string, ApiCommand[]>(); // key: guild id or 'global'
  private readonly interactions = new Map<string, InteractionState>(); // by token
  private readonly messages = new Map<string, ApiMessage[]>(); // by channel
  private readonly nonces = new Map<string, { message: ApiMessage; at: number }>();
  private readonly webhooks = new Map<string, ApiWebhook>();
  /** Roles, members and channel overwrites of each guild: what every permission answer is computed from. */
  private readonly state = new Map<string, GuildState>();
  private readonly deletedChannels = new Set<string>();
  private readonly faults: Array<{ method?: string; path?: RegExp; fault: Fault; times: number }> = [];
  /** One gateway session per shard id: a sharded bot identifies once per shard. */
  private readonly sessions = new Map<number, Session>();

  /** The session of shard 0 (an unsharded bot's only one). */
  private get session(): Session | null {
    return this.sessions.get(0) ?? this.sessions.values().next().value ?? null;
  }

  /** Discord's routing: a guild's events go to shard (guild_id >> 22) % shard_count. */
  static shardOf(guildId: string, count: number): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(count));
  }

  /** The shards identified so far, as [id, count], by shard id. */
  get shards(): Array<[number, number]> {
    return [...this.sessions.values()].map((s) => s.shard).sort((a, b) => a[0] - b[0]);
  }
  private ackDeadlineMs = 3000;
  private readyWaiters: Array<() => void> = [];
  private ready = false;
  readonly gatewayEvents: Array<{ op: number; t?: string | null; at: number }> = [];

  private constructor(opts: { token?: string; guilds?: GuildSpec[] }) {
    this.token = opts.token ?? `emu.${randomBytes(12).toString('hex')}`;
    this.guilds = opts.guilds ?? [{ id: snowflake(), name: 'Test Guild', channels: [{ id: snowflake(), name: 'general' }] }];
    for (const g of this.guilds) this.state.set(g.id, this.buildState(g));
    this.server = http.createServer((req, res) => void this.handleHttp(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.onSocket(ws));
  }

  static async start(opts: { token?: string; guilds?: GuildSpec[] } = {}): Promise<DiscordEmulator> {
    const emu = new DiscordEmulator(opts);
    await new Promise<void>((resolve) => emu.server.listen(0, '127.0.0.1', resolve));
    emu.port = (emu.server.address() as AddressInfo).port;
    return emu;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  private get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  private get botUser() {
    return { id: this.botUserId, username: 'Newsdesk', discriminator: '0', global_name: 'Newsdesk', avatar: null, bot: true, flags: 0 };
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── records ────────────────────────────────────────────────────────────

  commands(guildId?: string): ApiCommand[] {
    return this.registered.get(guildId ?? 'global') ?? [];
  }

  channelMessages(channelId: string): ApiMessage[] {
    return this.messages.get(channelId) ?? [];
  }

  /** The channel's webhooks (made by the bot). */
  channelWebhooks(channelId: string): ApiWebhook[] {
    return [...this.webhooks.values()].filter((w) => w.channel_id === channelId);
  }

  /**
   * Takes permissions away from (or gives them back to) the bot in one channel: an overwrite for
   * the bot's member, announced to the bot with CHANNEL_UPDATE as Discord does.
   */
  setBotPermissions(channelId: string, perms: ChannelPermissions): void {
    const bits: Record<keyof ChannelPermissions, bigint> = { sendMessages: P.SEND_MESSAGES, manageWebhooks: P.MANAGE_WEBHOOKS, readHistory: P.READ_MESSAGE_HISTORY };
    const current = this.channelState(channelId)?.overwrites.find((o) => o.type === 1 && o.id === this.botUserId) ?? { id: this.botUserId, type: 1 as const, allow: 0n, deny: 0n };
    let deny = current.deny;
    for (const [k, v] of Object.entries(perms) as Array<[keyof ChannelPermissions, boolean | undefined]>) {
      if (v === false) deny |= bits[k];
      else if (v === true) deny &= ~bits[k];
    }
    this.setChannelOverwrite(channelId, { ...current, deny });
  }

  /** Sets (or with allow = deny = 0, removes) one permission overwrite of a channel; the bot hears CHANNEL_UPDATE. */
  setChannelOverwrite(channelId: string, o: { id: string; type: 0 | 1; allow?: bigint; deny?: bigint }): void {
    const c = this.channelState(channelId);
    if (!c) throw new Error(`no channel ${channelId}`);
    c.overwrites = c.overwrites.filter((x) => !(x.id === o.id && x.type === o.type));
    if ((o.allow ?? 0n) !== 0n || (o.deny ?? 0n) !== 0n) c.overwrites.push({ id: o.id, type: o.type, allow: o.allow ?? 0n, deny: o.deny ?? 0n });
    const guildId = this.guildOfChannel(channelId)!;
    if (this.session) this.dispatch('CHANNEL_UPDATE', this.channelPayload(guildId, c), guildId);
  }

  /** Adds a member to a guild, or changes their roles (no gateway event: the bot has no members intent). */
  setMember(guildId: string, member: { id: string; username?: string; roles?: string[] }): void {
    this.state.get(guildId)!.members.set(member.id, { roles: member.roles ?? [], username: member.username ?? `user${member.id.slice(-4)}` });
  }

  /** Removes a member (they left the server): GET member answers 10007 Unknown Member. */
  removeMember(guildId: string, userId: string): void {
    this.state.get(guildId)!.members.delete(userId);
  }

  /** A member's computed permissions in a channel, as Discord would send them. */
  permissionsOf(channelId: string, userId: string, extra = 0n, extraRoles: string[] = []): bigint {
    const g = this.state.get(this.guildOfChannel(channelId) ?? '');
    return g ? channelPermissions(g, channelId, userId, extra, extraRoles) : 0n;
  }

  private buildState(g: GuildSpec): GuildState {
    const botRole = `${g.id.slice(0, -3)}999`;
    const state: GuildState = {
      id: g.id,
      ownerId: snowflake(),
      roles: new Map<string, RoleState>([
        [g.id, { id: g.id, name: '@everyone', permissions: g.everyone ?? DEFAULT_EVERYONE, mentionable: false, managed: false, position: 0 }],
        ...(g.roles ?? []).map((r, i) => [r.id, { id: r.id, name: r.name ?? `role${i}`, permissions: r.permissions ?? 0n, mentionable: r.mentionable ?? true, managed: false, position: i + 1 }] as const),
        [botRole, { id: botRole, name: 'Newsdesk', permissions: BOT_PERMISSIONS, mentionable: false, managed: true, position: (g.roles?.length ?? 0) + 1 }],
      ]),
      members: new Map([
        [this.botUserId, { roles: [botRole], username: 'Newsdesk' }],
        ...(g.members ?? []).map((m) => [m.id, { roles: m.roles ?? [], username: m.username ?? `user${m.id.slice(-4)}` }] as [string, { roles: string[]; username: string }]),
      ]),
      channels: new Map(
        (g.channels ?? []).map((c, i) => [
          c.id,
          { id: c.id, name: c.name ?? `channel-${i}`, type: 0, overwrites: (c.overwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: o.allow ?? 0n, deny: o.deny ?? 0n })) },
        ]),
      ),
    };
    return state;
  }

  private guildOfChannel(channelId: string): string | undefined {
    for (const g of this.state.values()) if (g.channels.has(channelId)) return g.id;
    return undefined;
  }

  private channelState(channelId: string) {
    const g = this.state.get(this.guildOfChannel(channelId) ?? '');
    return g?.channels.get(channelId);
  }

  private channelPayload(guildId: string, c: { id: string; name: string; type: number; overwrites: Overwrite[] }) {
    return {
      id: c.id,
      type: c.type,
      guild_id: guildId,
      name: c.name,
      position: [...this.state.get(guildId)!.channels.keys()].indexOf(c.id),
      permission_overwrites: c.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() })),
      nsfw: false,
      parent_id: null,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
    };
  }

  private roleObject(r: { id: string; name: string; permissions: bigint; mentionable: boolean; managed: boolean; position: number }) {
    return { id: r.id, name: r.name, permissions: r.permissions.toString(), position: r.position, color: 0, hoist: false, managed: r.managed, mentionable: r.mentionable, flags: 0 };
  }

  /** Deletes a channel: its messages and webhooks go, and requests to it answer 10003 Unknown Channel. */
  deleteChannel(channelId: string): void {
    this.deletedChannels.add(channelId);
    for (const g of this.state.values()) g.channels.delete(channelId);
    for (const [id, w] of this.webhooks) if (w.channel_id === channelId) this.webhooks.delete(id);
    for (const g of this.guilds) g.channels = g.channels?.filter((c) => c.id !== channelId);
  }

  /** Whether the bot holds every one of `bits` in the channel (computed as Discord does). */
  private botMay(channelId: string, bits: bigint): boolean {
    return (this.permissionsOf(channelId, this.botUserId) & bits) === bits;
  }

  setAckDeadline(ms: number): void {
    this.ackDeadlineMs = ms;
  }

  waitForReady(timeoutMs = 30_000): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no client became ready')), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async waitFor<T>(predicate: () => T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate();
      if (v) return v;
      if (Date.now() > deadline) throw new Error('waitFor timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  injectRestFault(match: { method?: string; path?: RegExp }, fault: Fault, times = 1): void {
    this.faults.push({ ...match, fault, times });
  }

  // ── gateway ────────────────────────────────────────────────────────────

  private send(ws: WebSocket, payload: object): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  /** The session of the shard a guild's events go to (an unsharded bot: its one session). */
  private sessionFor(guildId: string): Session | null {
    const any = this.session;
    if (!any) return null;
    return this.sessions.get(DiscordEmulator.shardOf(guildId, any.shard[1])) ?? null;
  }

  private dispatch(t: string, d: unknown, via?: Session | string): void {
    const s = typeof via === 'object' ? via : via ? this.sessionFor(via) : this.session;
    if (!s) throw new Error(`no gateway session${typeof via === 'string' ? ` for the shard of guild ${via}` : ''}: is the bot connected?`);
    s.seq++;
    const payload = JSON.stringify({ op: 0, t, s: s.seq, d });
    s.log.push({ s: s.seq, payload });
    if (s.log.length > 1000) s.log.shift();
    this.gatewayEvents.push({ op: 0, t, at: Date.now() });
    // While the client is reconnecting, the event waits in the log and is replayed on RESUME.
    if (s.socket && s.socket.readyState === s.socket.OPEN && s.identified) s.socket.send(payload);
  }

  private onSocket(ws: WebSocket): void {
    this.send(ws, { op: 10, d: { heartbeat_interval: 41250 } });
    ws.on('message', (raw) => {
      let msg: { op: number; d: any };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      this.gatewayEvents.push({ op: msg.op, at: Date.now() });
      switch (msg.op) {
        case 1:
          this.send(ws, { op: 11 });
          break;
        case 2: {
          if (msg.d?.token !== this.token && msg.d?.token !== `Bot ${this.token}`) {
            ws.close(4004, 'Authentication failed');
            return;
          }
          const shard = (msg.d?.shard as [number, number] | undefined) ?? [0, 1];
          if (!Array.isArray(shard) || shard.length !== 2 || !Number.isInteger(shard[0]) || !Number.isInteger(shard[1]) || shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
            ws.close(4010, 'Invalid shard');
            return;
          }
          if ([...this.sessions.values()].some((x) => x.shard[1] !== shard[1])) {
            ws.close(4011, 'Sharding required');
            return;
          }
          const session: Session = { id: randomBytes(8).toString('hex'), shard, seq: 0, log: [], socket: ws, identified: true };
          this.sessions.set(shard[0], session);
          const mine = this.guilds.filter((g) => DiscordEmulator.shardOf(g.id, shard[1]) === shard[0]);
          this.dispatch('READY', {
            v: 10,
            user: this.botUser,
            guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
            session_id: session.id,
            resume_gateway_url: this.gatewayUrl,
            shard,
            application: { id: this.applicationId, flags: 0 },
            private_channels: [],
            relationships: [],
            presences: [],
            guild_join_requests: [],
            user_settings: {},
          }, session);
          for (const g of mine) this.dispatch('GUILD_CREATE', this.guildPayload(g), session);
          this.ready = true;
          for (const w of this.readyWaiters.splice(0)) w();
          break;
        }
        case 6: {
          const s = [...this.sessions.values()].find((x) => x.id === msg.d?.session_id);
          if (!s) {
            this.send(ws, { op: 9, d: false });
            return;
          }
          s.socket = ws;
          s.identified = true;
          for (const entry of s.log) if (entry.s > (msg.d.seq ?? 0)) ws.send(entry.payload);
          this.dispatch('RESUMED', {}, s);
          break;
        }
        default:
          break;
      }
    });
    ws.on('close', () => {
      for (const s of this.sessions.values()) {
        if (s.socket !== ws) continue;
        s.socket = null;
        s.identified = false;
      }
    });
  }

  /** Sends op 7 RECONNECT: the client reconnects to resume_gateway_url and RESUMEs. */
  reconnectGateway(): void {
    const ws = this.session?.socket;
    if (!ws) throw new Error('no gateway connection');
    this.send(ws, { op: 7, d: null });
  }

  /** Drops the connection abruptly (as a network failure would); the client resumes. */
  dropGateway(): void {
    this.session?.socket?.terminate();
  }

  /** True once a client resumed (sent op 6) since the session began. */
  get resumes(): number {
    return this.gatewayEvents.filter((e) => e.op === 6).length;
  }

  get identifies(): number {
    return this.gatewayEvents.filter((e) => e.op === 2).length;
  }

  private guildPayload(g: GuildSpec) {
    const now = new Date().toISOString();
    return {
      id: g.id,
      name: g.name ?? 'Guild',
      icon: null,
      owner_id: this.state.get(g.id)!.ownerId,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      features: [],
      roles: [...this.state.get(g.id)!.roles.values()].map((r) => this.roleObject(r)),
      emojis: [],
      stickers: [],
      channels: [...this.state.get(g.id)!.channels.values()].map((c) => this.channelPayload(g.id, c)),
      threads: [],
      // Discord sends the bot's own member with the guild: its roles decide what it may do.
      members: [{ ...this.member({ id: this.botUserId, username: 'Newsdesk' }, undefined, this.state.get(g.id)!.members.get(this.botUserId)!.roles), user: this.botUser }],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      member_count: 2,
      large: false,
      unavailable: false,
      joined_at: now,
      system_channel_id: null,
      rules_channel_id: null,
      public_updates_channel_id: null,
      premium_subscription_count: 0,
      max_video_channel_users: 25,
      nsfw: false,
    };
  }

  // ── interactions ───────────────────────────────────────────────────────

  private member(user: ApiUser, permissions: string | undefined, roles: string[]) {
    return {
      user: { id: user.id, username: user.username ?? `user${user.id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null },
      roles,
      ...(permissions !== undefined ? { permissions } : {}),
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
    };
  }

  private createInteraction(
    type: number,
    data: Record<string, unknown>,
    opts: { guildId?: string; channelId?: string; user?: ApiUser; permissions?: string; roles?: string[]; locale?: string },
    extra: Record<string, unknown> = {},
  ): InteractionHandle {
    const guildId = opts.guildId ?? this.guilds[0]!.id;
    const guild = this.guilds.find((g) => g.id === guildId);
    const channelId = opts.channelId ?? guild?.channels?.[0]?.id ?? snowflake();
    const user = opts.user ?? { id: snowflake(), username: 'tester' };
    const id = snowflake();
    const token = `itok-${randomBytes(16).toString('hex')}`;
    const state: InteractionState = { id, token, type, createdAt: Date.now(), channelId, user, callback: null, original: null, followUps: [], waiters: [] };
    this.interactions.set(token, state);
    // The member's permissions are computed as Discord computes them: @everyone, their roles, the
    // channel's overwrites. `opts.permissions` stands for server-wide bits from roles the test did not
    // name (Manage Server for a moderator); absent, the member is an administrator.
    const g = this.state.get(guildId);
    if (g && !g.members.has(user.id)) g.members.set(user.id, { roles: [], username: user.username ?? `user${user.id.slice(-4)}` });
    const granted = opts.permissions === undefined ? P.ADMINISTRATOR : BigInt(opts.permissions);
    const extraRoles = opts.roles ?? [];
    const memberRoles = [...new Set([...(g?.members.get(user.id)?.roles ?? []), ...extraRoles])];
    const perms = (ch: string) => (g ? channelPermissions(g, ch, user.id, granted, extraRoles) : ALL);
    const resolved = this.resolve(data.options as ApiOption[] | undefined, guildId, perms);
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type,
      data: { ...data, guild_id: guildId, ...(resolved ? { resolved } : {}) },
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: guildId, name: g?.channels.get(channelId)?.name ?? 'desk', permissions: perms(channelId).toString(), nsfw: false, parent_id: null },
      member: this.member(user, perms(channelId).toString(), memberRoles),
      app_permissions: (g ? channelPermissions(g, channelId, this.botUserId) : ALL).toString(),
      token,
      version: 1,
      locale: opts.locale ?? 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10485760,
      ...extra,
    }, guildId);
    return this.handle(state);
  }

  /**
   * `data.resolved` as Discord sends it with a command: each channel option's channel with the
   * invoking member's computed permissions there, each role option's role object. A channel or
   * role the server does not have is refused the way Discord's client would never send it.
   */
  private resolve(options: ApiOption[] | undefined, guildId: string, perms: (channelId: string) => bigint) {
    const g = this.state.get(guildId);
    const channels: Record<string, unknown> = {};
    const roles: Record<string, unknown> = {};
    const walk = (list: ApiOption[] | undefined) => {
      for (const o of list ?? []) {
        walk(o.options);
        if (o.focused) continue;
        if (o.type === 7) {
          const c = g?.channels.get(String(o.value));
          if (!c) throw new Error(`channel option ${o.name}: ${String(o.value)} is not a channel of guild ${guildId}`);
          channels[c.id] = { id: c.id, name: c.name, type: c.type, permissions: perms(c.id).toString() };
        }
        if (o.type === 8) {
          const r = g?.roles.get(String(o.value));
          if (!r) throw new Error(`role option ${o.name}: ${String(o.value)} is not a role of guild ${guildId}`);
          roles[r.id] = this.roleObject(r);
        }
      }
    };
    walk(options);
    if (!Object.keys(channels).length && !Object.keys(roles).length) return null;
    return { ...(Object.keys(channels).length ? { channels } : {}), ...(Object.keys(roles).length ? { roles } : {}) };
  }

  private handle(state: InteractionState): InteractionHandle {
    const wait = (pred: () => boolean, timeoutMs: number, what: string) =>
      new Promise<void>((resolve, reject) => {
        if (pred()) return resolve();
        const t = setTimeout(() => reject(new Error(`interaction ${state.id}: ${what} did not arrive within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (pred()) {
            clearTimeout(t);
            resolve();
          } else state.waiters.push(check);
        };
        state.waiters.push(check);
      });
    return {
      id: state.id,
      token: state.token,
      sentAt: state.createdAt,
      ack: async () => {
        await wait(() => state.callback !== null, this.ackDeadlineMs + 500, 'the initial response');
        return state.callback!;
      },
      original: () => state.original ?? undefined,
      followUps: () => state.followUps,
      final: async (timeoutMs = 10_000) => {
        const done = () => {
          const cb = state.callback;
          if (!cb) return false;
          if (cb.type === 4 || cb.type === 7 || cb.type === 8) return true;
          return Boolean(state.original?.edited_timestamp) || state.followUps.length > 0;
        };
        await wait(done, timeoutMs, 'the final response');
        const cb = state.callback!;
        if (cb.type === 8) return { choices: cb.data?.choices ?? [] };
        if (cb.type === 4 || cb.type === 7) return state.original!;
        return state.original?.edited_timestamp ? state.original : state.followUps[0]!;
      },
    };
  }

  private commandId(name: string, guildId?: string): string {
    return (this.registered.get(guildId ?? '') ?? this.registered.get('global') ?? []).find((c) => c.name === name)?.id ?? snowflake();
  }

  sendCommand(opts: { name: string; options?: ApiOption[]; guildId?: string; channelId?: string; user?: ApiUser; permissions?: string; roles?: string[]; locale?: string }): InteractionHandle {
    const guildId = opts.guildId ?? this.guilds[0]!.id;
    return this.createInteraction(2, { id: this.commandId(opts.name, guildId), name: opts.name, type: 1, options: opts.options ?? [] }, { ...opts, guildId });
  }

  sendAutocomplete(opts: { name: string; options: ApiOption[]; guildId?: string; channelId?: string; user?: ApiUser; permissions?: string; roles?: string[] }): InteractionHandle {
    const guildId = opts.guildId ?? this.guilds[0]!.id;
    return this.createInteraction(4, { id: this.commandId(opts.name, guildId), name: opts.name, type: 1, options: opts.options }, { ...opts, guildId });
  }

  /**
   * A person pressing a button. As in Discord's client, only an enabled, non-link button that is on
   * the message can be pressed: anything else throws here rather than reaching the bot.
   */
  clickButton(opts: { customId: string; message: ApiMessage; guildId?: string; channelId?: string; user?: ApiUser; permissions?: string; roles?: string[] }): InteractionHandle {
    const buttons = (opts.message.components ?? []).flatMap((row) => ((row as { components?: Array<Record<string, unknown>> }).components ?? []));
    const button = buttons.find((b) => b.type === 2 && b.custom_id === opts.customId);
    if (!button) throw new Error(`no button with custom_id ${JSON.stringify(opts.customId)} on message ${opts.message.id} (has ${JSON.stringify(buttons.map((b) => b.custom_id ?? b.url))})`);
    if (button.disabled) throw new Error(`button ${JSON.stringify(opts.customId)} on message ${opts.message.id} is disabled and cannot be pressed`);
    const handle = this.createInteraction(3, { custom_id: opts.customId, component_type: 2 }, opts, { message: opts.message });
    const state = this.interactions.get(handle.token);
    if (state) state.componentMessage = opts.message;
    return handle;
  }

  // ── REST ───────────────────────────────────────────────────────────────

  private message(channelId: string, body: Record<string, any>, extra: Record<string, unknown> = {}): ApiMessage {
    return {
      id: snowflake(),
      type: 0,
      channel_id: channelId,
      author: this.botUser,
      content: body.content ?? '',
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      attachments: (extra.files as UploadedFile[] | undefined)?.map((f) => this.storeAttachment(f, body)) ?? [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: body.flags ?? 0,
      application_id: this.applicationId,
      webhook_id: this.applicationId,
      ...(body.allowed_mentions !== undefined ? { allowed_mentions: body.allowed_mentions } : {}),
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'files')),
    };
  }

  /**
   * The roles a bot message really pings: named in the content, allowed by allowed_mentions, and
   * mentionable — or the bot holds Mention @everyone in the channel.
   */
  private pingedRoles(channelId: string, body: Record<string, any>): string[] {
    const g = this.state.get(this.guildOfChannel(channelId) ?? '');
    if (!g || typeof body.content !== 'string') return [];
    const named = [...body.content.matchAll(/<@&(\d+)>/g)].map((x) => x[1]!);
    const am = body.allowed_mentions as { parse?: string[]; roles?: string[] } | undefined;
    const allowed = (id: string) => !am || am.parse?.includes('roles') || am.roles?.includes(id);
    const botCan = this.botMay(channelId, P.MENTION_EVERYONE);
    return [...new Set(named)].filter((id) => g.roles.has(id) && allowed(id) && (g.roles.get(id)!.mentionable || botCan));
  }

  private readonly uploads = new Map<string, Buffer>();

  /** Keeps an uploaded file; the message carries Discord's attachment object with a URL naming it. */
  private storeAttachment(f: UploadedFile, body: Record<string, any>): Record<string, unknown> {
    const id = snowflake();
    const url = `http://127.0.0.1:${this.port}/attachments/${id}/${encodeURIComponent(f.filename)}`;
    this.uploads.set(url, f.data);
    const declared = (body.attachments as Array<{ id?: unknown; description?: string }> | undefined)?.find((a) => Number(a.id) === f.index);
    return { id, filename: f.filename, size: f.data.length, url, proxy_url: url, content_type: f.contentType, ...(declared?.description ? { description: declared.description } : {}) };
  }

  /** The bytes of an attachment a message carries (by its url). */
  attachmentData(url: string): Buffer | undefined {
    return this.uploads.get(url);
  }

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBytes = Buffer.concat(chunks);
    const raw = rawBytes.toString('utf8');
    let body: any = undefined;
    let upload: MultipartBody | null = null;
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/json') && raw) body = JSON.parse(raw);
    else if (type.includes('multipart/form-data')) {
      upload = parseMultipart(rawBytes, type);
      body = upload.payload;
    }
    const path = decodeURIComponent(url.pathname.replace(/^\/api(\/v\d+)?/, ''));
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), body, status: 0, at: Date.now() };
    this.requests.push(record);
    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      // A 204 has no body, so no content type (discord.js would try to parse it as JSON).
      res.writeHead(status, status === 204 ? headers : { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const fault = this.faults.find((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)));
    if (fault) {
      fault.times--;
      if (fault.fault.status === 429) {
        const retry = fault.fault.retryAfter;
        return reply(429, { message: 'You are being rate limited.', retry_after: retry, global: Boolean(fault.fault.global) }, {
          'retry-after': String(Math.ceil(retry)),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(retry),
          'x-ratelimit-bucket': 'emu-bucket',
          'x-ratelimit-scope': fault.fault.global ? 'global' : 'user',
          ...(fault.fault.global ? { 'x-ratelimit-global': 'true' } : {}),
        });
      }
      if ('code' in fault.fault) return reply(fault.fault.status, { message: fault.fault.message, code: fault.fault.code });
      return reply(fault.fault.status, { message: 'Internal Server Error', code: 0 });
    }
    const auth = req.headers.authorization ?? '';
    const needsAuth = !path.startsWith('/interactions/') && !path.startsWith('/webhooks/');
    if (needsAuth && auth !== `Bot ${this.token}`) return reply(401, { message: '401: Unauthorized', code: 0 });
    const refuse = (r: Refusal) => {
      record.refusal = r;
      this.refusals.push({ method, path, lines: r.lines, body });
      return reply(r.status, r.body);
    };
    let m: RegExpExecArray | null;
    // Uploads are checked before anything is created; an upload-only message need not have text.
    if (upload) {
      const problems = attachmentProblems(upload, rawBytes.length);
      if (problems.length) {
        const tooLarge = problems.some((p) => /bytes or fewer/.test(p));
        return refuse(
          tooLarge
            ? { status: 413, body: { code: 40005, message: 'Request entity too large' }, lines: problems }
            : { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: { files: { _errors: problems.map((p) => ({ code: 'BASE_TYPE_INVALID', message: p })) } } }, lines: problems },
        );
      }
    }
    const files = upload?.files ?? [];
    const names = files.map((f) => f.filename);
    /** The files an edited message will have: the uploads, else those the body keeps, else all it had. */
    const kept = (prev: object | null | undefined, edit: { attachments?: unknown } | undefined): string[] | undefined => {
      if (files.length) return names;
      const had = ((prev as { attachments?: unknown } | null | undefined)?.attachments ?? []) as Array<{ id?: unknown; filename?: string }>;
      if (Array.isArray(edit?.attachments)) {
        const ids = new Set((edit!.attachments as Array<{ id?: unknown }>).map((a) => String(a.id)));
        return had.filter((a) => ids.has(String(a.id))).map((a) => a.filename ?? '');
      }
      return prev ? had.map((a) => a.filename ?? '') : undefined;
    };

    if (method === 'GET' && (path === '/gateway/bot' || path === '/gateway')) {
      return reply(200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/users/@me') return reply(200, this.botUser);
    if (method === 'GET' && path === '/applications/@me') return reply(200, { id: this.applicationId, name: 'Newsdesk', flags: 0, bot: this.botUser, owner: null, description: '', icon: null });
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      const key = m[2] ?? 'global';
      if (method === 'PUT') {
        const refused = validateCommands(body);
        if (refused) return refuse(refused);
        const cmds = (body as Array<Record<string, unknown>>).map((c) => ({ ...c, id: snowflake(), application_id: this.applicationId, version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) }) as unknown as ApiCommand);
        this.registered.set(key, cmds);
        return reply(200, cmds);
      }
      if (method === 'GET') return reply(200, this.registered.get(key) ?? []);
    }
    if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      const state = this.interactions.get(m[2]!);
      if (!state || state.id !== m[1]) return reply(404, { message: 'Unknown interaction', code: 10062 });
      if (Date.now() - state.createdAt > this.ackDeadlineMs && !state.callback) return reply(404, { message: 'Unknown interaction', code: 10062 });
      if (state.callback) return reply(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      const cbType = body?.type as number;
      const data = body?.data;
      if (![1, 4, 5, 6, 7, 8, 9].includes(cbType)) return refuse({ status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: { type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 4, 5, 6, 7, 8, 9).' }] } } }, lines: ['type: Value must be one of (1, 4, 5, 6, 7, 8, 9).'] });
      // Each callback type answers one kind of interaction (type 2 command, 3 component, 4 autocomplete).
      const fits = cbType === 8 ? state.type === 4 : cbType === 6 || cbType === 7 ? state.type === 3 : state.type !== 4;
      if (!fits) return refuse({ status: 400, body: { code: 40043, message: 'Interaction response type is not valid for this interaction' }, lines: [`type: callback ${cbType} is not valid for interaction type ${state.type}`] });
      if (cbType === 4) {
        const refused = validateMessage(data, { mode: 'create', interaction: true, files: files.length, fileNames: names });
        if (refused) return refuse(prefixed(refused, 'data'));
      }
      if (cbType === 7) {
        const refused = validateMessage(data ?? {}, { mode: 'edit', interaction: true, files: files.length, fileNames: kept(state.componentMessage, data) }) ?? emptiness({ ...state.componentMessage, ...(data ?? {}) }, files.length);
        if (refused) return refuse(prefixed(refused, 'data'));
      }
      if (cbType === 8) {
        const refused = validateAutocomplete(data);
        if (refused) return refuse(refused);
      }
      state.callback = { type: cbType, data, at: Date.now() };
      if (cbType === 4 || cbType === 5) {
        state.original = this.message(state.channelId, cbType === 4 ? data : { content: '', flags: data?.flags ?? 0 }, {
          files,
          type: 20,
          interaction_metadata: { id: state.id, type: state.type, user: { id: state.user.id, username: state.user.username ?? 'user' }, authorizing_integration_owners: {} },
        });
      } else if (cbType === 7) {
        state.original = this.message(state.channelId, data ?? {}, { files });
      }
      for (const w of state.waiters.splice(0)) w();
      if (url.searchParams.get('with_response') === 'true') {
        return reply(200, { interaction: { id: state.id, type: state.type }, resource: state.original ? { type: cbType, message: state.original } : { type: cbType } });
      }
      return reply(204);
    }
    if (method === 'POST' && (m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path)) && m[1] !== this.applicationId) {
      const hook = this.webhooks.get(m[1]!);
      if (!hook) return reply(404, { message: 'Unknown Webhook', code: 10015 });
      if (hook.token !== m[2]) return reply(401, { message: 'Invalid Webhook Token', code: 50027 });
      const refused = validateMessage(body ?? {}, { mode: 'create', interaction: false, files: files.length, fileNames: names }) ?? validateWebhookExecute(body ?? {});
      if (refused) return refuse(refused);
      const msg = this.message(hook.channel_id, body ?? {}, {
        webhook_id: hook.id,
        application_id: hook.application_id,
        author: { id: hook.id, username: body?.username ?? hook.name, avatar: null, discriminator: '0000', bot: true, ...(body?.avatar_url ? { avatar_url: body.avatar_url } : {}) },
      });
      const list = this.messages.get(hook.channel_id) ?? [];
      list.push(msg);
      this.messages.set(hook.channel_id, list);
      return url.searchParams.get('wait') === 'true' ? reply(200, msg) : reply(204);
    }
    if ((m = /^\/channels\/(\d+)\/webhooks$/.exec(path))) {
      const channelId = m[1]!;
      if (this.deletedChannels.has(channelId)) return reply(404, { message: 'Unknown Channel', code: 10003 });
      if (!this.botMay(channelId, P.VIEW_CHANNEL)) return reply(403, { message: 'Missing Access', code: 50001 });
      if (!this.botMay(channelId, P.MANAGE_WEBHOOKS)) return reply(403, { message: 'Missing Permissions', code: 50013 });
      if (method === 'GET') return reply(200, this.channelWebhooks(channelId));
      if (method === 'POST') {
        const refused = validateWebhookCreate(body);
        if (refused) return refuse(refused);
        if (this.channelWebhooks(channelId).length >= 15) return reply(400, { message: 'Maximum number of webhooks reached (15)', code: 30007 });
        const guild = this.guilds.find((g) => g.channels?.some((c) => c.id === channelId));
        const hook: ApiWebhook = { id: snowflake(), type: 1, token: randomBytes(24).toString('base64url'), channel_id: channelId, guild_id: guild?.id ?? null, name: body.name, avatar: null, application_id: this.applicationId };
        this.webhooks.set(hook.id, hook);
        return reply(200, hook);
      }
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path))) {
      const state = this.interactions.get(m[2]!);
      if (!state || m[1] !== this.applicationId) return reply(404, { message: 'Unknown Webhook', code: 10015 });
      if (Date.now() - state.createdAt > 15 * 60_000) return reply(401, { message: 'Invalid Webhook Token', code: 50027 });
      const target = m[3];
      if (!target && method === 'POST') {
        if (!state.callback) return reply(404, { message: 'Unknown Webhook', code: 10015 });
        const refused = validateMessage(body ?? {}, { mode: 'create', interaction: true, files: files.length, fileNames: names });
        if (refused) return refuse(refused);
        const msg = this.message(state.channelId, body ?? {}, { files });
        state.followUps.push(msg);
        for (const w of state.waiters.splice(0)) w();
        return reply(200, msg);
      }
      const msg = target === '@original' ? state.original : state.followUps.find((f) => f.id === target) ?? null;
      if (!msg) return reply(404, { message: 'Unknown Message', code: 10008 });
      if (method === 'GET') return reply(200, msg);
      if (method === 'DELETE') {
        if (target === '@original') state.original = null;
        return reply(204);
      }
      if (method === 'PATCH') {
        const refused = validateMessage(body ?? {}, { mode: 'edit', interaction: true, files: files.length, fileNames: kept(msg, body) }) ?? emptiness({ ...msg, ...(body ?? {}) }, files.length);
        if (refused) return refuse(refused);
        const next = { ...msg, ...body, ...(files.length ? { attachments: files.map((f) => this.storeAttachment(f, body ?? {})) } : {}), edited_timestamp: new Date().toISOString() } as ApiMessage;
        if (target === '@original') state.original = next;
        else state.followUps = state.followUps.map((f) => (f.id === target ? next : f));
        for (const w of state.waiters.splice(0)) w();
        return reply(200, next);
      }
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channelId = m[1]!;
      if (this.deletedChannels.has(channelId)) return reply(404, { message: 'Unknown Channel', code: 10003 });
      if (!this.botMay(channelId, P.VIEW_CHANNEL)) return reply(403, { message: 'Missing Access', code: 50001 });
      if (method === 'POST' && !this.botMay(channelId, P.SEND_MESSAGES)) return reply(403, { message: 'Missing Permissions', code: 50013 });
      if (method === 'POST' && files.length && !this.botMay(channelId, P.ATTACH_FILES)) return reply(403, { message: 'Missing Permissions', code: 50013 });
      // Without Read Message History Discord answers with no messages rather than an error.
      if (method === 'GET' && !this.botMay(channelId, P.READ_MESSAGE_HISTORY)) return reply(200, []);
      if (method === 'POST') {
        const refused = validateMessage(body ?? {}, { mode: 'create', interaction: false, files: files.length, fileNames: names });
        if (refused) return refuse(refused);
        const nonce = body?.nonce !== undefined ? String(body.nonce) : undefined;
        if (nonce !== undefined && body.enforce_nonce) {
          const seen = this.nonces.get(`${channelId}:${nonce}`);
          if (seen && Date.now() - seen.at < 5 * 60_000) return reply(200, seen.message);
        }
        const msg = this.message(channelId, body ?? {}, { files, webhook_id: undefined, ...(nonce !== undefined ? { nonce } : {}), mention_roles: this.pingedRoles(channelId, body ?? {}) });
        const list = this.messages.get(channelId) ?? [];
        list.push(msg);
        this.messages.set(channelId, list);
        if (nonce !== undefined) this.nonces.set(`${channelId}:${nonce}`, { message: msg, at: Date.now() });
        return reply(200, msg);
      }
      if (method === 'GET') {
        const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
        return reply(200, [...(this.messages.get(channelId) ?? [])].reverse().slice(0, limit));
      }
    }
    if (method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path))) {
      const guildId = this.guildOfChannel(m[1]!);
      if (!guildId || this.deletedChannels.has(m[1]!)) return reply(404, { message: 'Unknown Channel', code: 10003 });
      if (!this.botMay(m[1]!, P.VIEW_CHANNEL)) return reply(403, { message: 'Missing Access', code: 50001 });
      return reply(200, this.channelPayload(guildId, this.channelState(m[1]!)!));
    }
    if (method === 'GET' && (m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path))) {
      const g = this.state.get(m[1]!);
      if (!g) return reply(404, { message: 'Unknown Guild', code: 10004 });
      const member = g.members.get(m[2]!);
      if (!member) return reply(404, { message: 'Unknown Member', code: 10007 });
      return reply(200, this.member({ id: m[2]!, username: member.username }, undefined, member.roles));
    }
    if (method === 'GET' && (m = /^\/guilds\/(\d+)$/.exec(path))) {
      const g = this.state.get(m[1]!);
      if (!g) return reply(404, { message: 'Unknown Guild', code: 10004 });
      const spec = this.guilds.find((x) => x.id === g.id)!;
      return reply(200, { id: g.id, name: spec.name ?? 'Guild', owner_id: g.ownerId, roles: [...g.roles.values()].map((r) => this.roleObject(r)), features: [], icon: null });
    }
    if (method === 'GET' && (m = /^\/guilds\/(\d+)\/roles$/.exec(path))) {
      const g = this.state.get(m[1]!);
      if (!g) return reply(404, { message: 'Unknown Guild', code: 10004 });
      return reply(200, [...g.roles.values()].map((r) => this.roleObject(r)));
    }
    return reply(404, { message: `404: Not Found (${method} ${path})`, code: 0 });
  }
}

/** Discord reports interaction-callback body errors under `data`. */
function prefixed(r: Refusal, key: string): Refusal {
  if (r.body.code !== 50035 || !r.body.errors) return r;
  return { ...r, body: { ...r.body, errors: { [key]: r.body.errors } }, lines: r.lines.map((l) => `${key}.${l}`) };
}

/** An edit may change one field, but the message it leaves must still show something. */
function emptiness(merged: Record<string, unknown>, files: number): Refusal | null {
  const content = typeof merged.content === 'string' && merged.content.trim().length > 0;
  const embeds = Array.isArray(merged.embeds) && merged.embeds.length > 0;
  const components = Array.isArray(merged.components) && merged.components.length > 0;
  const attachments = files > 0 || (Array.isArray(merged.attachments) && merged.attachments.length > 0);
  if (content || embeds || components || attachments) return null;
  return { status: 400, body: { code: 50006, message: 'Cannot send an empty message' }, lines: ['(body): Cannot send an empty message'] };
}
