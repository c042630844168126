import type { Member, StudyConfig } from '../config/schema.js';
import type { Bilingual } from '../i18n/pick.js';
import { nameKey, pathKey, studyPaths } from '../paths/study-paths.js';
import { shownName, shownNames } from '../text/shown-text.js';
import { turnKeeper } from '../worker/turns.js';
import { findMember } from './resolve-verify-target.js';

/** `lookalikes`: other folders whose names read as the member's (another Unicode form, another case), not taken */
export type ProjectTarget = { ok: true; folder: string; member: Member | null; lookalikes: string[] } | { ok: false; problem: Bilingual };

/** Where the `n`th `/` of `path` is (1-based), or -1: the path has a folder `n` segments deep and more after it. */
function nthSlash(path: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = path.indexOf('/', at + 1);
    if (at < 0) return -1;
  }
  return at;
}

/**
 * Which folder `/verify project` means: the member's project folder (`paths.project`, the
 * roster name or an alias in `{name}`, or `projects/` where the config says `project/`), found
 * among the files of the tree by the rule that attributes project work (project-work.ts), so
 * the report and `/verify` agree on whose folder is whose. A folder named for the project and
 * not its owner is only known from who pushed it: not guessed here; the reply lists the folders.
 * A commenter who is not on the roster is looked up by login, as notes are.
 */
export async function resolveProjectTarget(config: StudyConfig, login: string, paths: readonly string[]): Promise<ProjectTarget> {
  const member = findMember(config, login);
  const owner = member ? member.name : login;
  const rules = studyPaths(config);
  const root = rules.projectRoot;
  // The folder is the project root and the name after it (`project/{name}/`).
  const depth = (root === '' ? 0 : root.split('/').length) + 1;
  // The tree may hold 30,000 one-file folders (any member's push): asking of every path in one
  // loop held the event loop 1.5-1.9 s of CPU per `/verify project` (the fifteenth attack
  // review's High). The same questions, in turns (worker/turns.ts) with the event loop let go between.
  const folders = new Map<string, number>();
  const others = new Set<string>();
  const wanted = owner.normalize('NFC').toLowerCase();
  const pause = turnKeeper();
  for (const path of paths) {
    const cut = nthSlash(path, depth);
    if (cut < 0) continue;
    const folder = path.slice(0, cut);
    const found = rules.projectOwnerOf(path, null);
    if (found !== null && found.normalize('NFC').toLowerCase() === wanted) folders.set(folder, (folders.get(folder) ?? 0) + 1);
    else if (root === '' || path.startsWith(`${root}/`) || /^projects?\//i.test(path)) others.add(folder);
    await pause();
  }
  if (folders.size > 0) {
    // The template's own folder first (`project/kim` over a misplaced `projects/kim`), then the
    // one named exactly as on the roster (`project/kim` over `project/KIM`), the bigger last.
    // Git keeps names as bytes: `project/김철수/` in NFD and in NFC, or with U+FEFF after it, are
    // folders GitHub shows under one name (paths/name-key.ts), either can be the member's (some
    // Mac tools commit NFD), and anyone can push the other (attack reviews 18 and 19): such a
    // pair is refused, both named, and so is a lone folder whose name hides characters.
    const strict = (f: string) => (root === '' || pathKey(f).startsWith(`${root}/`) ? 0 : 1);
    const segment = (f: string) => f.slice(f.lastIndexOf('/') + 1);
    const exact = new Set(member ? [member.name, ...member.aliases] : [owner]);
    const keys = new Set([...exact].map(pathKey));
    const closeness = (f: string) => (exact.has(segment(f)) ? 0 : keys.has(pathKey(segment(f))) ? 1 : 2);
    const ranked = [...folders].sort((a, b) => strict(a[0]) - strict(b[0]) || closeness(a[0]) - closeness(b[0]) || b[1] - a[1]);
    const [top] = ranked[0]!;
    const twins = ranked.filter(([f]) => pathKey(f) === pathKey(top));
    if (twins.length > 1 || nameKey(top).hidden) {
      const shown = shownNames(twins.slice(0, 5).map(([f]) => f));
      return {
        ok: false,
        problem:
          twins.length > 1
            ? {
                ko: `이름이 같게 보이는 프로젝트 폴더가 ${twins.length}개 있습니다: ${shown} (바이트가 다름: 유니코드 NFC/NFD, 보이지 않는 문자, 이름 끝의 공백). 어느 것이 ${owner}의 폴더인지 이름으로는 알 수 없어 검증하지 않았습니다 — 내 것이 아닌 폴더를 지운 뒤 다시 요청하세요.`,
                en: `${twins.length} project folders read as the same name: ${shown} (other bytes: Unicode NFC/NFD, invisible characters, blanks at a name's end). Which one is ${owner}'s cannot be told from the names, so nothing was verified; remove the one that is not yours and ask again.`,
              }
            : {
                ko: `프로젝트 폴더 ${shown}의 이름에는 보이지 않는 문자나 이름 끝의 공백이 있어 ${shownName(pathKey(top))}처럼 보입니다. ${owner}의 폴더인지 이름으로는 알 수 없어 검증하지 않았습니다 — 내 폴더면 ${shownName(pathKey(top))}로 이름을 바꾸고, 아니면 지운 뒤 다시 요청하세요.`,
                en: `The project folder ${shown} has invisible characters or blanks at a name's end and reads as ${shownName(pathKey(top))}. Whether it is ${owner}'s cannot be told from the name, so nothing was verified; rename it to that if it is yours, or remove it, and ask again.`,
              },
      };
    }
    return { ok: true, folder: top, member, lookalikes: ranked.slice(1).map(([f]) => f) };
  }
  const expected = config.paths.project.replaceAll('{name}', owner);
  const seen = [...others].sort().slice(0, 15);
  return {
    ok: false,
    problem: {
      ko: `${member ? '' : '명단(`members`)에 없는 로그인이라 로그인 이름으로 찾았습니다. '}${owner}의 프로젝트 폴더(${shownName(expected)})를 찾지 못했습니다. 있는 프로젝트 폴더: ${shownNames(seen)} — 폴더 이름이 명단의 이름(또는 \`aliases\`)과 같아야 합니다.`,
      en: `${member ? '' : 'That login is not on the roster (`members`), so I looked for a folder named after it. '}I found no project folder for ${owner} (${shownName(expected)}). Project folders here: ${shownNames(seen)} — the folder's name must be the roster name (or one of its \`aliases\`).`,
    },
  };
}
