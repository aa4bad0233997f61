import type { ChannelPoster } from '../core/outbox/index.ts';
import type { Reply } from '../core/reply.ts';
import { renderReplyText } from './render.ts';

/** In the console, channel posts (digests, alerts, notices) are printed, tagged with their channel. */
export class ConsolePoster implements ChannelPoster {
  private n = 0;
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly ansi: boolean,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async post(channelId: string, reply: Reply): Promise<{ messageIds: string[] }> {
    const { text } = renderReplyText({ ...reply, ephemeral: false }, { ansi: this.ansi, now: this.now() });
    this.out.write(`\n[posted in #${channelId}]\n${text}\n`);
    return { messageIds: [`console-${++this.n}`] };
  }
}
