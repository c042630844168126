import type { RunStatus } from './report-schema.js';

const LABELS: Record<RunStatus, { ko: string; en: string }> = {
  ok: { ko: '✅ 동작함', en: '✅ works' },
  'no-events': { ko: '⚠️ 이벤트 없음', en: '⚠️ no events' },
  error: { ko: '❌ 오류', en: '❌ error' },
  'attach-failed': { ko: '❌ attach 실패', en: '❌ attach failed' },
  unsupported: { ko: '🚫 이 러너에서 지원 안 됨', en: '🚫 not supported on this runner' },
  denied: { ko: '⛔ 안전 정책으로 거부', en: '⛔ denied by the safety policy' },
  timeout: { ko: '⏱ 시간 초과', en: '⏱ timed out' },
  'runner-error': { ko: '💥 러너 오류', en: '💥 runner error' },
};

export function statusLabel(status: RunStatus, lang: 'ko' | 'en' = 'ko'): string {
  return LABELS[status][lang];
}

/** Statuses that mean the member's one-liner worked or at least ran cleanly. */
export function isPassing(status: RunStatus): boolean {
  return status === 'ok' || status === 'no-events';
}
