import type { CommandHandler } from '../commands/dispatch.js';
import { buildSchedule } from './schedule.js';
import { checkInUsage, decideCheckIn } from './check-in.js';
import { reportService } from './report-service.js';

/** `/출석` and `/attend`: accepted → a reaction and a refresh later; refused → one short reply. */
export const checkInHandler: CommandHandler = {
  names: ['출석', 'attend'],
  usage: checkInUsage,
  async handle(ctx, command) {
    const decision = decideCheckIn({
      config: ctx.config,
      schedule: buildSchedule(ctx.config),
      lang: ctx.lang,
      login: ctx.author.login,
      at: ctx.createdAt,
      args: command.args,
    });
    if (!decision.ok) {
      await ctx.reply(`> ${command.raw}\n\n${decision.message}`);
      return;
    }
    await ctx.react(decision.mark.state === 'online' ? 'rocket' : '+1');
    reportService(ctx.deps).refreshLater(ctx.octokit, ctx.repo, [{ kind: 'change', change: { kind: 'mark', mark: decision.mark } }]);
  },
};
