import type { Member, StudyConfig } from '../config/schema.js';
import type { Bilingual } from '../i18n/pick.js';
import { nameKey, pathKey } from '../paths/study-paths.js';
import { shownName, shownNames } from '../text/shown-text.js';

/** The repository at one revision, as much as finding a note needs. */
export interface NoteTree {
  /** file names in `dir` as stored (macOS commits Hangul decomposed), or null when there is no such folder */
  listDir(dir: string): Promise<string[] | null>;
}

export type TargetResult = { ok: true; path: string; member: Member | null } | { ok: false; problem: Bilingual };

export const findMember = (config: StudyConfig, login: string): Member | null =>
  config.members.find((m) => m.login.toLowerCase() === login.toLowerCase()) ?? null;

const nfc = (s: string) => s.normalize('NFC');
const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const baseOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * The path as stored in the repository for a path as written: the one file whose name reads as
 * it (paths/name-key.ts: NFC, invisible characters and blanks at a name's ends dropped; macOS
 * tools may commit Hangul decomposed), then ignoring case when that picks exactly one file
 * (`HGD.md` for `hgd.md`). Two files that read as one name are look-alikes (git keeps names as
 * bytes; GitHub shows both under one name): either can be the member's, which the names cannot
 * tell, and anyone can push one (attack reviews 18 and 19), so neither is taken; a name that
 * hides characters is not taken alone either. The reply names them.
 */
type Found = { path: string } | { lookalikes: string[]; reads: string } | null;

async function lookUp(tree: NoteTree, wanted: string, listings: Map<string, string[] | null>): Promise<Found> {
  const dir = dirOf(wanted);
  if (!listings.has(dir)) listings.set(dir, await tree.listDir(dir));
  const names = listings.get(dir);
  if (!names) return null;
  const base = pathKey(baseOf(wanted));
  const same = names.filter((n) => pathKey(n) === base);
  const folded = same.length > 0 ? same : names.filter((n) => pathKey(n).toLowerCase() === base.toLowerCase());
  if (folded.length > 1 && same.length === 0) return null;
  if (folded.length > 1 || (folded.length === 1 && nameKey(folded[0]!).hidden)) {
    return { lookalikes: folded.map((n) => join(dir, n)), reads: join(dir, pathKey(folded[0]!)) };
  }
  return folded.length === 1 ? { path: join(dir, folded[0]!) } : null;
}

/** A look-alike refused, each name shown with its bytes spelt out (they read the same). */
function lookalikeProblem(found: { lookalikes: string[]; reads: string }): Bilingual {
  const shown = shownNames(found.lookalikes.slice(0, 5));
  if (found.lookalikes.length === 1) {
    return {
      ko: `${shown} 파일 이름에는 보이지 않는 문자나 이름 끝의 공백이 있어 ${shownName(found.reads)}처럼 보입니다. 누구의 노트인지 이름으로는 알 수 없어 검증하지 않았습니다 — 내 파일이면 ${shownName(found.reads)}로 이름을 바꾸고, 아니면 지운 뒤 다시 요청하세요.`,
      en: `The file name ${shown} has invisible characters or blanks at a name's end and reads as ${shownName(found.reads)}. Whose note it is cannot be told from the name, so nothing was verified; rename it to that if it is yours, or remove it, and ask again.`,
    };
  }
  return {
    ko: `이름이 같게 보이는 파일이 ${found.lookalikes.length}개 있습니다: ${shown} (바이트가 다름: 유니코드 NFC/NFD, 보이지 않는 문자, 이름 끝의 공백). 어느 것이 노트인지 이름으로는 알 수 없어 검증하지 않았습니다 — 내 것이 아닌 파일을 지운 뒤 다시 요청하세요.`,
    en: `${found.lookalikes.length} files read as the same name: ${shown} (other bytes: Unicode NFC/NFD, invisible characters, blanks at a name's end). Which one is the note cannot be told from the names, so nothing was verified; remove the one that is not yours and ask again.`,
  };
}

const notesIn = (names: string[] | null | undefined) =>
  (names ?? []).filter((n) => /\.md$/i.test(n)).map(nfc).sort().slice(0, 15);

/**
 * Which file a `/verify` means. `week N` uses the roster: the member's name and aliases, each
 * put into `paths.study`. A commenter who is not on the roster (or a study with no roster)
 * is looked up by login, the convention of studies that name notes after GitHub logins; the
 * reply lists the folder's notes so they can name the file by path instead.
 */
export async function resolveVerifyTarget(
  command: { kind: 'path'; path: string } | { kind: 'week'; week: number; member: string | null },
  ctx: { config: StudyConfig; commenter: string; tree: NoteTree },
): Promise<TargetResult> {
  const listings = new Map<string, string[] | null>();
  if (command.kind === 'path') {
    const found = await lookUp(ctx.tree, command.path, listings);
    if (found && 'lookalikes' in found) return { ok: false, problem: lookalikeProblem(found) };
    if (found) return { ok: true, path: found.path, member: null };
    const others = notesIn(listings.get(dirOf(command.path)));
    return {
      ok: false,
      problem: {
        ko: `${shownName(command.path)} 파일이 없습니다. 같은 폴더의 노트: ${shownNames(others)}`,
        en: `there is no file ${shownName(command.path)}. Notes in that folder: ${shownNames(others)}`,
      },
    };
  }

  const login = command.member ?? ctx.commenter;
  const member = findMember(ctx.config, login);
  const names = member ? [member.name, ...member.aliases] : [login];
  const template = ctx.config.paths.study.replaceAll('{week}', String(command.week));
  const tried: string[] = [];
  for (const name of names) {
    // `{name}` must stay one path segment: a name with a slash would point elsewhere.
    if (name.includes('/') || name === '.' || name === '..') continue;
    const candidate = template.replaceAll('{name}', name);
    tried.push(candidate);
    const found = await lookUp(ctx.tree, candidate, listings);
    if (found && 'lookalikes' in found) return { ok: false, problem: lookalikeProblem(found) };
    if (found) return { ok: true, path: found.path, member };
  }
  const folder = dirOf(tried[0] ?? template);
  const others = notesIn(listings.get(folder));
  const who = command.member ? `@${login}` : '';
  return {
    ok: false,
    problem: {
      ko: `${who ? `${who}의 ` : ''}${command.week}주차 노트를 찾지 못했습니다 (찾아본 경로: ${shownNames(tried)}). ${member ? '' : '명단(`members`)에 없는 로그인이라 로그인 이름으로 찾았습니다. '}${shownName(folder)}의 노트: ${shownNames(others)} — \`/verify 경로\`로 직접 지정할 수 있습니다.`,
      en: `I found no week-${command.week} notes${who ? ` for ${who}` : ''} (looked for ${shownNames(tried)}). ${member ? '' : 'That login is not on the roster (`members`), so I looked for a file named after it. '}Notes in ${shownName(folder)}: ${shownNames(others)} — name the file with \`/verify path\`.`,
    },
  };
}
