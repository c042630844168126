/**
 * How many comments with commands of people with a say in the repository (OWNER, MEMBER,
 * COLLABORATOR) the bot answers. Every answered comment costs writes (a reply, a reaction, a
 * `/verify` comment), all from the installation's one limit: GitHub's secondary limits allow
 * 80 content-creating requests a minute and 500 an hour, and the push checks, `/verify`'s
 * results and the report of every other member need them (the twentieth attack review: 30
 * comments of one member a minute asked for 210 writes). A member gets a few answered comments
 * a minute and a bounded number an hour; the first comment past that gets one short notice,
 * the next ones nothing, until the member is under the budget again. Per repository and login;
 * in this process's memory (a restart forgets it, which costs at most one more budget).
 */
export interface MemberBudgetLimits {
  /** answered comments per member, per repository, per minute */
  perMinute: number;
  /** answered comments per member, per repository, per hour */
  perHour: number;
}

/** Generous for a member's work (a check-in, a few `/verify`s, `/config`): at most ~120 writes an hour. */
export const DEFAULT_MEMBER_LIMITS: MemberBudgetLimits = { perMinute: 6, perHour: 60 };

/** answer: run the comment; notice: say once that it is not answered; drop: say nothing */
export type MemberVerdict = 'answer' | 'notice' | 'drop';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Members remembered at once; the one not heard from longest is forgotten past it. */
const MAX_MEMBERS = 2_000;

interface Entry {
  /** answer times within the last hour, oldest first */
  times: number[];
  /** told already that they are past the budget (reset by the next answered comment) */
  noticed: boolean;
}

export class MemberBudget {
  private readonly members = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly limits: MemberBudgetLimits = DEFAULT_MEMBER_LIMITS,
  ) {}

  /** What to do with this member's comment now; counts it when it is answered. */
  take(repository: string, login: string): MemberVerdict {
    const now = this.now();
    const key = `${repository.toLowerCase()}#${login.toLowerCase()}`;
    const entry = this.members.get(key) ?? { times: [], noticed: false };
    // Most recently heard from last in the map's order, so the first key is the one to forget.
    this.members.delete(key);
    if (this.members.size >= MAX_MEMBERS) {
      const oldest = this.members.keys().next().value;
      if (oldest !== undefined) this.members.delete(oldest);
    }
    this.members.set(key, entry);
    while (entry.times.length > 0 && entry.times[0]! <= now - HOUR_MS) entry.times.shift();
    const lastMinute = entry.times.filter((t) => t > now - MINUTE_MS).length;
    if (lastMinute >= this.limits.perMinute || entry.times.length >= this.limits.perHour) {
      if (entry.noticed) return 'drop';
      entry.noticed = true;
      return 'notice';
    }
    entry.times.push(now);
    entry.noticed = false;
    return 'answer';
  }
}
