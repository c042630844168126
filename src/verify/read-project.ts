import type { StudyConfig } from '../config/schema.js';
import type { TreeFile, VerifyStudyRepository } from '../github/verify-study-repository.js';
import type { Bilingual } from '../i18n/pick.js';
import { studyPaths } from '../paths/study-paths.js';
import type { CollectedProject } from '../project/collect-sources.js';
import type { ProjectCollector } from '../project/collect-round.js';
import { fetchProjectFiles, MAX_LISTED_FILES, withNotRead } from '../project/fetch-project-files.js';
import type { Member } from '../config/schema.js';
import { resolveProjectTarget } from './resolve-project-target.js';
import { findMember } from './resolve-verify-target.js';
import { shownName, shownNames } from '../text/shown-text.js';
import { CollectOverBudget } from '../worker/check-in-worker.js';
import { turnKeeper } from '../worker/turns.js';

export type ReadProject =
  | { ok: true; root: string; member: Member | null; collected: CollectedProject; read: { listed: number; files: number; bytes: number }; notes: Bilingual[] }
  | { ok: false; problem: Bilingual };

/**
 * A member's project folder at one commit, read from GitHub for `/verify project`: the tree
 * (one request, `recursive=1`), the folder that is theirs, and only the blobs the collector
 * wants, within its caps (fetch-project-files.ts). Nothing here compiles or runs anything.
 * `collect`: where the collector's rounds run (the bot's worker pool; inline when not given).
 */
/**
 * A cut listing holds nothing under a project root that is too big to list (one member's push
 * of 40,000 folders does it, for everyone): each of the member's own folders is then asked for
 * by its exact path (the roster name and its aliases in `paths.project`, each in NFC and NFD),
 * at most 33 requests.
 */
async function withOwnFolders(
  study: Pick<VerifyStudyRepository, 'listFolder'>,
  config: StudyConfig,
  login: string,
  sha: string,
  files: TreeFile[],
): Promise<{ files: TreeFile[]; complete: boolean }> {
  const member = findMember(config, login);
  // Each name in both Unicode forms: the member's folder may be NFD (some Mac tools), and a
  // look-alike in the other form must be seen to be refused (resolve-project-target.ts).
  const names = (member ? [member.name, ...member.aliases] : [login]).flatMap((n) => [n, n.normalize('NFC'), n.normalize('NFD')]);
  const folders = [...new Set(names.map((name) => config.paths.project.replaceAll('{name}', name).replace(/\/$/, '')))];
  const found: TreeFile[] = [];
  let complete = true;
  const pause = turnKeeper();
  for (const folder of folders) {
    const listed = await study.listFolder(sha, folder);
    if (!listed) continue;
    // One by one, never spread into push's arguments: a listing of 500,000 files overflowed the stack.
    for (const file of listed.files) found.push(file);
    complete &&= listed.complete;
  }
  if (found.length === 0) return { files, complete: false };
  const inFolders = (path: string) => folders.some((f) => path.startsWith(`${f}/`));
  const kept: TreeFile[] = [];
  for (const file of files) {
    if (!inFolders(file.path)) kept.push(file);
    await pause();
  }
  for (const file of found) kept.push(file);
  return { files: kept, complete };
}

export async function readProject(
  study: Pick<VerifyStudyRepository, 'listFiles' | 'listFolder' | 'readBlob'>,
  config: StudyConfig,
  login: string,
  sha: string,
  collect?: ProjectCollector,
): Promise<ReadProject> {
  const root = studyPaths(config).projectRoot.split('/')[0] ?? '';
  const wanted = (top: string) => root === '' || top === root || /^projects?$/i.test(top);
  let listing = await study.listFiles(sha, wanted);
  const cutListing = !listing.complete;
  if (cutListing) listing = await withOwnFolders(study, config, login, sha, listing.files);
  const target = await resolveProjectTarget(config, login, listing.files.map((f) => f.path));
  if (!target.ok) {
    if (!cutListing) return target;
    // The folder may be there under another spelling the cut listing did not reach: say so.
    return {
      ok: false,
      problem: {
        ko: `${target.problem.ko} (GitHub이 저장소의 파일 목록을 잘라서 보냈습니다. 폴더가 많기 때문입니다. 폴더 이름을 명단의 이름과 정확히 같게 하면 찾을 수 있습니다.)`,
        en: `${target.problem.en} (GitHub sent the repository's file list cut, as there are too many folders; a folder named exactly as on the roster is still found.)`,
      },
    };
  }
  const folder = target.folder;
  const shas = new Map(listing.files.map((f) => [f.path, f.sha]));
  let fetched;
  try {
    fetched = await fetchProjectFiles(folder, listing.files, (path) => study.readBlob(shas.get(path)!), collect);
  } catch (error) {
    if (error instanceof CollectOverBudget) return { ok: false, problem: error.problem };
    throw error;
  }
  const collected = fetched.collected;
  collected.entries = withNotRead(collected.entries, fetched.notRead);
  const listed = fetched.files.list().length;
  const notes: Bilingual[] = [];
  if (target.lookalikes.length > 0) {
    // Shown escaped: a folder of the same name in another case (two Unicode forms are refused before).
    const shown = shownNames(target.lookalikes.slice(0, 5));
    notes.push({
      ko: `같은 이름으로 보이는 다른 폴더가 있어 명단의 이름과 정확히 같은 ${shownName(folder)}를 검증했습니다. 다른 폴더: ${shown}.`,
      en: `Other folders read as the same name; ${shownName(folder)}, named exactly as on the roster, was verified. The others: ${shown}.`,
    });
  }
  if (fetched.cut || !listing.complete) {
    notes.push({
      ko: `\`${folder}\`의 파일이 너무 많아 앞의 ${listed}개만 보았습니다 (최대 ${MAX_LISTED_FILES}개).`,
      en: `\`${folder}\` has too many files: only the first ${listed} were looked at (at most ${MAX_LISTED_FILES}).`,
    });
  }
  if (!collected.payload && collected.scripts.length === 0) {
    const kinds = new Map<string, number>();
    for (const c of collected.classes) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    const seen = [...kinds].map(([k, n]) => `${k} ${n}`).join(', ') || '—';
    const refused = collected.entries.filter((e) => e.status === 'denied').length;
    return {
      ok: false,
      problem: {
        ko: `\`${folder}\`에서 VM에서 실행할 eBPF 프로그램(SEC()이 있는 libbpf C, BCC Python, \`.bt\`)을 찾지 못했습니다${refused ? ` (거부된 파일 ${refused}개: 너무 크거나 프로젝트 밖을 include)` : ''}. 본 파일: ${seen}.`,
        en: `\`${folder}\` has no eBPF program to run in the VM (libbpf C with SEC(), BCC Python, \`.bt\`)${refused ? ` (${refused} file(s) refused: too large, or including files outside the project)` : ''}. Files seen: ${seen}.`,
      },
    };
  }
  return { ok: true, root: folder, member: target.member, collected, read: { listed, ...fetched.fetched }, notes };
}
