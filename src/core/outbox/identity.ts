import type { Reply } from '../reply.ts';
import { stripInvisible } from '../text/escape.ts';

/** Who a delivery post appears to come from when it goes through a channel webhook. */
export interface PostIdentity {
  /** The webhook username for this post (1–80 characters, no "discord"/"clyde"). */
  name: string;
  /** The outlet's picture (https) or none (Discord shows the webhook's default). */
  avatarUrl?: string;
}

/**
 * A delivery's outbox payload: the post, the marker that identifies it among a channel's recent
 * messages (webhooks take no nonce, so a post of unknown outcome is found by its marker), and the
 * identity to post under when the delivery asked for the outlet's.
 */
export interface DeliveryPayload extends Reply {
  marker: string;
  as?: PostIdentity;
}

/**
 * The outlet's name as a webhook username Discord accepts: "@", "#", ":" and backticks removed
 * first (removing them can join the letters of a reserved word: "cl@yde"), then "discord" and
 * "clyde" removed until none is left (removing one can join another: "discclydeord"), then
 * "everyone"/"here" alone refused, then cut to 80 characters.
 */
export function webhookName(outlet: string): string {
  let name = stripInvisible(outlet).replace(/\s+/g, ' ').replace(/[`@#:]/g, '');
  for (let before = ''; before !== name; ) {
    before = name;
    name = name.replace(/discord|clyde/gi, '');
  }
  name = name.replace(/\s+/g, ' ').trim();
  if (/^(everyone|here)$/i.test(name)) name = '';
  if (!name) name = 'Newsdesk';
  return [...name].slice(0, 80).join('').trim();
}

/** The outlet's picture as an avatar: https only, within Discord's URL limit. */
export function avatarUrl(url: string | null | undefined): string | undefined {
  return url && /^https:\/\/\S+$/i.test(url) && url.length <= 2048 ? url : undefined;
}
