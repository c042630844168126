import type { Clock } from '../app/deps.js';
import type { Bilingual } from '../i18n/pick.js';
import { HOUR_MS, memoryGateStore, type GateStore, type RunningRequest } from './gate-store.js';

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
  | { ok: false; reason: 'busy' | 'rate'; message: Bilingual }
  /** This request (this comment) was started before: a redelivery, answered with silence. */
  | { ok: false; reason: 'duplicate' };

/** A started request's hold on its member's slot; `requestId` keeps a stale ticket from freeing a newer request. */
export interface GateTicket {
  key: string;
  requestId: string;
  startedAt: number;
}

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

/** What GitHub says one member did before this process started (verify-history.ts). */
export interface GateSeed {
  key: string;
  starts: { requestId: string; startedAt: number }[];
  running: RunningRequest | null;
}

/**
 * One request per member at a time and at most `perHour` started in any hour. The state is
 * the store's (this process, or Redis shared by replicas), and it survives a restart because
 * GitHub holds the record: every `/verify` reply of the bot carries a signed record of who
 * asked (verify-record.ts), and the first request of a repository after a start (or the
 * recovery pass) reads those back (`seed`, recover-verify.ts) before deciding. A request that never finishes (a lost workflow run)
 * stops counting as running a few minutes after its deadline (`staleAt`), so nobody is locked
 * out for good, and nobody can start a second run while a slow runner still has the first
 * within its configured time.
 */
export class VerifyGate {
  constructor(
    private readonly clock: Clock,
    readonly store: GateStore = memoryGateStore(),
  ) {}

  static key(repo: { owner: string; repo: string }, login: string): string {
    return `${repo.owner}/${repo.repo}#${login}`.toLowerCase();
  }

  /** What GitHub says happened before this process (verify-history.ts): recorded once per request. */
  async seed(seeds: readonly GateSeed[]): Promise<void> {
    const now = this.clock.now().getTime();
    for (const seed of seeds) await this.store.seed(seed.key, seed.starts, seed.running, now);
  }

  async tryStart(key: string, requestId: string, { perHour, timeoutMinutes }: GateLimits): Promise<GateDecision> {
    const now = this.clock.now().getTime();
    const result = await this.store.tryStart(key, { requestId, startedAt: now, staleAt: staleAt(now, timeoutMinutes) }, perHour);
    if (result.ok) return { ok: true, ticket: { key, requestId, startedAt: now } };
    if (result.reason === 'duplicate') return { ok: false, reason: 'duplicate' };
    if (result.reason === 'busy') {
      return {
        ok: false,
        reason: 'busy',
        message: {
          ko: '이전 `/verify` 요청이 아직 실행 중입니다. 결과가 나온 뒤에 다시 요청해 주세요.',
          en: 'your previous `/verify` is still running. Ask again once its result is posted.',
        },
      };
    }
    const retry = new Date(result.oldest + HOUR_MS);
    const minutes = Math.max(1, Math.ceil((result.oldest + HOUR_MS - now) / 60_000));
    return {
      ok: false,
      reason: 'rate',
      message: {
        ko: `\`/verify\`는 한 시간에 ${perHour}번까지입니다. 약 ${minutes}분 뒤(${retry.toISOString().slice(11, 16)} UTC)에 다시 요청해 주세요.`,
        en: `\`/verify\` runs at most ${perHour} times an hour. Please ask again in about ${minutes} min (${retry.toISOString().slice(11, 16)} UTC).`,
      },
    };
  }

  /** The run is over (reported, failed or given up): the member may ask again. */
  async finish(ticket: GateTicket): Promise<void> {
    // A stale ticket must not end a newer request of the same member.
    await this.store.finish(ticket.key, ticket.requestId);
  }

  /** Whether `requestId` is the member's request running now (in any replica sharing the store). */
  async isRunning(key: string, requestId: string): Promise<boolean> {
    return (await this.store.running(key, this.clock.now().getTime()))?.requestId === requestId;
  }
}
