import { sessionLabel } from '../attendance/render-report.js';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import type { WeekDigest } from './digest.js';
import type { Owing } from './owed.js';
import { VERIFY_LISTED } from './week-verify.js';
import { capText, withoutInvisible, withoutLinks } from '../text/shown-text.js';

/**
 * The reminder and the digest as GitHub comments (the study's language), and the digest as a
 * Discord or Slack message. Pure. Rubric messages can quote a member's heading: they are put
 * on one line, cut, and kept from mentioning anyone or opening HTML.
 */
export interface NudgeView {
  lang: Language;
  timeZone: string;
  week: number;
  /** when the week's notes are due (ISO) */
  dueAt: string;
  hoursBefore: number;
  /** the session the notes are due at is in person only */
  nextOffline: boolean;
}

const MESSAGE_CHARS = 200;

/** Text a member wrote (a heading quoted in a rubric message, a roster name), safe on one line of a comment. */
export function inert(text: string, max = MESSAGE_CHARS): string {
  // cut before anything reads it; line breaks become spaces, invisible characters go, and
  // mentions, references and links are broken (src/text/shown-text.ts)
  const line = withoutInvisible(capText(text, 4 * max).replace(/[\r\n\t]/g, ' ')).trim();
  // `<` could open HTML; a backtick run could close our code span.
  return withoutLinks(capText(line, max)).replace(/</g, '&lt;').replace(/`/g, 'ˋ');
}

export function renderNudge(owing: readonly Owing[], view: NudgeView): string {
  const { lang } = view;
  const due = sessionLabel(view.dueAt, view);
  const lines = [
    pick(lang, { ko: `### ⏰ ${view.week}주차 마감 ${view.hoursBefore}시간 전`, en: `### ⏰ Week ${view.week}: due in ${view.hoursBefore} hours` }),
    '',
    pick(lang, {
      ko: `마감: **${due}**${view.nextOffline ? ' (다음 세션은 오프라인 필수)' : ''}. 아직 남은 것이 있는 분만 불렀습니다.`,
      en: `Due: **${due}**${view.nextOffline ? ' (the next session is in person only)' : ''}. Only members who still owe something are mentioned.`,
    }),
    '',
  ];
  for (const member of owing) {
    lines.push(`- @${member.login} (${inert(member.name, 60)})`);
    for (const item of member.items) {
      if (item.kind === 'no-note') {
        lines.push(pick(lang, { ko: `  - ${view.week}주차 노트가 아직 없습니다: \`${inert(item.expectedPath)}\``, en: `  - no week ${view.week} note yet: \`${inert(item.expectedPath)}\`` }));
      } else if (item.kind === 'failing') {
        const named = item.findings.map((f) => `\`${inert(f.rule, 40)}\`${f.line ? pick(lang, { ko: ` (${f.line}행)`, en: ` (line ${f.line})` }) : ''} ${inert(f.message)}`);
        lines.push(
          pick(lang, {
            ko: `  - \`${inert(item.path)}\`이(가) 루브릭 항목을 통과하지 못했습니다${named.length ? ':' : ''}`,
            en: `  - \`${inert(item.path)}\` fails rubric items${named.length ? ':' : ''}`,
          }),
          ...named.map((n) => `    - ${n}`),
        );
      } else {
        lines.push(pick(lang, { ko: '  - 이번 주 프로젝트 커밋이 없습니다', en: '  - no project commit this week' }));
      }
    }
    lines.push(pick(lang, { ko: `  - 확인: \`${member.checkCommand}\``, en: `  - check it: \`${member.checkCommand}\`` }));
  }
  lines.push(
    '',
    pick(lang, {
      ko: '<sub>알림은 주마다 한 번만 보냅니다. 받지 않으려면 `/nudge off`, 다시 받으려면 `/nudge on`.</sub>',
      en: '<sub>One reminder a week at most. Turn them off with `/nudge off`, back on with `/nudge on`.</sub>',
    }),
  );
  return lines.join('\n');
}

export interface DigestView {
  lang: Language;
  timeZone: string;
  /** the week's session and when its notes are due (ISO) */
  session: string;
  dueAt: string;
  /** the deadline has passed: "not yet" becomes "missing", and the digest is no longer edited */
  final: boolean;
  now: Date;
}

const names = (list: readonly string[]): string => list.map((n) => inert(n, 60)).join(', ');

const OUTCOME: Record<string, string> = { success: '✅', failure: '❌', neutral: '⚪', cancelled: '⏹️', timed_out: '⏱️', action_required: '⚠️', skipped: '⏭️', pending: '⏳' };

export function renderDigest(digest: WeekDigest, view: DigestView): string {
  const { lang } = view;
  const count = (list: readonly string[]) => pick(lang, { ko: `${list.length}명`, en: `${list.length}` });
  const group = (label: { ko: string; en: string }, list: readonly string[]) => (list.length ? [`${pick(lang, label)} ${count(list)}: ${names(list)}`] : []);
  const a = digest.attendance;
  const s = digest.submissions;
  const attendance = [
    ...group({ ko: '출석', en: 'present' }, a.present),
    ...group({ ko: '온라인', en: 'online' }, a.online),
    ...group({ ko: '결석', en: 'absent' }, a.absent),
    ...group({ ko: '공결', en: 'excused' }, a.excused),
    ...group({ ko: '기록 없음', en: 'no record' }, a.unknown),
  ];
  const submissions = [
    ...group({ ko: '제때', en: 'on time' }, s.onTime),
    ...group({ ko: '지각', en: 'late' }, s.late),
    ...group({ ko: '루브릭 실패', en: 'failing' }, s.failing),
    ...group(view.final ? { ko: '미제출', en: 'missing' } : { ko: '아직 없음', en: 'not yet' }, s.missing),
  ];
  const lines = [
    pick(lang, { ko: `### 📋 ${digest.week}주차 요약`, en: `### 📋 Week ${digest.week} digest` }),
    '',
    pick(lang, {
      ko: `세션 ${sessionLabel(view.session, view)} · 노트 마감 ${sessionLabel(view.dueAt, view)}`,
      en: `Session ${sessionLabel(view.session, view)} · notes due ${sessionLabel(view.dueAt, view)}`,
    }),
    '',
    `- **${pick(lang, { ko: '출석', en: 'Attendance' })}**: ${attendance.join(' · ') || '—'}`,
    `- **${pick(lang, { ko: '제출', en: 'Notes' })}**: ${submissions.join(' · ') || '—'}`,
  ];
  if (digest.verifyTotal === 0) {
    lines.push(`- **/verify**: ${pick(lang, { ko: '이번 주 노트에 대한 요청 없음', en: 'no request on this week’s notes' })}`);
  } else {
    const total = digest.verifyTotal;
    lines.push(`- **/verify**: ${pick(lang, { ko: `${total}건`, en: `${total} request${total === 1 ? '' : 's'}` })}`);
    // a fair few (week-verify.ts), and never more lines than that, however the digest was built
    const shown = digest.verify.slice(0, VERIFY_LISTED);
    for (const v of shown) lines.push(`  - ${OUTCOME[v.outcome] ?? '❔'} ${inert(v.requester, 45)} \`${inert(v.path, 100)}\` (${inert(v.outcome, 20)})`);
    if (total > shown.length) lines.push(`  - … ${pick(lang, { ko: `외 ${total - shown.length}건`, en: `${total - shown.length} more` })}`);
  }
  const c = digest.commonFinding;
  lines.push(
    c
      ? pick(lang, {
          ko: `- **가장 많은 지적**: \`${inert(c.rule, 40)}\` — 노트 ${c.notes}개 (예: ${inert(c.example)})`,
          en: `- **Most common finding**: \`${inert(c.rule, 40)}\` — ${c.notes} note${c.notes === 1 ? '' : 's'} (e.g. ${inert(c.example)})`,
        })
      : pick(lang, { ko: '- **가장 많은 지적**: 없음', en: '- **Most common finding**: none' }),
    '',
    view.final
      ? pick(lang, { ko: '<sub>마감이 지나 더 이상 갱신하지 않습니다.</sub>', en: '<sub>Final: the notes were due; no more updates.</sub>' })
      : pick(lang, { ko: '<sub>다음 세션까지 study-bot이 갱신합니다.</sub>', en: '<sub>study-bot keeps this up to date until the next session.</sub>' }),
  );
  return lines.join('\n');
}

/** Discord's limit on a message's content. */
export const DISCORD_CHARS = 2000;
/** Slack's advice for a message's text (it cuts at 40,000). */
export const SLACK_CHARS = 4000;

const plain = (markdown: string): string => markdown.replace(/<sub>|<\/sub>/g, '').replace(/&lt;/g, '<');

/** Discord reads markdown (`###`, `**`, backticks); mentions are turned off by the payload. */
export function discordMessage(digestMarkdown: string, link: string | null): { content: string; allowed_mentions: { parse: never[] } } {
  const tail = link ? `\n${link}` : '';
  let content = plain(digestMarkdown);
  if (content.length + tail.length > DISCORD_CHARS) content = `${content.slice(0, DISCORD_CHARS - tail.length - 1)}…`;
  return { content: content + tail, allowed_mentions: { parse: [] } };
}

/** Slack's mrkdwn: `*bold*`, no headings, `<url|text>` links; `<`, `>` and `&` escaped as Slack asks. */
export function slackMessage(digestMarkdown: string, link: string | null): { text: string } {
  const escaped = plain(digestMarkdown).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let text = escaped.replace(/^#{1,6} (.*)$/gm, '*$1*').replace(/\*\*([^*]+)\*\*/g, '*$1*');
  const tail = link ? `\n<${link}>` : '';
  if (text.length + tail.length > SLACK_CHARS) text = `${text.slice(0, SLACK_CHARS - tail.length - 1)}…`;
  return { text: text + tail };
}
