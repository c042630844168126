import type { CommandContext, CommandHandler } from '../commands/dispatch.js';
import { isOrganizerRole, repoRole } from '../github/permissions.js';
import { pick } from '../i18n/pick.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import { attendanceUsage, decideAttendanceCommand, reportUsage } from './organizer-commands.js';
import { reportService } from './report-service.js';
import { buildSchedule } from './schedule.js';

/** Organizer rights come from the repository role (admin, maintain), never from files. */
async function refuseUnlessOrganizer(ctx: CommandContext, command: SlashCommand): Promise<boolean> {
  if (isOrganizerRole(await repoRole(ctx.octokit, ctx.repo, ctx.author.login))) return false;
  await ctx.reply(
    `> ${command.raw}\n\n${pick(ctx.lang, {
      ko: `\`/${command.name}\`은(는) 운영진(저장소 admin·maintain 권한)만 쓸 수 있습니다. 아무것도 바꾸지 않았습니다.`,
      en: `\`/${command.name}\` is for organizers (admin or maintain on this repository). Nothing was changed.`,
    })}`,
  );
  return true;
}

export const attendanceHandler: CommandHandler = {
  names: ['attendance', '출석부'],
  usage: attendanceUsage,
  async handle(ctx, command) {
    if (await refuseUnlessOrganizer(ctx, command)) return;
    const decision = decideAttendanceCommand({
      config: ctx.config,
      schedule: buildSchedule(ctx.config),
      lang: ctx.lang,
      organizer: ctx.author.login,
      at: ctx.createdAt,
      args: command.args,
    });
    if (!decision.ok) {
      await ctx.reply(`> ${command.raw}\n\n${decision.message}`);
      return;
    }
    await ctx.react('+1');
    reportService(ctx.deps).refreshLater(
      ctx.octokit,
      ctx.repo,
      decision.marks.map((mark) => ({ kind: 'change', change: { kind: 'mark', mark } })),
    );
  },
};

export const reportHandler: CommandHandler = {
  names: ['report', '현황'],
  usage: reportUsage,
  async handle(ctx, command) {
    if (await refuseUnlessOrganizer(ctx, command)) return;
    await ctx.react('eyes');
    reportService(ctx.deps).refreshLater(ctx.octokit, ctx.repo, [{ kind: 'refresh' }]);
  },
};
