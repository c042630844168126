import type { Member } from '../config/schema.js';

/**
 * Whether a member committed project work in a week, beyond what the report already knows.
 * The report carries each week's project work (the ledger's `work`, from pushes) and
 * `whoOwes` reads it from there; this hook stays for a source the report does not have
 * (answering `unknown` defers to the report).
 */
export type ProjectWork = 'committed' | 'none' | 'unknown';

export interface ProjectWorkQuestion {
  member: Pick<Member, 'login' | 'name'>;
  week: number;
  /** the week runs from its session to the next one (ms since epoch) */
  from: number;
  until: number;
}

export const projectWorkOf: (question: ProjectWorkQuestion) => Promise<ProjectWork> = async () => 'unknown';
