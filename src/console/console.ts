import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { ButtonPress, Invocation } from '../command.ts';
import { parseCommandLine } from './parse.ts';
import { renderReplyText } from './render.ts';
import type { Log } from '../core/deps.ts';
import { userErrorText } from '../replies/user-errors.ts';
import { isUserError } from '../core/errors.ts';
import { attachmentBytes, type Reply, type ReplyButton } from '../core/reply.ts';
import type { Dispatcher } from '../dispatch.ts';

/** The console is one local server with one all-powerful user. */
export const CONSOLE_GUILD_ID = 'console';
const CONSOLE_USER = { id: 'console', name: 'console' };
const ALL_PERMISSIONS = (1n << 53n) - 1n;

export interface ConsoleOptions {
  dispatcher: Dispatcher;
  log: Log;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Where to keep command history between runs (interactive use only). */
  historyFile?: string;
  /** Where files attached to replies (search exports) are saved; without it they are printed. */
  exportDir?: string;
  /** Resolves when the archive is ready to answer; lines typed before wait for it. */
  ready: Promise<unknown>;
  /** The bot's clock, for relative times (`<t:…:R>`) in replies. */
  now?: () => Date;
}

/**
 * A local REPL over the same commands and payloads as Discord. Interactive on a terminal (with
 * history); with piped stdin it answers each line in order and resolves at end of input.
 */
export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const interactive = Boolean((input as NodeJS.ReadStream).isTTY && (output as NodeJS.WriteStream).isTTY);
  const history = interactive && opts.historyFile ? loadHistory(opts.historyFile) : [];
  const rl = readline.createInterface({
    input,
    output: interactive ? output : undefined,
    terminal: interactive,
    history,
    historySize: 500,
    prompt: 'newsdesk> ',
  });
  const write = (s: string) => output.write(s.endsWith('\n') ? s : `${s}\n`);
  let lastButtons: ReplyButton[] = [];
  /** Set by /exit: the lines already read after it are not run. */
  let exiting = false;

  const show = (reply: Reply) => {
    const { text, buttons } = renderReplyText(reply, { ansi: interactive, ...(opts.now ? { now: opts.now() } : {}) });
    lastButtons = buttons;
    write(text);
    // Files are saved where the user can open them, or shown inline when there is nowhere to save.
    for (const a of reply.attachments ?? []) {
      if (opts.exportDir) {
        fs.mkdirSync(opts.exportDir, { recursive: true });
        const file = path.join(opts.exportDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${path.basename(a.name)}`);
        fs.writeFileSync(file, attachmentBytes(a));
        write(`📎 ${a.name} saved to ${file}`);
      } else if (a.encoding === 'base64') write(`📎 ${a.name}: ${a.description ?? 'a binary file'} (not saved: no data directory)`);
      else write(`📎 ${a.name}:\n${a.data.replace(/^\uFEFF/, '')}`);
    }
  };

  const handle = async (line: string) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    if (/^\/?(exit|quit)$/i.test(trimmed)) {
      exiting = true;
      rl.close();
      return;
    }
    const press = /^\/?press\s+(\d+)$/i.exec(trimmed);
    if (press) {
      const button = lastButtons[Number(press[1]) - 1];
      if (!button?.id) {
        write(`No button ${press[1]} on the last answer.`);
        return;
      }
      const event: ButtonPress = { customId: button.id, user: CONSOLE_USER, guildId: CONSOLE_GUILD_ID, channelId: 'console', permissions: ALL_PERMISSIONS, roles: [], originalUserId: CONSOLE_USER.id };
      show(await opts.dispatcher.button(event));
      return;
    }
    let parsed;
    try {
      parsed = parseCommandLine(trimmed, (name) => opts.dispatcher.find(name)?.definition);
    } catch (err) {
      if (isUserError(err)) {
        write(userErrorText(err));
        return;
      }
      throw err;
    }
    const inv: Invocation = {
      user: CONSOLE_USER,
      guildId: CONSOLE_GUILD_ID,
      channelId: 'console',
      permissions: ALL_PERMISSIONS,
      roles: [],
      options: parsed.options,
      ...(parsed.subcommand ? { subcommand: parsed.subcommand } : {}),
    };
    show(await opts.dispatcher.run(parsed.name, inv));
  };

  if (interactive) {
    write('Newsdesk console — the same commands as in Discord. Type /help, /exit to leave.');
  }
  // Lines are answered strictly in order, even when piped faster than they are answered, and
  // none is answered before the archive is ready (lines typed meanwhile wait, not vanish).
  const closed = new Promise<void>((resolve) => rl.once('close', resolve));
  let chain: Promise<void> = opts.ready.then(() => {
    if (interactive) rl.prompt();
  });
  rl.on('line', (line) => {
    chain = chain.then(async () => {
      if (exiting) return;
      try {
        await handle(line);
      } catch (err) {
        opts.log.error({ err }, 'console command failed');
        write('Something went wrong; see the log.');
      }
      if (interactive && !exiting) rl.prompt();
    });
  });
  await closed;
  await chain;
  if (interactive && opts.historyFile) saveHistory(opts.historyFile, (rl as unknown as { history: string[] }).history);
}

function loadHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse();
  } catch {
    return [];
  }
}

function saveHistory(file: string, history: string[]): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, [...history].reverse().slice(-500).join('\n') + '\n');
  } catch {
    // History is a convenience; never fail the session over it.
  }
}
