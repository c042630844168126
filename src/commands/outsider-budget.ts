/**
 * How many comments of people without a say in the repository (GitHub's author_association
 * other than OWNER, MEMBER, COLLABORATOR) the bot answers: anyone can comment on a public
 * repository, and every answered command costs a config read and a reply or a reaction, all
 * from the app's one rate limit, which the study's own members need. An outsider gets a few
 * answers an hour, and all outsiders together a bounded number per repository; past that
 * their comments are dropped with one log line, written nowhere. Members are never counted.
 * In this process's memory: a restart forgets it, which costs at most one more budget.
 */
export interface OutsiderBudgetLimits {
  /** answered comments per outsider, per repository, per hour */
  perLogin: number;
  /** answered comments of all outsiders together, per repository, per hour */
  perRepository: number;
}

export const DEFAULT_OUTSIDER_LIMITS: OutsiderBudgetLimits = { perLogin: 5, perRepository: 30 };

const HOUR_MS = 60 * 60_000;
/** Repositories remembered at once; the oldest is forgotten past it. */
const MAX_REPOSITORIES = 1_000;

export class OutsiderBudget {
  /** answer times per repository, and per repository and login */
  private readonly answered = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly limits: OutsiderBudgetLimits = DEFAULT_OUTSIDER_LIMITS,
  ) {}

  /** Whether this outsider's comment may be answered now; counts it when it may. */
  take(repository: string, login: string): boolean {
    const now = this.now();
    const repoKey = repository.toLowerCase();
    const loginKey = `${repoKey}#${login.toLowerCase()}`;
    const repoTimes = this.recent(repoKey, now);
    const loginTimes = this.recent(loginKey, now);
    if (repoTimes.length >= this.limits.perRepository || loginTimes.length >= this.limits.perLogin) return false;
    repoTimes.push(now);
    loginTimes.push(now);
    return true;
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.answered.get(key) ?? []).filter((t) => t > now - HOUR_MS);
    this.answered.delete(key);
    if (this.answered.size >= MAX_REPOSITORIES * 2) {
      const oldest = this.answered.keys().next().value;
      if (oldest !== undefined) this.answered.delete(oldest);
    }
    this.answered.set(key, kept);
    return kept;
  }
}
