import type { Clock } from '../app/deps.js';
import type { Bilingual } from '../i18n/pick.js';

/** The commenter's standing, gathered by the handler (roster from the config, role from GitHub). */
export interface Requester {
  login: string;
  onRoster: boolean;
  /** may push to the study repository (write, maintain or admin) */
  canWrite: boolean;
  /** admin or maintain: never from the repository's files */
  isOrganizer: boolean;
}

export type AccessDecision = { ok: true } | { ok: false; reason: 'not-member' | 'organizer-only'; message: Bilingual };

/**
 * Who may start a run on the eBPF runner: roster members and collaborators with write
 * access. Asking for another member's notes (`@member`) is for organizers only.
 */
export function decideAccess(requester: Requester, wants: { otherMember: boolean }): AccessDecision {
  if (!requester.onRoster && !requester.canWrite) {
    return {
      ok: false,
      reason: 'not-member',
      message: {
        ko: `@${requester.login} 님, \`/verify\`는 스터디 멤버(명단에 있거나 쓰기 권한이 있는 분)만 쓸 수 있습니다. 참여 중이시라면 운영진에게 명단 추가를 부탁해 주세요.`,
        en: `@${requester.login}, \`/verify\` is for study members (on the roster or with write access). If you are taking part, ask an organizer to add you to the roster.`,
      },
    };
  }
  if (wants.otherMember && !requester.isOrganizer) {
    return {
      ok: false,
      reason: 'organizer-only',
      message: {
        ko: `@${requester.login} 님, 다른 멤버의 노트를 \`@멤버\`로 검증하는 것은 운영진만 할 수 있습니다. 파일 경로로 \`/verify study/week1/파일.md\`처럼 요청해 주세요.`,
        en: `@${requester.login}, verifying another member's notes with \`@member\` is for organizers. You can ask by path instead: \`/verify study/week1/file.md\`.`,
      },
    };
  }
  return { ok: true };
}

export type GateDecision =
  | { ok: true; ticket: GateTicket }
  | { ok: false; reason: 'busy' | 'rate'; message: Bilingual };

export interface GateTicket {
  key: string;
  startedAt: number;
}

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;

/**
 * How long past its deadline (`verify.timeoutMinutes`) a run still holds its member's slot.
 * At the deadline the pending run is closed out and the slot freed (expire-pending-run); the
 * margin covers a close-out that is a little late (a busy timer, a slow GitHub call) so a
 * member cannot start a second run while the first one is being closed.
 */
export const STALE_MARGIN_MS = 5 * MINUTE;

/** When a run started at `startedAt` stops counting as running although nobody finished it. */
export const staleAt = (startedAt: number, timeoutMinutes: number): number => startedAt + timeoutMinutes * MINUTE + STALE_MARGIN_MS;

export interface GateLimits {
  /** `verify.perHour`: requests started per member in any hour */
  perHour: number;
  /** `verify.timeoutMinutes`: the deadline of a run (1 min to 24 h) */
  timeoutMinutes: number;
}

/**
 * One request per member at a time and at most `perHour` started in any hour. In memory,
 * keyed by repository and login: a restart forgets it, which errs on the member's side. A
 * request that never finishes (a lost workflow run) stops counting as running a few minutes
 * after its deadline (`staleAt`), so nobody is locked out for good, and nobody can start a
 * second run while a slow runner still has the first within its configured time.
 */
export class VerifyGate {
  /** key → the running request: when it started and when it stops counting */
  private readonly running = new Map<string, { startedAt: number; staleAt: number }>();
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  static key(repo: { owner: string; repo: string }, login: string): string {
    return `${repo.owner}/${repo.repo}#${login}`.toLowerCase();
  }

  tryStart(key: string, { perHour, timeoutMinutes }: GateLimits): GateDecision {
    const now = this.clock.now().getTime();
    const current = this.running.get(key);
    if (current !== undefined && now < current.staleAt) {
      return {
        ok: false,
        reason: 'busy',
        message: {
          ko: '이전 `/verify` 요청이 아직 실행 중입니다. 결과가 나온 뒤에 다시 요청해 주세요.',
          en: 'your previous `/verify` is still running. Ask again once its result is posted.',
        },
      };
    }
    const recent = (this.starts.get(key) ?? []).filter((t) => now - t < HOUR);
    if (recent.length >= perHour) {
      const retry = new Date(recent[0] + HOUR);
      const minutes = Math.max(1, Math.ceil((recent[0] + HOUR - now) / 60_000));
      return {
        ok: false,
        reason: 'rate',
        message: {
          ko: `\`/verify\`는 한 시간에 ${perHour}번까지입니다. 약 ${minutes}분 뒤(${retry.toISOString().slice(11, 16)} UTC)에 다시 요청해 주세요.`,
          en: `\`/verify\` runs at most ${perHour} times an hour. Please ask again in about ${minutes} min (${retry.toISOString().slice(11, 16)} UTC).`,
        },
      };
    }
    recent.push(now);
    this.starts.set(key, recent);
    this.running.set(key, { startedAt: now, staleAt: staleAt(now, timeoutMinutes) });
    return { ok: true, ticket: { key, startedAt: now } };
  }

  /** The run is over (reported, failed or given up): the member may ask again. */
  finish(ticket: GateTicket): void {
    // A stale ticket must not end a newer request of the same member.
    if (this.running.get(ticket.key)?.startedAt === ticket.startedAt) this.running.delete(ticket.key);
  }
}
