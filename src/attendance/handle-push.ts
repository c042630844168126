import type { Context } from 'probot';
import type { AppDeps } from '../app/deps.js';
import { pushFactsOf, selectPush } from '../push-check/select-push.js';
import { reportService } from './report-service.js';

/**
 * A push to the default branch: its study files' first-seen time is the time GitHub
 * received the push (`repository.pushed_at`), never a commit's date, which the author's
 * machine sets and can backdate. The refresh reads the tree at `after` for what is on main.
 */
export async function handlePush(context: Context<'push'>, deps: AppDeps): Promise<void> {
  const p = context.payload;
  const plan = selectPush(pushFactsOf(p));
  if (plan.kind === 'skip') return;
  const pushedAt = typeof p.repository.pushed_at === 'number' ? p.repository.pushed_at * 1000 : deps.clock.now().getTime();
  const repo = { owner: p.repository.owner?.login ?? p.repository.full_name.split('/')[0], repo: p.repository.name };
  reportService(deps).refreshLater(context.octokit, repo, [
    {
      kind: 'push',
      push: {
        after: p.after,
        pushedAt,
        commits: p.commits.map((c) => ({ added: c.added ?? [], removed: c.removed ?? [], modified: c.modified ?? [] })),
      },
    },
  ]);
}
