/**
 * `npm run deploy-commands`: registers the slash commands globally. Needs DISCORD_TOKEN; the
 * application id is read from DISCORD_APPLICATION_ID or asked of Discord.
 */
import { REST, Routes } from 'discord.js';
import { commandList } from '../../commands/index.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { deployGlobalCommands } from './client.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.discordToken) {
    console.error('DISCORD_TOKEN is not set: it is needed to register commands. See README "Running in a Discord server".');
    process.exit(1);
  }
  let applicationId = config.discordApplicationId;
  if (!applicationId) {
    const rest = new REST(config.discordApiUrl ? { api: config.discordApiUrl } : {}).setToken(config.discordToken);
    const app = (await rest.get(Routes.currentApplication())) as { id: string };
    applicationId = app.id;
  }
  const n = await deployGlobalCommands({ token: config.discordToken, apiUrl: config.discordApiUrl, applicationId, commands: commandList() });
  console.log(`Registered ${n} global commands for application ${applicationId}. They can take up to an hour to appear in every server.`);
  // The REST client keeps connections alive; this one-shot script is done.
  process.exit(0);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `deploy-commands failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
