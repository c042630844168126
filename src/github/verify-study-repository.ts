import { GitHubError, type Octokit, type RepoRef } from './octokit.js';
import { appendAnnotations, createCheckRunOnce, type CheckAnnotation } from './check-runs.js';
import { completeTree, coversPath, readBlob, readFolderAt, readTree, type TreeEntry } from './push-git.js';
import { MAX_LISTED_FILES } from '../project/fetch-project-files.js';
import { turnKeeper } from '../worker/turns.js';
import { mayHaveLanded, SEND_ONCE } from './write-once.js';
import { ANNOTATIONS_PER_REQUEST, CHECK_TEXT_LIMIT, COMMENT_BODY_LIMIT, fitText } from './text-limits.js';

/** GitHub's contents API lists at most 1,000 entries of a folder, and nothing in its answer says it cut one. */
export const CONTENTS_FOLDER_LIMIT = 1_000;
/** Sub-folders of one member's folder read when the repository's listing was cut (one request each). */
const FOLDER_TREE_REQUESTS = 50;
/**
 * Entries of one member's folder listFolder keeps: the files `/verify project` looks at
 * (MAX_LISTED_FILES; past it the request says the folder was cut), so a folder made huge by
 * someone else's push (50 sub-folders naming one tree of 10,000 files were 500,000 paths and
 * an internal error: attack review 20) costs no more than the request reads.
 */
export const FOLDER_ENTRY_BUDGET = MAX_LISTED_FILES;

/** Said on a /verify check run whose annotations GitHub refused (the comment has the whole result). */
const ANNOTATIONS_REFUSED = '⚠️ GitHub이 이 검사의 줄별 표시(annotation)를 받지 않아 빼고 완료했습니다. 결과 전체는 `/verify` 댓글에 있습니다. / GitHub refused this check\'s line annotations, so it was completed without them; the whole result is in the `/verify` comment.';

/** Where the `/verify` comment lives: an issue comment or a commit comment. */
export interface VerifyCommentRef {
  kind: 'issue' | 'commit';
  id: number;
}

/** Where a command was written: an issue (or pull request), or a commit. */
export type VerifyThread = { kind: 'issue'; issueNumber: number } | { kind: 'commit'; sha: string };

export interface VerifyAnnotation {
  path: string;
  line: number;
  endLine: number;
  level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
}

export interface VerifyCheckOutput {
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  text?: string;
  annotations: VerifyAnnotation[];
}

/** A folder entry; `size` lets us refuse a huge note before downloading it. */
export interface DirEntry {
  name: string;
  type: string;
  size: number;
}

/** An entry of one folder from its git tree: a submodule is a commit there, a symlink a blob of mode 120000. */
export interface FolderEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'submodule';
  size: number;
  sha: string;
}

/** A file of the repository's tree at one commit: its path, size and blob sha. */
export interface TreeFile {
  path: string;
  size: number;
  sha: string;
}

/**
 * The study repository, as much as /verify needs of it. The capability takes this
 * interface, not Octokit (verify-study-repository is the only place that knows the calls).
 */
export interface VerifyStudyRepository {
  readonly repo: RepoRef;
  /** the default branch and the commit at its head, read now */
  defaultBranchHead(): Promise<{ branch: string; sha: string }>;
  listDir(dir: string, sha: string): Promise<DirEntry[] | null>;
  /** the file's raw bytes (decoded by the caller exactly as `check` decodes), null when absent */
  readBytes(path: string, sha: string): Promise<Uint8Array | null>;
  /**
   * Every file at `sha` (`/verify project`), from the git trees API with `recursive=1` (the
   * contents API stops at 1,000 entries a folder). When GitHub cuts the listing, the top-level
   * folders `wanted` accepts are listed in full; `complete` is false when even that fell short.
   */
  listFiles(sha: string, wanted: (topLevelFolder: string) => boolean): Promise<{ files: TreeFile[]; complete: boolean }>;
  /**
   * Every file under one folder named exactly, for when listFiles came back cut: anyone can
   * push enough folders beside it that no listing of its parent is whole. null: no such folder.
     */
  listFolder(sha: string, folder: string): Promise<{ files: TreeFile[]; complete: boolean } | null>;
  /**
   * One folder's own entries, all of them (past the contents API's 1,000), from its git tree
   * found by its exact path (push-git.ts readFolderAt): a few requests, whatever lies beside
   * it. null: no such folder; `complete` false: GitHub cut a listing on the way.
   */
  readFolder(sha: string, folder: string): Promise<{ entries: FolderEntry[]; complete: boolean } | null>;
  /** A blob's bytes by its sha (the blob API serves files up to 100 MB; callers check sizes first). */
  readBlob(blobSha: string): Promise<Uint8Array>;
  updateComment(comment: VerifyCommentRef, body: string): Promise<void>;
  /** Bot comments of the thread a command was written in (an issue, or a commit), every page; `createdAt` epoch ms */
  listBotComments(thread: VerifyThread): Promise<{ id: number; body: string; createdAt: number }[]>;
  /** created once: `externalId` finds it again when GitHub fails the create after storing it */
  /** `detailsUrl`: where "Details" leads (the request's comment), else GitHub's default, the app's homepage */
  createCheckRun(sha: string, name: string, title: string, summary: string, externalId: string, detailsUrl?: string): Promise<number>;
  completeCheckRun(id: number, output: VerifyCheckOutput): Promise<void>;
  /** Whether the bot's Check Run `id` is completed (only the app can complete it); a run GitHub no longer has is not. */
  checkRunCompleted(id: number): Promise<boolean>;
}

export function verifyStudyRepository(octokit: Octokit, repo: RepoRef): VerifyStudyRepository {
  const readFolder: VerifyStudyRepository['readFolder'] = async (sha, folder) => {
    let tree;
    try {
      tree = await readFolderAt(octokit, repo, sha, folder);
    } catch (error) {
      throw new GitHubError(`cannot list ${folder}`, { ...repo, sha }, { cause: error });
    }
    if (!tree) return null;
    const type = (t: TreeEntry): FolderEntry['type'] => (t.type === 'tree' ? 'dir' : t.type === 'commit' ? 'submodule' : t.mode === '120000' ? 'symlink' : 'file');
    return { entries: tree.entries.map((t) => ({ path: t.path, type: type(t), size: t.size ?? 0, sha: t.sha })), complete: !tree.truncated };
  };

  return {
    repo,
    async defaultBranchHead() {
      const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
      const branch = data.default_branch;
      try {
        const ref = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
        return { branch, sha: ref.data.object.sha };
      } catch (error) {
        throw new GitHubError(`cannot read the head of ${branch}`, repo, { cause: error });
      }
    },
    async listDir(dir, sha) {
      try {
        const { data } = await octokit.rest.repos.getContent({ ...repo, path: dir, ref: sha });
        if (!Array.isArray(data)) return null;
        return data.map((e) => ({ name: e.name, type: e.type, size: e.size }));
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw new GitHubError(`cannot list ${dir || '/'}`, { ...repo, sha }, { cause: error });
      }
    },
    async readBytes(path, sha) {
      try {
        const { data } = await octokit.rest.repos.getContent({ ...repo, path, ref: sha });
        if (Array.isArray(data) || data.type !== 'file' || !('content' in data) || data.encoding !== 'base64') return null;
        return new Uint8Array(Buffer.from(data.content, 'base64'));
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw new GitHubError(`cannot read ${path}`, { ...repo, sha }, { cause: error });
      }
    },
    async listFiles(sha, wanted) {
      try {
        const tree = await completeTree(octokit, repo, await readTree(octokit, repo, sha), wanted);
        const files: TreeFile[] = [];
        let complete = true;
        const pause = turnKeeper();
        for (const e of tree.entries.values()) {
          await pause();
          // A wanted folder the walk could not list in full may have none of its files here.
          if (e.type === 'tree' && !e.path.includes('/') && wanted(e.path) && !coversPath(tree, `${e.path}/x`)) complete = false;
          if (e.type !== 'blob') continue;
          const top = e.path.includes('/') ? e.path.slice(0, e.path.indexOf('/')) : '';
          if (!coversPath(tree, e.path)) {
            if (wanted(top)) complete = false;
            continue;
          }
          files.push({ path: e.path, size: e.size ?? 0, sha: e.sha });
        }
        return { files, complete };
      } catch (error) {
        throw new GitHubError('cannot list the files', { ...repo, sha }, { cause: error });
      }
    },
    async listFolder(sha, folder) {
      let data;
      try {
        ({ data } = await octokit.rest.repos.getContent({ ...repo, path: folder, ref: sha }));
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw new GitHubError(`cannot list ${folder}`, { ...repo, sha }, { cause: error });
      }
      if (!Array.isArray(data)) return null;
      // The contents API names the folder's own entries with their shas, but at most 1,000 and
      // silently (anyone can push 1,000 files that sort before a member's): at that count the
      // folder's own entries are read from its tree instead (readFolder, by its exact path).
      let complete = true;
      let own: FolderEntry[] = data.flatMap((e): FolderEntry[] => {
        // A submodule is listed as a "file" with no download URL (GitHub keeps that for compatibility): not a file.
        if (e.type === 'file' && !e.download_url) return [];
        return e.type === 'file' || e.type === 'dir' || e.type === 'symlink' ? [{ path: e.path, type: e.type, size: e.size, sha: e.sha }] : [];
      });
      if (data.length >= CONTENTS_FOLDER_LIMIT) {
        // The folder's path as GitHub stores it (the contents API may have matched it otherwise).
        const first = data[0]!.path;
        const whole = await readFolder(sha, first.includes('/') ? first.slice(0, first.lastIndexOf('/')) : '');
        if (whole && whole.entries.length > 0) own = whole.entries;
        complete = whole !== null && whole.entries.length > 0 && whole.complete;
      }
      // Each sub-folder is then one recursive tree request, a bounded number of them, each tree
      // sha read once (git lets any number of folders name one tree), and at most
      // FOLDER_ENTRY_BUDGET entries kept in all: anyone can push into another member's folder.
      let requests = FOLDER_TREE_REQUESTS;
      let room = FOLDER_ENTRY_BUDGET;
      const files: TreeFile[] = [];
      for (const e of own) {
        if (e.type !== 'file' && e.type !== 'symlink') continue;
        if (room <= 0) {
          complete = false;
          break;
        }
        files.push({ path: e.path, size: e.size, sha: e.sha });
        room--;
      }
      const trees = new Map<string, { tree: { path?: string; type?: string; sha?: string; size?: number | null }[]; truncated: boolean }>();
      const pause = turnKeeper();
      for (const e of own) {
        if (e.type !== 'dir') continue;
        let sub = trees.get(e.sha);
        if (!sub) {
          if (requests-- <= 0 || room <= 0) {
            complete = false;
            break;
          }
          try {
            ({ data: sub } = await octokit.rest.git.getTree({ ...repo, tree_sha: e.sha, recursive: '1' }));
          } catch (error) {
            throw new GitHubError(`cannot list ${e.path}`, { ...repo, sha }, { cause: error });
          }
          trees.set(e.sha, sub);
        }
        if (sub.truncated) complete = false;
        for (const t of sub.tree) {
          if (room <= 0) {
            complete = false;
            break;
          }
          room--;
          if (t.type === 'blob' && t.path && t.sha) files.push({ path: `${e.path}/${t.path}`, size: t.size ?? 0, sha: t.sha });
          await pause();
        }
      }
      return { files, complete };
    },
    readFolder,
    readBlob: (blobSha) => readBlob(octokit, repo, blobSha),
    async updateComment(comment, body) {
      const text = fitText(body, COMMENT_BODY_LIMIT);
      if (comment.kind === 'issue') {
        await octokit.rest.issues.updateComment({ ...repo, comment_id: comment.id, body: text });
      } else {
        await octokit.rest.repos.updateCommitComment({ ...repo, comment_id: comment.id, body: text });
      }
    },
    async listBotComments(thread) {
      const found: { id: number; body: string; createdAt: number }[] = [];
      const keep = (c: { id: number; body?: string | null; created_at: string; user?: { type?: string } | null }) => {
        if (c.user?.type === 'Bot' && c.body) found.push({ id: c.id, body: c.body, createdAt: Date.parse(c.created_at) });
      };
      if (thread.kind === 'issue') {
        for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...repo, issue_number: thread.issueNumber, per_page: 100 })) page.data.forEach(keep);
      } else {
        for await (const page of octokit.paginate.iterator(octokit.rest.repos.listCommentsForCommit, { ...repo, commit_sha: thread.sha, per_page: 100 })) page.data.forEach(keep);
      }
      return found;
    },
    async createCheckRun(sha, name, title, summary, externalId, detailsUrl) {
      const { id } = await createCheckRunOnce(
        octokit,
        repo,
        { name, headSha: sha, externalId },
        { status: 'in_progress', output: { title, summary: fitText(summary, CHECK_TEXT_LIMIT) }, ...(detailsUrl ? { details_url: detailsUrl } : {}) },
      );
      return id;
    },
    async checkRunCompleted(id) {
      try {
        const { data } = await octokit.rest.checks.get({ ...repo, check_run_id: id });
        return data.status === 'completed';
      } catch (error) {
        if ((error as { status?: number }).status === 404) return false;
        throw error;
      }
    },
    async completeCheckRun(id, output) {
      const annotations: CheckAnnotation[] = output.annotations.map((a) => ({
        path: a.path,
        start_line: a.line,
        end_line: Math.max(a.line, a.endLine),
        annotation_level: a.level,
        title: a.title,
        message: a.message,
      }));
      const base = {
        title: [...output.title].slice(0, 255).join(''),
        summary: fitText(output.summary, CHECK_TEXT_LIMIT),
        ...(output.text ? { text: fitText(output.text, CHECK_TEXT_LIMIT) } : {}),
      };
      // 50 annotations per request: the first batches go as updates, the last one completes the run.
      // Each is sent once and checked by the run's annotation count (a retried update appends twice).
      let count = 0;
      for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
        const batch = annotations.slice(i, i + ANNOTATIONS_PER_REQUEST);
        count += batch.length;
        await appendAnnotations(octokit, repo, id, base, batch, count);
      }
      const first = annotations.slice(0, ANNOTATIONS_PER_REQUEST);
      try {
        await appendAnnotations(octokit, repo, id, base, first, count + first.length, { status: 'completed', conclusion: output.conclusion });
      } catch (error) {
        // GitHub refused the output (a 422: an annotation it will not take). The comment already
        // holds the result; the run must not stay "in progress": completed without annotations,
        // saying so (not thrown: the result written in the comment stands).
        if (mayHaveLanded(error)) throw error;
        await octokit.rest.checks.update({
          ...repo,
          check_run_id: id,
          status: 'completed',
          conclusion: output.conclusion,
          output: { title: base.title, summary: fitText(`${ANNOTATIONS_REFUSED}\n\n${base.summary}`, CHECK_TEXT_LIMIT) },
          ...SEND_ONCE,
        });
      }
    },
  };
}
