import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { PathKind } from '../check/types.js';
import { CONFIG_PATH, type Member, type StudyConfig } from '../config/schema.js';
import type { Bilingual } from '../i18n/pick.js';
import {
  compileTemplate,
  fillPathTemplate,
  isMarkdownName,
  matchPrefix,
  stemOf,
  weekToken,
  weekTokenInStem,
  type PathTemplate,
} from './path-template.js';
import { pathKey } from './name-key.js';
import { memberByName, memberByNameIgnoringCase, nfc, suggestMember } from './roster.js';

/**
 * What a path in the study repository is. Decided from the path alone (no content), with
 * the patterns derived from `config.paths`, so the push check, the attendance report and
 * the CLI agree on every file.
 */
export interface PathClass {
  kind: PathKind;
  week: number | null;
  /** the roster `name` this path belongs to; with an empty roster, the `{name}` as written (NFC) */
  member: string | null;
  /** the `{name}` part as written in the path (NFC), whether or not it is on the roster */
  pathName: string | null;
  /** why a path is misplaced, unknown or ignored */
  reason?: Bilingual;
  /** where the file should be, or the path with the nearest roster name */
  suggestion?: string;
  /** set on files outside the study, project and config paths (ignored, and not listed by `check`) */
  outside?: true;
}

interface Compiled {
  study: PathTemplate;
  project: PathTemplate;
  /** the study template's folder part: `study/week{week}` */
  studyDirDepth: number;
  ignored: (path: string) => boolean;
}

const compiledCache = new WeakMap<StudyConfig, Compiled>();

function compile(config: StudyConfig): Compiled {
  let c = compiledCache.get(config);
  if (!c) {
    const study = compileTemplate(config.paths.study);
    const project = compileTemplate(config.paths.project);
    const globs = config.ignore.map((g) => nfc(g));
    const ignored = globs.length > 0 ? picomatch(globs, { dot: true }) : () => false;
    c = { study, project, studyDirDepth: study.segments.length - 1, ignored };
    compiledCache.set(config, c);
  }
  return c;
}

const isReadme = (name: string) => /^readme(\.(md|markdown|txt))?$/i.test(name);

// Folders people keep a submission's images in: `hgd_md` (an editor's export), `hgd_assets`,
// `hgd.assets` (Typora), `hgd-images`. The prefix is the member.
const SIDE_FOLDER = /[\s._-]?(md|assets?|images?|imgs?|files?|pics?|pictures?|screenshots?|resources?|attachments?)$/i;

const result = (kind: PathKind, rest: Partial<PathClass> = {}): PathClass => ({
  kind,
  week: rest.week ?? null,
  member: rest.member ?? null,
  pathName: rest.pathName ?? null,
  ...(rest.reason ? { reason: rest.reason } : {}),
  ...(rest.suggestion ? { suggestion: rest.suggestion } : {}),
  ...(rest.outside ? { outside: true as const } : {}),
});

/**
 * Classifies one repository path (relative, `/`-separated, as git stores it) by the name it
 * reads as (name-key.ts: NFC, invisible characters and blanks at a name's ends dropped): every
 * spelling GitHub shows as `study/week1/김철수.md` is kim-cs's note here, one group with it, and
 * the look-alike rule (check-files.ts flagDuplicates, the push check) decides whose verdict counts.
 * The path itself is normalized for matching only.
 */
export function classifyPath(path: string, config: StudyConfig): PathClass {
  const c = compile(config);
  const normalized = normalizePath(path);
  if (normalized === null) {
    return result('unknown', {
      reason: {
        ko: `저장소 안의 상대 경로가 아닙니다: \`${path}\``,
        en: `not a relative path inside the repository: \`${path}\``,
      },
    });
  }
  const p = normalized;
  if (p === CONFIG_PATH) return result('config');
  if (c.ignored(p)) {
    return result('ignored', { reason: { ko: '설정의 `ignore`에 해당하는 파일입니다', en: 'matches the config’s `ignore`' } });
  }
  const segs = p.split('/');
  const name = segs[segs.length - 1];

  // A Windows path committed as one file name: `study\week1\hgd.md`.
  if (name.includes('\\')) {
    const fixed = classifyPath(p.replace(/\\/g, '/'), config);
    if (fixed.kind === 'submission' || fixed.kind === 'misplaced') {
      return result('misplaced', {
        week: fixed.week,
        member: fixed.member,
        pathName: fixed.pathName,
        reason: { ko: '경로에 `/` 대신 `\\`가 쓰였습니다', en: 'the path uses `\\` instead of `/`' },
        suggestion: fixed.suggestion ?? p.replace(/\\/g, '/'),
      });
    }
  }

  return (
    inStudyFolder(segs, config, c, 'strict') ??
    inProjectFolder(segs, config, c) ??
    inStudyFolder(segs, config, c, 'loose') ??
    inLooseProjectRoot(segs, config, c) ??
    inStudyRoot(segs, config, c) ??
    looksLikeWeekNotes(segs, config, c) ??
    result('ignored', { outside: true, reason: { ko: '스터디 경로 밖의 파일입니다', en: 'outside the study’s paths' } })
  );
}

/**
 * False only for a path `classifyPath` never calls a submission, decided without classifying
 * it: a submission's file name ends in a markdown suffix (`inStudyFolder` files anything
 * else as an asset before it can be one), and normalizing an ASCII path only drops whole
 * segments, slashes and blanks at a name's ends, so that suffix is in the path as given. A path
 * with anything past ASCII is left to `classifyPath` (NFC can turn a character into a letter of
 * the suffix: U+212A KELVIN SIGN is `K`; an invisible character inside `.m\u200Bd` is dropped). Finding one member's other notes for a week needs only the
 * submissions of the tree, and a source checkout's tree is mostly code: `study-bot check`
 * on one note classified ~720 paths for it.
 */
export function couldBeSubmission(path: string): boolean {
  return MARKDOWN_SUFFIX_ANYWHERE.test(path) || NOT_ASCII.test(path);
}
// `.md` and `.mkd`: `.markdown` and `.mdown` begin with `.md`
const MARKDOWN_SUFFIX_ANYWHERE = /\.(?:md|mkd)/i;
// eslint-disable-next-line no-control-regex -- the whole range past ASCII, by its bounds
const NOT_ASCII = /[^\u0000-\u007f]/;

/**
 * The name the path reads as (pathKey), no `./`, no `//`, `..` resolved; null for absolute
 * paths and paths that leave the repository. Trimming was once the whole normalization
 * (`nfc(path).trim()`), so `김철수.md` + U+FEFF was kim-cs's note while everything else keyed it
 * apart (attack review 19); the key is the one answer now.
 */
function normalizePath(path: string): string | null {
  const p = pathKey(path);
  if (!p || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) return null;
  const n = posix.normalize(p).replace(/(?<!\/)\/+$/, '');
  if (n === '.' || n === '..' || n.startsWith('../')) return null;
  return n.replace(/^\.\//, '');
}

type Resolution =
  | { state: 'member'; member: string; written: string }
  | { state: 'case'; member: Member; written: string }
  | { state: 'unknown'; written: string; suggestion: { spelling: string; member: Member } | null };

/** A `{name}` from a path against the roster; with an empty roster anybody is a member. */
function resolveName(written: string, config: StudyConfig): Resolution {
  const name = nfc(written);
  if (config.members.length === 0) return { state: 'member', member: name, written: name };
  const exact = memberByName(name, config);
  if (exact) return { state: 'member', member: exact.name, written: name };
  const caseOnly = memberByNameIgnoringCase(name, config);
  if (caseOnly) return { state: 'case', member: caseOnly, written: name };
  return { state: 'unknown', written: name, suggestion: nearestMember(name, config) };
}

/**
 * The roster spelling a name that is nobody's is closest to, remembered per config and name: a
 * Levenshtein distance to every spelling, which thousands of paths under one folder named for
 * nobody asked again for each path (attack review six).
 */
const nearest = new WeakMap<StudyConfig, Map<string, { spelling: string; member: Member } | null>>();
function nearestMember(name: string, config: StudyConfig): { spelling: string; member: Member } | null {
  let memo = nearest.get(config);
  if (!memo) nearest.set(config, (memo = new Map()));
  if (memo.has(name)) return memo.get(name)!;
  const near = suggestMember(name, config);
  const found = near ? { spelling: near.spelling, member: near.member } : null;
  if (memo.size >= 10_000) memo.clear();
  memo.set(name, found);
  return found;
}

/** The member a side folder or image file name points at (`hgd_md`, `hgd_assets`, `홍길동-1.png`), if any. */
function ownerFromName(name: string, config: StudyConfig): string | null {
  const stem = stemOf(name);
  const stripped = stem.replace(SIDE_FOLDER, '');
  if (config.members.length === 0) return stripped !== stem && stripped ? nfc(stripped) : null;
  for (const candidate of [stem, stripped, stem.split(/[\s._-]/)[0]]) {
    const m = candidate ? memberByName(candidate, config) : null;
    if (m) return m.name;
  }
  return null;
}

const weekInRange = (week: number, config: StudyConfig) => week >= 1 && week <= config.weeks;

/** Files under a week folder (`study/week3/...`), matched strictly or loosely. */
function inStudyFolder(segs: string[], config: StudyConfig, c: Compiled, mode: 'strict' | 'loose'): PathClass | null {
  const depth = c.studyDirDepth;
  if (segs.length <= depth) return null;
  const dir = matchPrefix(c.study, segs, depth, mode);
  if (!dir) return null;
  const rel = segs.slice(depth);
  const file = rel[rel.length - 1];
  const week = dir.week ?? null;
  const fileSeg = c.study.segments[depth];

  if (rel.length === 1 && isReadme(file)) {
    // the week's assignment page, the organizer's
    return result('ignored', { week, reason: { ko: '주차 안내 페이지입니다 (운영진 자료)', en: 'the week’s assignment page (organizer material)' } });
  }

  if (!isMarkdownName(file)) {
    const owner = rel.length > 1 ? ownerFromName(rel[0], config) : ownerFromName(file, config);
    const fromDir = dir.name !== undefined ? resolveName(dir.name, config) : null;
    return result('asset', { week, member: fromDir?.state === 'member' ? fromDir.member : owner });
  }

  if (rel.length > 1) {
    // `study/week1/hgd/notes.md`: one level too deep
    const folderOwner = ownerFromName(rel[0], config);
    const guess = folderOwner ?? ownerFromName(file, config);
    const spelled = guess ?? (rel[0].replace(SIDE_FOLDER, '') || rel[0]);
    const suggestion = fillPathTemplate(c.study, { week: dir.week ?? null, name: dir.name ?? spelled });
    return result('misplaced', {
      week,
      member: guess,
      pathName: nfc(spelled),
      reason: {
        ko: `주차 폴더보다 한 단계 깊은 곳에 있습니다 — \`${suggestion}\`에 두세요`,
        en: `one folder too deep — put it at \`${suggestion}\``,
      },
      suggestion,
    });
  }

  const strictFile = fileSeg.strict(file);
  const captured = strictFile ?? fileSeg.loose(file);
  const written = dir.name ?? captured?.name ?? stemOf(file);
  const resolution = resolveName(written, config);
  const canonicalName =
    resolution.state === 'member'
      ? resolution.written
      : resolution.state === 'case'
        ? resolution.member.name
        : (resolution.suggestion?.spelling ?? resolution.written);
  const member = resolution.state === 'member' ? resolution.member : resolution.state === 'case' ? resolution.member.name : null;
  const weekNo = week ?? captured?.week ?? null;

  if (weekNo !== null && !weekInRange(weekNo, config)) {
    return result('misplaced', {
      week: weekNo,
      member,
      pathName: resolution.written,
      reason: {
        ko: `${weekNo}주차는 없습니다 (스터디는 1–${config.weeks}주차)`,
        en: `there is no week ${weekNo} (the study has weeks 1–${config.weeks})`,
      },
    });
  }

  // `study/week{week}/week{week}-{name}.md` with two different weeks: the folder wins
  const weeksDisagree = week !== null && captured?.week !== undefined && captured.week !== week;
  if (mode === 'loose' || !strictFile || weeksDisagree) {
    const suggestion = fillPathTemplate(c.study, { week: weekNo, name: canonicalName });
    return result('misplaced', {
      week: weekNo,
      member,
      pathName: resolution.written,
      reason: {
        ko: `주차 노트의 경로가 규칙과 다릅니다 — \`${suggestion}\`이어야 합니다 (규칙: \`${c.study.raw}\`)`,
        en: `the week notes’ path does not follow the rule — expected \`${suggestion}\` (rule: \`${c.study.raw}\`)`,
      },
      suggestion,
    });
  }

  if (resolution.state === 'member') {
    return result('submission', { week: weekNo, member: resolution.member, pathName: resolution.written });
  }
  if (resolution.state === 'case') {
    const suggestion = fillPathTemplate(c.study, { week: weekNo, name: resolution.member.name });
    return result('misplaced', {
      week: weekNo,
      member: resolution.member.name,
      pathName: resolution.written,
      reason: {
        ko: `파일 이름의 대소문자가 명단과 다릅니다 — \`${suggestion}\`로 바꾸세요`,
        en: `the file name’s case differs from the roster — rename it to \`${suggestion}\``,
      },
      suggestion,
    });
  }
  // a member who renamed their file: `hgd_week3.md`, `week3-홍길동.md`, `hgd-notes.md`
  const renamed = weekTokenInStem(resolution.written)?.rest ?? resolution.written.split(/[\s._-]/)[0];
  const owner = renamed && renamed !== resolution.written ? memberByName(renamed, config) : null;
  if (owner) {
    const suggestion = fillPathTemplate(c.study, { week: weekNo, name: nfc(renamed) });
    return result('misplaced', {
      week: weekNo,
      member: owner.name,
      pathName: resolution.written,
      reason: {
        ko: `파일 이름이 규칙과 다릅니다 — \`${suggestion}\`로 이름을 바꾸세요 (규칙: \`${c.study.raw}\`)`,
        en: `the file name does not follow the rule — rename it to \`${suggestion}\` (rule: \`${c.study.raw}\`)`,
      },
      suggestion,
    });
  }
  return unknownName(resolution, weekNo, (name) => fillPathTemplate(c.study, { week: weekNo, name }), segs.join('/'));
}

/**
 * A `{name}` nobody on the roster has. Near a roster spelling it is most likely a typo ("did
 * you mean"); otherwise it is often the organizers' own material (`study/week1/공지.md`),
 * which belongs in the config's `ignore`, so the message says how (`ignoreGlob`: this path,
 * or the folder's glob for a project folder).
 */
function unknownName(
  resolution: Extract<Resolution, { state: 'unknown' }>,
  week: number | null,
  pathFor: (name: string) => string,
  ignoreGlob: string,
): PathClass {
  const near = resolution.suggestion;
  return result('unknown', {
    week,
    pathName: resolution.written,
    reason: near
      ? {
          ko: `\`${resolution.written}\`은(는) 명단(${CONFIG_PATH}의 members)에 없는 이름입니다 — \`${near.spelling}\`을(를) 말씀하신 건가요?`,
          en: `\`${resolution.written}\` is not on the roster (members in ${CONFIG_PATH}) — did you mean \`${near.spelling}\`?`,
        }
      : {
          ko: `\`${resolution.written}\`은(는) 명단(${CONFIG_PATH}의 members)에 없는 이름입니다 — 운영진 자료라면 ${CONFIG_PATH}의 \`ignore\`에 넣으세요 (예: \`ignore: [${ignoreGlob}]\`)`,
          en: `\`${resolution.written}\` is not on the roster (members in ${CONFIG_PATH}) — if it is organizer material, list it under \`ignore\` in ${CONFIG_PATH} (e.g. \`ignore: [${ignoreGlob}]\`)`,
        },
    ...(near ? { suggestion: pathFor(near.spelling) } : {}),
  });
}

/** `project/{name}/...`: the member's project, or week notes that strayed into it. */
function inProjectFolder(segs: string[], config: StudyConfig, c: Compiled): PathClass | null {
  const t = c.project;
  const depth = t.segments.length;
  const rootDepth = t.root.length;
  if (rootDepth === 0 || rootDepth >= depth) return null;
  // a file right inside `project/`
  if (segs.length === rootDepth + 1 && matchPrefix(t, segs, rootDepth, 'strict')) {
    const file = segs[rootDepth];
    if (isReadme(file)) {
      return result('ignored', { reason: { ko: '프로젝트 안내 페이지입니다 (운영진 자료)', en: 'the project convention page (organizer material)' } });
    }
    const stray = strayWeekNotes(file, null, config, c);
    if (stray) return stray;
    // `project/hgd` without an extension is most likely a submodule (a gitlink): the member's project itself
    if (!file.includes('.')) {
      const sub = resolveName(file, config);
      if (sub.state === 'member') return result('project', { member: sub.member, pathName: sub.written });
    }
    const owner = isMarkdownName(file) ? resolveName(stemOf(file), config) : null;
    const name = owner?.state === 'member' ? owner.written : '{name}';
    const suggestion = fillPathTemplate(t, { name }, [isMarkdownName(file) ? 'README.md' : file]);
    return result('misplaced', {
      member: owner?.state === 'member' ? owner.member : null,
      reason: {
        ko: `프로젝트 파일은 각자의 폴더(\`${t.raw}\`) 안에 둡니다 — 예: \`${suggestion}\``,
        en: `project files go inside each member’s folder (\`${t.raw}\`) — e.g. \`${suggestion}\``,
      },
      suggestion,
    });
  }
  if (!t.isDirectory ? segs.length !== depth : segs.length <= depth) return null;
  const captured = matchPrefix(t, segs, depth, 'strict');
  if (!captured || captured.name === undefined) return null;
  const resolution = resolveName(captured.name, config);
  const rest = segs.slice(depth);
  if (resolution.state === 'unknown') {
    return unknownName(resolution, null, (name) => fillPathTemplate(t, { name }, rest), `${segs.slice(0, depth).join('/')}/**`);
  }
  const member = resolution.state === 'member' ? resolution.member : resolution.member.name;
  const stray = strayWeekNotes(segs[segs.length - 1], member, config, c, rest);
  if (stray) return stray;
  if (resolution.state === 'case') {
    const suggestion = fillPathTemplate(t, { name: resolution.member.name }, rest);
    return result('misplaced', {
      member,
      pathName: resolution.written,
      reason: {
        ko: `폴더 이름의 대소문자가 명단과 다릅니다 — \`${fillPathTemplate(t, { name: resolution.member.name })}\``,
        en: `the folder name’s case differs from the roster — \`${fillPathTemplate(t, { name: resolution.member.name })}\``,
      },
      suggestion,
    });
  }
  return result('project', { member, pathName: resolution.written });
}

/**
 * Week notes committed inside a project folder: a markdown file named only for a week
 * (`week1.md`, `1주차.md`), for a week and a member (`week1_hgd.md`), or named for the
 * member inside a week folder (`week1/hgd.md`). A project's README or its docs
 * (`docs/week1-plan.md`) are the project's own and stay put.
 */
function strayWeekNotes(
  file: string,
  member: string | null,
  config: StudyConfig,
  c: Compiled,
  rest: string[] = [],
): PathClass | null {
  if (!isMarkdownName(file) || isReadme(file)) return null;
  const stem = stemOf(file);
  const inStem = weekTokenInStem(stem);
  const named = (text: string) => {
    const r = resolveName(text, config);
    return r.state === 'member' && (member === null || r.member === member) ? r.member : null;
  };
  let week: number | null = weekToken(stem);
  let owner: string | null = member;
  if (week === null && inStem && inStem.rest && named(inStem.rest)) {
    week = inStem.week;
    owner = named(inStem.rest);
  }
  if (week === null) {
    const folderWeek = rest.slice(0, -1).map(weekToken).find((w) => w !== null) ?? null;
    if (folderWeek !== null && named(stem)) {
      week = folderWeek;
      owner = named(stem);
    }
  }
  if (week === null || !weekInRange(week, config)) return null;
  const suggestion = fillPathTemplate(c.study, { week, name: owner });
  return result('misplaced', {
    week,
    member: owner,
    pathName: owner,
    reason: {
      ko: `${week}주차 노트로 보이는데 주차 폴더 밖에 있습니다 — \`${suggestion}\`에 두세요`,
      en: `looks like week ${week} notes outside the week folder — put them at \`${suggestion}\``,
    },
    suggestion,
  });
}

/** `projects/hgd/...`, `Project/hgd/...`: the project root spelled differently. */
function inLooseProjectRoot(segs: string[], config: StudyConfig, c: Compiled): PathClass | null {
  const t = c.project;
  const rootDepth = t.root.length;
  if (rootDepth === 0 || segs.length <= rootDepth) return null;
  if (!matchPrefix(t, segs, rootDepth, 'loose')) return null;
  const fixed = [...t.root, ...segs.slice(rootDepth)].join('/');
  const inner = classifyPath(fixed, config);
  if (inner.kind !== 'project' && inner.kind !== 'misplaced' && inner.kind !== 'unknown') return null;
  const suggestion = inner.suggestion ?? fixed;
  return result('misplaced', {
    week: inner.week,
    member: inner.member,
    pathName: inner.pathName,
    reason: {
      ko: `\`${segs.slice(0, rootDepth).join('/')}/\`가 아니라 \`${t.root.join('/')}/\` 폴더입니다 — \`${suggestion}\``,
      en: `the folder is \`${t.root.join('/')}/\`, not \`${segs.slice(0, rootDepth).join('/')}/\` — \`${suggestion}\``,
    },
    suggestion,
  });
}

/** Under `study/` but not in a week folder: the study's own README, stray notes, stray images. */
function inStudyRoot(segs: string[], config: StudyConfig, c: Compiled): PathClass | null {
  const rootDepth = c.study.root.length;
  if (rootDepth === 0 || segs.length <= rootDepth) return null;
  if (!matchPrefix(c.study, segs, rootDepth, 'loose')) return null;
  const file = segs[segs.length - 1];
  if (segs.length === rootDepth + 1 && isReadme(file)) {
    return result('ignored', { reason: { ko: '스터디 안내 페이지입니다 (운영진 자료)', en: 'the study’s overview page (organizer material)' } });
  }
  if (!isMarkdownName(file)) return result('asset', { member: ownerFromName(segs[segs.length - 2] ?? file, config) ?? ownerFromName(file, config) });
  const stem = stemOf(file);
  const inStem = weekTokenInStem(stem);
  const week = inStem?.week ?? weekToken(stem);
  const written = inStem?.rest || (week === null ? stem : '');
  const resolution = written ? resolveName(written, config) : null;
  const member = resolution?.state === 'member' ? resolution.member : resolution?.state === 'case' ? resolution.member.name : null;
  const spelled =
    resolution?.state === 'member' ? resolution.written : resolution?.state === 'case' ? resolution.member.name : (resolution?.written ?? null);
  const suggestion = fillPathTemplate(c.study, { week, name: spelled });
  return result('misplaced', {
    week,
    member,
    pathName: resolution?.written ?? null,
    reason: {
      ko: `주차 폴더 밖에 있습니다 — \`${suggestion}\`처럼 주차 폴더 안에 두세요`,
      en: `outside a week folder — put it in one, like \`${suggestion}\``,
    },
    suggestion,
  });
}

// Folders where a week-named markdown file is tooling, not a member's notes: this repository
// doubles as the study's template and carries templates, test fixtures and docs.
const NOT_NOTES_FOLDERS = new Set([
  '.git', '.github', 'node_modules', 'dist', 'build', 'vendor', 'templates', 'test', 'tests', 'fixtures', '__fixtures__',
]);

/**
 * Markdown elsewhere in the repository that is plainly week notes: inside a folder named
 * like a week (`Week1/hgd.md`, `notes/1주차/x.md`), or named for a week and a member
 * (`week1_hgd.md`, `hgd-1주차.md`). A bare `week1.md` outside the study folders (such as
 * `templates/week1.md`) is not claimed: it is more often a template than a submission.
 */
function looksLikeWeekNotes(segs: string[], config: StudyConfig, c: Compiled): PathClass | null {
  const file = segs[segs.length - 1];
  if (!isMarkdownName(file) || isReadme(file)) return null;
  if (segs.some((s) => NOT_NOTES_FOLDERS.has(s.toLowerCase()))) return null;
  const stem = stemOf(file);
  const folderWeek = segs.slice(0, -1).map(weekToken).find((w) => w !== null) ?? null;
  const inStem = weekTokenInStem(stem);
  let week: number | null = null;
  let written: string | null = null;
  if (folderWeek !== null) {
    week = folderWeek;
    written = inStem?.rest || (weekToken(stem) === null ? stem : null);
  } else if (inStem && inStem.rest) {
    const owner = resolveName(inStem.rest, config);
    if (owner.state === 'unknown') return null;
    week = inStem.week;
    written = inStem.rest;
  } else {
    return null;
  }
  if (!weekInRange(week, config)) return null;
  const resolution = written ? resolveName(written, config) : null;
  const member = resolution?.state === 'member' ? resolution.member : resolution?.state === 'case' ? resolution.member.name : null;
  const spelled =
    resolution?.state === 'member'
      ? resolution.written
      : resolution?.state === 'case'
        ? resolution.member.name
        : (resolution?.suggestion?.spelling ?? written);
  const suggestion = fillPathTemplate(c.study, { week, name: spelled });
  return result('misplaced', {
    week,
    member,
    pathName: written ? nfc(written) : null,
    reason: {
      ko: `${week}주차 노트로 보이는데 정해진 곳에 있지 않습니다 — \`${suggestion}\`에 두세요`,
      en: `looks like week ${week} notes in the wrong place — put them at \`${suggestion}\``,
    },
    suggestion,
  });
}
