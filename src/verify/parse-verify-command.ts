import type { Bilingual } from '../i18n/pick.js';
import { shownName } from '../text/shown-text.js';

/**
 * What a `/verify` comment asks for, before anyone looks at GitHub. Pure: the roster, the
 * repository tree and the commenter's rights come later (resolve-verify-target.ts, access.ts).
 *
 * - `/verify study/week1/hgd.md`  a file by its path
 * - `/verify week1`               the commenter's own week-1 file
 * - `/verify week1 @member`       a member's week-1 file (organizers only)
 * - `/verify project`             the commenter's project folder (`paths.project`), in the VM
 * - `/verify project @member`     a member's project folder (organizers only)
 * - `/verify help`                usage
 * Any of them may add `--kernel 6.1` (or `kernel-6.1`), up to four times: the VM kernels to
 * run on, shown side by side (the VM driver), or the runner label to run on (the actions
 * driver, one label). Kept as labels (`kernel-6.1`); `kernelName` gives the bare name.
 */
export type VerifyCommand =
  | { kind: 'help' }
  | { kind: 'path'; path: string; kernels: string[] }
  | { kind: 'week'; week: number; member: string | null; kernels: string[] }
  | { kind: 'project'; member: string | null; kernels: string[] }
  | { kind: 'usage'; problem: Bilingual };

const WEEK = /^(?:week|w)[-_]?0*(\d{1,2})$|^0*(\d{1,2})(?:주차|주)$/iu;
const PROJECT = /^(?:project|projects|프로젝트)$/iu;
const MEMBER = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;
// A runner label a workflow can put in `runs-on`; kept narrow because it ends up in JSON there.
const KERNEL_LABEL = /^kernel-[0-9][0-9a-z.+_-]{0,30}$/i;
const MAX_PATH = 300;
export const MAX_KERNELS = 4;

/** `kernel-6.1` → `6.1`, the name a VM runner lists its kernels by. */
export const kernelName = (label: string): string => label.replace(/^kernel-/i, '');

export const VERIFY_USAGE: Bilingual = {
  ko: '`/verify study/week1/파일.md` · `/verify week1` (내 1주차 노트, 프로젝트 주차면 프로젝트) · `/verify week1 @멤버` (운영진) · `/verify project` (내 프로젝트 폴더의 eBPF 프로그램을 VM에서) · `/verify project @멤버` (운영진) · 선택: `--kernel 6.1` (여러 번 가능)',
  en: '`/verify study/week1/file.md` · `/verify week1` (your week-1 notes, or your project on a project week) · `/verify week1 @member` (organizers) · `/verify project` (the eBPF programs of your project folder, in the VM) · `/verify project @member` (organizers) · optional: `--kernel 6.1` (repeatable)',
};

const usage = (ko: string, en: string): VerifyCommand => ({ kind: 'usage', problem: { ko, en } });
/**
 * The member's words a usage problem names: a code span that nothing closes (shownName). Anyone
 * gets the usage reply (it comes before the access check): a backtick of theirs closed the span
 * and put their link and mentions into the bot's reply (the twentieth attack review).
 */
const spoken = (text: string) => shownName(text, { max: 80 });

/** Normalises a path as written in a comment, or explains why it is not one we read. */
export function checkNotePath(raw: string): { ok: true; path: string } | { ok: false; problem: Bilingual } {
  let path = raw.normalize('NFC').replace(/^\.\//, '');
  if (path.startsWith('<') && path.endsWith('>')) path = path.slice(1, -1);
  const fail = (ko: string, en: string) => ({ ok: false as const, problem: { ko, en } });
  if (path.length === 0 || path.length > MAX_PATH) return fail('경로가 비었거나 너무 깁니다.', 'the path is empty or too long.');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return fail('경로에 쓸 수 없는 문자가 있습니다.', 'the path contains characters a path cannot have.');
  if (path.startsWith('/')) return fail('저장소 안의 상대 경로를 써 주세요 (예: `study/week1/hgd.md`).', 'write a path inside the repository (e.g. `study/week1/hgd.md`).');
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return fail('경로에 빈 부분이나 `.`/`..`이 있습니다.', 'the path has an empty, `.` or `..` part.');
  }
  if (!/\.(md|markdown)$/i.test(path)) return fail('마크다운 노트(`.md`)만 검증할 수 있습니다.', 'only markdown notes (`.md`) can be verified.');
  return { ok: true, path };
}

export function parseVerifyCommand(args: readonly string[], opts: { weeks: number }): VerifyCommand {
  const words = [...args];
  if (words.length === 0) return usage('무엇을 검증할지 적어 주세요.', 'say what to verify.');
  if (words.length === 1 && /^(help|도움말|-h|--help|\?)$/i.test(words[0])) return { kind: 'help' };

  const kernels: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const flag = /^--kernel(?:=(.*))?$/i.exec(word);
    const value = flag ? (flag[1] ?? words[++i] ?? '') : KERNEL_LABEL.test(word) ? word : null;
    if (value === null) {
      rest.push(word);
      continue;
    }
    const label = /^kernel-/i.test(value) ? value.toLowerCase() : `kernel-${value.toLowerCase()}`;
    if (!KERNEL_LABEL.test(label)) return usage(`${spoken(value)}은(는) 커널 레이블이 아닙니다 (예: \`kernel-6.8\`).`, `${spoken(value)} is not a kernel label (e.g. \`kernel-6.8\`).`);
    if (kernels.includes(label)) continue;
    if (kernels.length >= MAX_KERNELS) return usage(`커널은 ${MAX_KERNELS}개까지 줄 수 있습니다.`, `give ${MAX_KERNELS} kernels at most.`);
    kernels.push(label);
  }

  // `week 1` written as two words
  if (rest.length >= 2 && /^(week|w)$/i.test(rest[0]) && /^\d{1,2}$/.test(rest[1])) rest.splice(0, 2, `week${rest[1]}`);
  if (rest.length === 0) return usage('무엇을 검증할지 적어 주세요.', 'say what to verify.');
  const [target, ...more] = rest;

  if (PROJECT.test(target)) {
    if (more.length === 0) return { kind: 'project', member: null, kernels };
    const member = more.length === 1 ? MEMBER.exec(more[0]) : null;
    if (!member) return usage(`${spoken(more.join(' '))}을(를) 이해하지 못했습니다. 멤버는 \`@login\`으로 적어 주세요.`, `I did not understand ${spoken(more.join(' '))}; name a member as \`@login\`.`);
    return { kind: 'project', member: member[1], kernels };
  }

  const week = WEEK.exec(target);
  if (week) {
    const n = Number(week[1] ?? week[2]);
    if (n < 1 || n > opts.weeks) return usage(`주차는 1부터 ${opts.weeks}까지입니다.`, `weeks run from 1 to ${opts.weeks}.`);
    if (more.length === 0) return { kind: 'week', week: n, member: null, kernels };
    const member = more.length === 1 ? MEMBER.exec(more[0]) : null;
    if (!member) return usage(`${spoken(more.join(' '))}을(를) 이해하지 못했습니다. 멤버는 \`@login\`으로 적어 주세요.`, `I did not understand ${spoken(more.join(' '))}; name a member as \`@login\`.`);
    return { kind: 'week', week: n, member: member[1], kernels };
  }

  if (target.includes('/') || /\.(md|markdown)$/i.test(target)) {
    if (more.length > 0) return usage('경로 뒤에는 다른 것을 쓸 수 없습니다 (경로에 공백이 있으면 안 됩니다).', 'nothing may follow the path (and a path cannot contain spaces here).');
    const checked = checkNotePath(target);
    if (!checked.ok) return { kind: 'usage', problem: checked.problem };
    return { kind: 'path', path: checked.path, kernels };
  }
  return usage(`${spoken(target)}은(는) 주차(\`week1\`)도 경로도 아닙니다.`, `${spoken(target)} is neither a week (\`week1\`) nor a path.`);
}
