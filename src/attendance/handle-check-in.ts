import type { CommandHandler } from '../commands/dispatch.js';
import { pendingRosterNote } from '../config/approval.js';
import { buildSchedule } from './schedule.js';
import { checkInUsage, decideCheckIn } from './check-in.js';
import { commandConfig, NOT_RECORDED, recordThenAcknowledge } from './record-command.js';
import { quoteCommand } from '../commands/quote-command.js';

/**
 * `/출석` and `/attend`: accepted → recorded in the ledger, then a reaction (the reaction
 * means "recorded"); refused → one short reply that says why.
 */
export const checkInHandler: CommandHandler = {
  names: ['출석', 'attend'],
  usage: checkInUsage,
  async handle(ctx, command) {
    const config = await commandConfig(ctx);
    const decision = decideCheckIn({
      config,
      schedule: buildSchedule(config),
      lang: config.language,
      login: ctx.author.login,
      at: ctx.createdAt,
      args: command.args,
    });
    if (!decision.ok) {
      // Added to the roster by an edit nobody approved: say that too, so they know what to ask for.
      const pending = decision.reason === 'not-member' ? pendingRosterNote(ctx.configStanding, ctx.author.login, config.language) : null;
      await ctx.reply(`${quoteCommand(command)}\n\n${decision.message}${pending ? `\n\n${pending}` : ''}`);
      return;
    }
    recordThenAcknowledge(
      ctx,
      command,
      [{ kind: 'change', change: { kind: 'mark', mark: decision.mark } }],
      decision.mark.state === 'online' ? 'rocket' : '+1',
      NOT_RECORDED.checkIn,
      config.language,
      true,
    );
  },
};
