import { isModerator, type CommandContext, type Invocation } from '../../src/command.ts';
import type { DigestSource } from '../../src/core/digest/digests.ts';
import { UserError } from '../../src/core/errors.ts';
import { escapeInline } from '../../src/core/text/escape.ts';

/** Managing digests is for moderators; previewing is for anyone. */
export function requireModerator(ctx: CommandContext, inv: Invocation): void {
  if (!isModerator(ctx, inv)) throw new UserError('Only moderators (Manage Server permission or the moderator role) can manage digests. Anyone can /digest preview.', { id: 'permission.moderators-only', values: { command: 'digest' } });
}

/** "**Desk Wire** (`k3f9a2x`), **Daily NK**" — names in bold, the typeable id in code. */
export function sourceList(sources: DigestSource[]): string {
  return sources.map((s) => `**${escapeInline(s.name)}**${s.id ? ` (\`${s.id}\`)` : ''}`).join(', ');
}

/** The `id` option (a subscription id) as the handlers read it. */
export function subscriptionId(inv: Invocation): string {
  return typeof inv.options.id === 'string' ? inv.options.id : '';
}
