import type { Command } from '../src/command.ts';
import { alert } from './alert/index.ts';
import { article } from './article.ts';
import { changes } from './changes.ts';
import { cite } from './cite.ts';
import { story } from './story.ts';
import { digest } from './digest/index.ts';
import { helpFor } from './help.ts';
import { quote } from './quote.ts';
import { search } from './search.ts';
import { source } from './source/index.ts';
import { stats } from './stats.ts';
import { trend } from './trend.ts';
import { trending } from './trending.ts';

/** The explicit list of slash commands, in the order /help shows them. */
export function commandList(): Command[] {
  const commands: Command[] = [search, quote, article, changes, story, cite, trend, trending, source, digest, alert, stats];
  commands.push(helpFor(commands));
  return commands;
}
