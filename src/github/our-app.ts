import { ourAppId, type Octokit } from './octokit.js';

/** What GitHub says about who wrote an issue or a comment. */
export interface Authored {
  user?: { type?: string; login?: string } | null;
  performed_via_github_app?: { id?: number } | null;
}

/** This app's bot login (`{slug}[bot]`), asked once per app: only for an item GitHub did not name an app on. */
const botLogins = new Map<number, Promise<string | null>>();
function ourBotLogin(octokit: Octokit, appId: number): Promise<string | null> {
  let login = botLogins.get(appId);
  if (!login) {
    login = octokit.rest.apps.getAuthenticated().then(
      ({ data }) => (data?.slug ? `${data.slug}[bot]` : null),
      () => null,
    );
    botLogins.set(appId, login);
  }
  return login;
}

/**
 * Whether this app wrote `item` (an issue or a comment). Being a bot is not enough: any member
 * can push a workflow that writes as github-actions[bot], and any other app installed on the
 * repository is a bot too. GitHub names the app an item was made through
 * (`performed_via_github_app`) and its author is then the app's bot user; an item with no app
 * named counts when its author is our bot's login. Without app credentials (a plain token, the
 * CLI) any bot's item counts: there is no app to compare with.
 */
export async function writtenByUs(octokit: Octokit, item: Authored, appId?: number | null): Promise<boolean> {
  if (item.user?.type !== 'Bot') return false;
  const ours = appId === undefined ? await ourAppId(octokit) : appId;
  if (ours === null) return true;
  const app = item.performed_via_github_app?.id;
  if (app !== undefined && app !== null) return app === ours;
  return item.user.login !== undefined && item.user.login === (await ourBotLogin(octokit, ours));
}
