import {
  DiscordAPIError,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import type { Invocation, OptionValue } from '../command.ts';
import type { Log } from '../core/deps.ts';
import type { Reply } from '../core/reply.ts';
import type { Dispatcher } from '../dispatch.ts';
import { formatChoices, formatReply, type DiscordMessage } from './format.ts';

/** Unknown interaction (the 3 s window passed) and already acknowledged: logged, never fatal. */
const EXPIRED_OR_ACKED = new Set([10062, 40060]);
/** Past this, a command that is still working defers, well inside Discord's 3 s deadline. */
export const DEFER_AFTER_MS = 1000;

/**
 * Routes interactions to the dispatcher and sends the answers: defers slow work, formats replies
 * within Discord's limits, and keeps count of in-flight work so shutdown can wait for it.
 */
export class InteractionRouter {
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private closing = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly log: Log,
  ) {}

  /** Stop taking new work; resolves when in-flight interactions are answered (or after timeoutMs). */
  async drain(timeoutMs: number): Promise<boolean> {
    this.closing = true;
    if (this.inFlight === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  get pending(): number {
    return this.inFlight;
  }

  /** The discord.js `interactionCreate` listener. Never throws. */
  handle = async (interaction: Interaction): Promise<void> => {
    if (this.closing) return;
    this.inFlight++;
    try {
      if (interaction.isChatInputCommand()) await this.onCommand(interaction);
      else if (interaction.isAutocomplete()) await this.onAutocomplete(interaction);
      else if (interaction.isButton()) await this.onButton(interaction);
    } catch (err) {
      this.report(err, { interaction: interaction.id });
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const f of this.idle.splice(0)) f();
    }
  };

  private invocation(i: ChatInputCommandInteraction | AutocompleteInteraction): Invocation {
    const options: Record<string, OptionValue> = {};
    let subcommand: string | undefined;
    let data = i.options.data;
    if (data[0]?.type === 1) {
      subcommand = data[0].name;
      data = data[0].options ?? [];
    }
    const channels: NonNullable<Invocation['channels']> = {};
    const roles: NonNullable<Invocation['resolvedRoles']> = {};
    for (const o of data) {
      if (o.value !== undefined && o.value !== null) options[o.name] = o.value as OptionValue;
      // Discord sends each channel option with the member's computed permissions in it.
      const channel = o.channel as { id: string; name?: string | null; permissions?: { bitfield: bigint } | string | null } | null | undefined;
      if (channel) channels[channel.id] = { name: channel.name ?? channel.id, permissions: permissionBits(channel.permissions) };
      const role = o.role as { id: string; name: string; mentionable?: boolean } | null | undefined;
      if (role) roles[role.id] = { name: role.name, mentionable: Boolean(role.mentionable) };
    }
    return {
      user: { id: i.user.id, name: i.user.username },
      guildId: i.guildId ?? `dm:${i.user.id}`,
      channelId: i.channelId ?? '',
      permissions: i.memberPermissions?.bitfield ?? 0n,
      roles: memberRoles(i.member),
      options,
      appPermissions: i.appPermissions.bitfield,
      channels,
      resolvedRoles: roles,
      ...(subcommand ? { subcommand } : {}),
    };
  }

  private async onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const inv = this.invocation(i);
    const refused = await this.dispatcher.precheck(i.commandName, inv);
    if (refused) {
      await this.send(i, refused, false);
      return;
    }
    let deferred = false;
    const deferNow = async () => {
      if (deferred || i.replied) return;
      deferred = true;
      await i.deferReply();
    };
    let timer: NodeJS.Timeout | undefined;
    if (this.dispatcher.isSlow(i.commandName, inv)) await deferNow();
    else timer = setTimeout(() => void deferNow().catch((err) => this.report(err, { interaction: i.id, step: 'defer' })), DEFER_AFTER_MS);
    let reply: Reply;
    try {
      reply = await this.dispatcher.run(i.commandName, inv);
    } finally {
      clearTimeout(timer);
    }
    await this.send(i, reply, deferred);
  }

  private async onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const focused = i.options.getFocused(true);
    const choices = await this.dispatcher.autocomplete(i.commandName, this.invocation(i), {
      name: focused.name,
      value: String(focused.value ?? ''),
    });
    await i.respond(formatChoices(choices));
  }

  private async onButton(i: ButtonInteraction): Promise<void> {
    const result = await this.dispatcher.button({
      customId: i.customId,
      user: { id: i.user.id, name: i.user.username },
      guildId: i.guildId ?? `dm:${i.user.id}`,
      channelId: i.channelId,
      permissions: i.memberPermissions?.bitfield ?? 0n,
      roles: memberRoles(i.member),
      ...(i.message.interactionMetadata?.user ? { originalUserId: i.message.interactionMetadata.user.id } : {}),
    });
    const [first, ...rest] = formatReply(result);
    if (result.update) {
      const { flags: _flags, ...update } = first!;
      await i.update(update as never);
    } else {
      await i.reply(first as never);
    }
    for (const m of rest) await i.followUp(m as never);
  }

  /** Sends a reply, as an edit when deferred; an ephemeral answer to a public deferral becomes a private follow-up. */
  private async send(i: ChatInputCommandInteraction, reply: Reply, deferred: boolean): Promise<void> {
    const messages = formatReply(reply);
    const [first, ...rest] = messages as [DiscordMessage, ...DiscordMessage[]];
    if (!deferred) {
      await i.reply(first as never);
    } else if (reply.ephemeral) {
      await i.deleteReply().catch((err) => this.report(err, { interaction: i.id, step: 'delete-deferred' }));
      await i.followUp(first as never);
    } else {
      const { flags: _flags, ...edit } = first;
      await i.editReply(edit as never);
    }
    for (const m of rest) await i.followUp(m as never);
  }

  private report(err: unknown, fields: object): void {
    if (err instanceof DiscordAPIError && typeof err.code === 'number' && EXPIRED_OR_ACKED.has(err.code)) {
      this.log.warn({ ...fields, code: err.code, err: err.message }, 'interaction expired or already acknowledged');
      return;
    }
    this.log.error({ ...fields, err }, 'interaction failed');
  }
}

/** A resolved channel's permissions: a bitfield object (cached channel) or Discord's string; none: unknown. */
function permissionBits(p: { bitfield: bigint } | string | null | undefined): bigint | null {
  if (p === null || p === undefined) return null;
  return typeof p === 'string' ? BigInt(p) : p.bitfield;
}

function memberRoles(member: Interaction['member']): string[] {
  if (!member) return [];
  const roles = (member as { roles: unknown }).roles;
  if (Array.isArray(roles)) return roles as string[];
  const cache = (roles as { cache?: Map<string, unknown> } | undefined)?.cache;
  return cache ? [...cache.keys()] : [];
}
