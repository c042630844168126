import type { Member } from '../config/schema.js';

/**
 * Whether a member committed project work in a week. Project work per week is being built in
 * `src/project/`; until it lands this answers `unknown` and the reminder says nothing about
 * the project. This is the one function to point at it: the reminder and the digest read
 * project work only through here.
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
