import type { Context, Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import { reportService } from '../attendance/report-service.js';
import type { CommandHandler } from '../commands/dispatch.js';
import { readTextFile } from '../github/read-config.js';
import { approvalOf } from './approval.js';
import { configCommand } from './handle-config-command.js';
import { parseConfig } from './load-config.js';
import { CONFIG_PATH } from './schema.js';

/**
 * The config's trust boundary: `/config` and `/config approve`, and the bootstrap. Installing
 * the app takes an owner or admin of the repository, so the config on the default branch at
 * install time is the first approved one (by the installer). A repository that got no install
 * event (installed before this version, or the event was missed) adopts its config at the
 * first push check instead (see push-check/config-trust.ts).
 */
export function registerConfigTrust(app: Probot, deps: AppDeps, commands: CommandHandler[]): void {
  commands.push(configCommand(deps));
  const onInstall = async (context: Context<'installation.created'> | Context<'installation_repositories.added'>) => {
    const payload = context.payload;
    const repos = 'repositories_added' in payload ? payload.repositories_added : (payload.repositories ?? []);
    const installer = payload.sender.login;
    const octokit = context.octokit;
    deps.background(async () => {
      for (const r of repos) {
        const [owner, repo] = r.full_name.split('/');
        const ref = { owner, repo };
        try {
          if ((await reportService(deps).approval(octokit, ref)) !== null) continue;
          const text = await readTextFile(octokit, ref, CONFIG_PATH);
          // A broken file approves nothing; the first push check adopts a valid one.
          if (!parseConfig(text).ok) continue;
          const approval = approvalOf(text, '', installer, deps.clock.now().getTime());
          await reportService(deps).refreshDurably(octokit, ref, [{ kind: 'change', change: { kind: 'config', approval } }]);
        } catch (error) {
          context.log.warn({ err: error, repo: r.full_name }, 'config: could not record the config at install time');
        }
      }
    });
  };
  app.on('installation.created', onInstall);
  app.on('installation_repositories.added', onInstall);
}
