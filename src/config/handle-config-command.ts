import type { AppDeps } from '../app/deps.js';
import { reportService } from '../attendance/report-service.js';
import type { CommandContext, CommandHandler } from '../commands/dispatch.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import { commitAt, FULL_SHA } from '../github/config-approval-client.js';
import { listOrganizers } from '../github/organizers.js';
import { isOrganizerRole, repoRole } from '../github/permissions.js';
import { readTextFile } from '../github/read-config.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { approvalOf, approvedConfigOf, describeChange, diffConfig, type ConfigStanding } from './approval.js';
import { parseConfig } from './load-config.js';
import { CONFIG_PATH } from './schema.js';
import { quoteCommand } from '../commands/quote-command.js';

/**
 * `/config approve`: an organizer puts a config into effect. On a commit comment it approves
 * the config at that commit; on an issue it needs the commit's full sha (`/config approve
 * <40 hex digits>`, shown in the push check's notice), so that nobody approves a version
 * pushed a second before they commented, nor a member's commit ground to the same short
 * prefix or a branch named like it. `/config` alone says
 * where the config stands. Rights are asked of GitHub first; a config that does not validate
 * is never approved.
 */
export const CONFIG_USAGE: Bilingual = {
  ko: '`/config` 설정 상태 · `/config approve` (운영진, 설정을 바꾼 커밋의 댓글에서; 이슈에서는 `/config approve <커밋>`)',
  en: '`/config` where the config stands · `/config approve` (organizers, on the commit that changed the config; on an issue `/config approve <commit>`)',
};

const APPROVE = new Set(['approve', '승인']);
const STATUS = new Set(['status', '상태']);
const MAX_CHANGES_SHOWN = 30;

export function configCommand(deps: AppDeps): CommandHandler {
  return {
    names: ['config', '설정'],
    usage: CONFIG_USAGE,
    async handle(ctx, command) {
      const sub = command.args[0]?.toLowerCase();
      if (sub === undefined || STATUS.has(sub)) return void (await ctx.reply(quote(command, statusText(ctx.configStanding, ctx))));
      if (!APPROVE.has(sub)) return void (await ctx.reply(quote(command, pick(ctx.lang, { ko: `사용법: ${CONFIG_USAGE.ko}`, en: `Usage: ${CONFIG_USAGE.en}` }))));
      await approve(deps, ctx, command);
    },
  };
}

const quote = (command: SlashCommand, text: string) => `${quoteCommand(command)}\n\n${text}`;

async function approve(deps: AppDeps, ctx: CommandContext, command: SlashCommand): Promise<void> {
  const { lang } = ctx;
  const login = ctx.author.login;
  if (!isOrganizerRole(await repoRole(ctx.octokit, ctx.repo, login))) {
    const names = (await listOrganizers(ctx.octokit, ctx.repo)).map((l) => `@${l}`).join(', ');
    await ctx.reply(
      quote(
        command,
        pick(lang, {
          ko: `@${login} 님, 설정 승인은 운영진(저장소 admin·maintain 권한${names ? `: ${names}` : ''})만 할 수 있습니다.`,
          en: `@${login}, only organizers (admin or maintain permission on the repository${names ? `: ${names}` : ''}) can approve the config.`,
        }),
      ),
    );
    return;
  }
  const named = ctx.source.kind === 'commit' ? ctx.source.sha : command.args[1];
  if (!named || !/^[0-9a-f]{7,40}$/i.test(named)) {
    await ctx.reply(
      quote(
        command,
        pick(lang, {
          ko: '승인할 커밋을 알려 주세요: 설정을 바꾼 커밋에 댓글로 `/config approve`를 남기거나, 여기서 `/config approve <커밋 sha 40자리>`라고 적어 주세요 (push 검사의 설정 안내에 적혀 있습니다).',
          en: 'Name the commit to approve: comment `/config approve` on the commit that changed the config, or write `/config approve <the commit\'s full 40-digit sha>` here (the push check\'s config notice shows it).',
        }),
      ),
    );
    return;
  }
  if (!FULL_SHA.test(named)) {
    // A short prefix names no commit for sure: the pending commit's sha is public, a member can
    // grind a commit of their own to the same seven digits and name a branch or tag after it.
    await ctx.reply(
      quote(
        command,
        pick(lang, {
          ko: `\`${named}\`은(는) 커밋 sha의 앞부분이라 승인하지 않았습니다: 앞부분이 같은 커밋은 누구나 만들 수 있고, 같은 이름의 브랜치나 태그는 커밋으로 보지 않습니다. push 검사의 설정 안내에 적힌 sha 40자리 전체로 \`/config approve <sha>\`를 남기거나, 그 커밋에 댓글로 \`/config approve\`를 남겨 주세요.`,
          en: `\`${named}\` is only the start of a commit sha, so nothing was approved: anyone can make a commit that starts the same, and a branch or tag of that name does not count as a commit. Write the full 40-digit sha shown in the push check's config notice (\`/config approve <sha>\`), or comment \`/config approve\` on that commit.`,
        }),
      ),
    );
    return;
  }
  const sha = await commitAt(ctx.octokit, ctx.repo, named);
  if (!sha) {
    await ctx.reply(quote(command, pick(lang, { ko: `이 저장소에 \`${named}\` 커밋이 없습니다.`, en: `There is no commit \`${named}\` in this repository.` })));
    return;
  }
  const text = await readTextFile(ctx.octokit, ctx.repo, CONFIG_PATH, sha);
  const parsed = parseConfig(text, lang);
  if (!parsed.ok) {
    const lines = parsed.problems.slice(0, 10).map((p) => `- ${p.key ? `\`${p.key}\` ` : ''}(${pick(lang, { ko: `${p.line}번째 줄`, en: `line ${p.line}` })}): ${p.message}`);
    await ctx.reply(
      quote(
        command,
        [pick(lang, { ko: `\`${sha.slice(0, 7)}\`의 설정에 오류가 있어 승인하지 않았습니다:`, en: `The config at \`${sha.slice(0, 7)}\` has errors, so it was not approved:` }), '', ...lines].join('\n'),
      ),
    );
    return;
  }
  const approval = approvalOf(text, sha, login, ctx.createdAt.getTime());
  const previous = ctx.configStanding && ctx.configStanding.state !== 'unapproved' ? approvedConfigOf(ctx.configStanding.approval).config : ctx.config;
  const changes = diffConfig(previous, parsed.config);
  // Recorded durably (retried) after the webhook is answered; the reply says it is in effect.
  ctx.deps.background(async () => {
    try {
      await reportService(deps).refreshDurably(ctx.octokit, ctx.repo, [{ kind: 'change', change: { kind: 'config', approval } }]);
    } catch (error) {
      ctx.log.error({ err: error, sha }, 'config: could not record an approval');
      await ctx.reply(
        quote(
          command,
          pick(lang, {
            ko: '⚠️ 승인을 **기록하지 못했습니다** (GitHub에 쓰는 중 봇 쪽 문제). 잠시 뒤 다시 남겨 주세요.',
            en: '⚠️ The approval was **not recorded** (the bot could not write it on GitHub). Please comment again in a moment.',
          }),
        ),
      );
      return;
    }
    const list = changes.slice(0, MAX_CHANGES_SHOWN).map((c) => `- ${describeChange(c, lang)}`);
    if (changes.length > MAX_CHANGES_SHOWN) list.push(`- … ${changes.length - MAX_CHANGES_SHOWN}`);
    await ctx.reply(
      quote(
        command,
        [
          pick(lang, {
            ko: `✅ \`${sha.slice(0, 7)}\`의 설정을 승인했습니다. 지금부터 이 설정이 적용됩니다.`,
            en: `✅ Approved the config at \`${sha.slice(0, 7)}\`. It is in effect from now on.`,
          }),
          ...(list.length > 0 ? ['', pick(lang, { ko: '바뀐 점:', en: 'What changed:' }), '', ...list] : []),
        ].join('\n'),
      ),
    );
  });
}

function statusText(standing: ConfigStanding | undefined, ctx: CommandContext): string {
  const lang = ctx.lang;
  if (!standing || standing.state === 'unapproved') {
    return pick(lang, {
      ko: `아직 승인된 설정이 없어 저장소의 \`${CONFIG_PATH}\`를 그대로 씁니다. 운영진이 \`/config approve <커밋>\`으로 승인하거나 설정을 직접 push하면 그 뒤로는 승인된 설정만 적용됩니다.`,
      en: `No config has been approved yet, so \`${CONFIG_PATH}\` is used as it is. Once an organizer approves one (\`/config approve <commit>\`) or pushes the config, only approved configs take effect.`,
    });
  }
  const who = standing.approval.by.startsWith('(') ? pick(lang, { ko: '처음 사용할 때 채택', en: 'adopted at first use' }) : `@${standing.approval.by}`;
  const at = standing.approval.commit ? ` \`${standing.approval.commit.slice(0, 7)}\`` : '';
  const head = pick(lang, { ko: `적용 중인 설정:${at} (${who})`, en: `Config in effect:${at} (${who})` });
  if (standing.state === 'approved') return `${head}\n\n${pick(lang, { ko: `저장소의 \`${CONFIG_PATH}\`와 같습니다.`, en: `\`${CONFIG_PATH}\` in the repository is the same.` })}`;
  const list = standing.changes.slice(0, MAX_CHANGES_SHOWN).map((c) => `- ${describeChange(c, lang)}`);
  return [
    head,
    '',
    standing.proposed
      ? pick(lang, { ko: `저장소의 \`${CONFIG_PATH}\`에 승인되지 않은 변경이 있습니다:`, en: `\`${CONFIG_PATH}\` in the repository has changes that are not approved:` })
      : pick(lang, { ko: `저장소의 \`${CONFIG_PATH}\`에 오류가 있습니다 (push 검사에 표시됩니다).`, en: `\`${CONFIG_PATH}\` in the repository has errors (the push check shows them).` }),
    ...(list.length > 0 ? ['', ...list] : []),
  ].join('\n');
}
