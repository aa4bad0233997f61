import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { optionDefs, optionValues, type ButtonPress, type ButtonResult, type Command, type CommandContext, type Focused, type Invocation } from './command.ts';
import type { Log } from './core/deps.ts';
import { userErrorText } from './replies/user-errors.ts';
import { isUserError } from './core/errors.ts';
import { stripSurroundingQuotes } from './core/text/unquote.ts';
import type { Choice, Reply } from './core/reply.ts';

/** Commands that answer without the index (so they work while a large archive loads). */
const NO_INDEX_NEEDED = new Set(['help']);

/** A short id the user can quote to an admin, matching the log line with the stack. */
export function newErrorRef(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

/**
 * Runs commands for both front ends (Discord and the console) with the same rules: user errors
 * become a clear private message, anything else a generic reply with a reference that the log
 * line repeats next to the full error.
 */
export class Dispatcher {
  private readonly byName = new Map<string, Command>();
  private readonly byPrefix = new Map<string, Command>();

  constructor(
    private readonly ctx: CommandContext,
    private readonly log: Log,
    readonly commands: Command[],
    /** Each answered interaction: its command, how it ended and how long it took (METRICS_PORT). */
    private readonly observe?: (command: string, outcome: 'ok' | 'user_error' | 'error' | 'loading', seconds: number) => void,
  ) {
    for (const c of commands) {
      this.byName.set(c.definition.name, c);
      for (const p of c.buttonPrefixes ?? []) this.byPrefix.set(p, c);
    }
  }

  find(name: string): Command | undefined {
    return this.byName.get(name);
  }

  /**
   * The command's cheap checks (permissions, loading state), before the adapter decides to defer:
   * a refusal comes back as a reply to send at once, null when the command may run.
   */
  async precheck(name: string, raw: Invocation): Promise<Reply | null> {
    const command = this.byName.get(name);
    if (!command) return { ephemeral: true, content: `Unknown command /${name}. Try /help.` };
    const inv = this.normalise(command, raw);
    const loading = this.loadingReply(name);
    if (loading) return loading;
    if (!command.guard) return null;
    const refused = await this.guard({ command: name, user: inv.user.id, guild: inv.guildId }, () => {
      command.guard!(this.ctx, inv);
      return null as unknown as Reply;
    });
    return refused ?? null;
  }

  /** Whether a command invocation may be slow enough to defer first. */
  isSlow(name: string, inv: Invocation): boolean {
    const slow = this.byName.get(name)?.slow;
    return typeof slow === 'function' ? slow(inv) : Boolean(slow);
  }

  /** Runs a slash command and always returns a reply (never throws). */
  async run(name: string, raw: Invocation): Promise<Reply> {
    const command = this.byName.get(name);
    if (!command) return { ephemeral: true, content: `Unknown command /${name}. Try /help.` };
    const started = performance.now();
    const inv = this.normalise(command, raw);
    const loading = this.loadingReply(name);
    if (loading) {
      this.observe?.(name, 'loading', (performance.now() - started) / 1000);
      return loading;
    }
    let outcome: 'ok' | 'user_error' | 'error' = 'ok';
    const reply = await this.guard(
      { command: name, user: inv.user.id, guild: inv.guildId },
      () => {
        command.guard?.(this.ctx, inv);
        return command.run(this.ctx, inv);
      },
      (o) => (outcome = o),
    );
    this.observe?.(name, outcome, (performance.now() - started) / 1000);
    return reply;
  }

  /** Autocomplete never shows an error to the user: on failure it offers nothing. */
  async autocomplete(name: string, raw: Invocation, focused: Focused): Promise<Choice[]> {
    const command = this.byName.get(name);
    if (!command?.autocomplete || !this.ctx.newsroom.isReady) return [];
    const inv = this.normalise(command, raw);
    // What is being typed follows the same rule: `"Desk W` looks up Desk W.
    const opt = optionDefs(command.definition, inv.subcommand).find((o) => o.name === focused.name);
    const looking = opt?.type === 'string' && !opt.quotesAreSyntax ? { ...focused, value: stripSurroundingQuotes(focused.value).replace(/^["'“‘„«]/, '') } : focused;
    try {
      return await command.autocomplete(this.ctx, inv, looking);
    } catch (err) {
      this.log.warn({ err, command: name, option: focused.name }, 'autocomplete failed');
      return [];
    }
  }

  /** Runs a button press and always returns a result (never throws). */
  async button(press: ButtonPress): Promise<ButtonResult> {
    const prefix = press.customId.split(':', 1)[0] ?? '';
    const command = this.byPrefix.get(prefix);
    if (!command?.button) {
      return { update: false, ephemeral: true, content: 'This button no longer does anything. Run the command again.' };
    }
    const loading = this.loadingReply(command.definition.name);
    if (loading) return { update: false, ...loading };
    const started = performance.now();
    let outcome: 'ok' | 'user_error' | 'error' = 'ok';
    const reply = await this.guard({ button: press.customId, user: press.user.id, guild: press.guildId }, () => command.button!(this.ctx, press), (o) => (outcome = o));
    this.observe?.(`${command.definition.name}:button`, outcome, (performance.now() - started) / 1000);
    return 'update' in reply ? (reply as ButtonResult) : { update: false, ...reply };
  }

  /** The invocation with its option values as commands see them (one rule for both front ends). */
  private normalise(command: Command, inv: Invocation): Invocation {
    const options = optionValues(command.definition, inv.subcommand, inv.options);
    return options === inv.options ? inv : { ...inv, options };
  }

  private loadingReply(name: string): Reply | null {
    const newsroom = this.ctx.newsroom;
    if (newsroom.isReady || NO_INDEX_NEEDED.has(name)) return null;
    const { done, total } = newsroom.loadProgress;
    const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
    return { ephemeral: true, content: `The archive index is loading, ${pct}% done. Try again in a moment.` };
  }

  private async guard<T extends Reply>(fields: object, fn: () => Promise<T> | T, failed?: (outcome: 'user_error' | 'error') => void): Promise<T | Reply> {
    try {
      return await fn();
    } catch (err) {
      if (isUserError(err)) {
        failed?.('user_error');
        // The kind only: its values may be what the member typed.
        this.log.info({ ...fields, userError: err.id }, 'user error');
        return { ephemeral: true, content: userErrorText(err) };
      }
      failed?.('error');
      const ref = newErrorRef();
      this.log.error({ ...fields, ref, err }, 'command failed');
      return { ephemeral: true, content: `Something went wrong (ref ${ref}). The error has been logged; please try again or tell an admin the ref.` };
    }
  }
}
