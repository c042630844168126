import type { LedgerSeal } from '../attendance/ledger-seal.js';
import { decodeSubmission, tooLarge } from '../check/decode-text.js';
import type { Finding } from '../check/types.js';
import type { CommandContext } from '../commands/dispatch.js';
import { pendingRosterNote } from '../config/approval.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import { canWrite, isOrganizerRole, repoRole } from '../github/permissions.js';
import { CONTENTS_FOLDER_LIMIT, verifyStudyRepository, type VerifyStudyRepository } from '../github/verify-study-repository.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import type { ExtractOutcome } from '../worker/check-in-worker.js';
import { MAX_REQUEST_ONELINERS } from '../runner/one-liner-schema.js';
import { decideAccess, VerifyGate, type GateTicket } from './access.js';
import type { ProjectJob, Remember, VerifyDriver, VerifyJob } from './drivers/types.js';
import { readProject } from './read-project.js';
import type { ProjectCollector } from '../project/collect-round.js';
import { PROJECT_CHECK_RUN_NAME } from './render-verify-project.js';
import type { OneLiner } from '../oneliners/types.js';
import { submissionRule } from '../config/schema.js';
import { kernelName, parseVerifyCommand, VERIFY_USAGE } from './parse-verify-command.js';
import { publisher } from './publish-verify.js';
import { CHECK_RUN_NAME, renderPending, renderProblem, verifyCheckName, type VerifyView } from './render-verify.js';
import { findMember, resolveVerifyTarget } from './resolve-verify-target.js';
import { sweepStaleComments } from './sweep-stale-comments.js';
import { stampRecord, type VerifyRecord } from './verify-record.js';
import { quoteCommand } from '../commands/quote-command.js';
import { shownName } from '../text/shown-text.js';

export interface VerifyCommandDeps {
  gate: VerifyGate;
  /** the deployment's driver for these kernel labels, or why it cannot run them */
  driverFor(ctx: CommandContext, kernels: string[]): VerifyDriver | { problem: Bilingual };
  /** the note's one-liners, read in a worker within a budget (never on the event loop) */
  extract(markdown: string): Promise<ExtractOutcome>;
  /** where `/verify project` classifies the folder it read (the worker pool; inline when not given) */
  collect?: ProjectCollector;
  /** requests still waited for (the actions driver's pending runs, in any replica sharing them) */
  isPending?(requestId: string): Promise<boolean>;
  /**
   * Once per repository and process, before its first decision: the gate and the pending runs
   * put back from the bot's records in GitHub (recover-verify.ts). Best effort.
   */
  recover?(ctx: CommandContext): Promise<void>;
  /** signs the records written into the bot's `/verify` comments (null: unsigned) */
  sealFor(repo: CommandContext['repo']): LedgerSeal | null;
}

const quote = (command: SlashCommand) => quoteCommand(command);

export const helpText = (lang: CommandContext['lang']): string =>
  [
    pick(lang, { ko: '**`/verify`** — 노트의 bpftrace one-liner를 eBPF 러너에서 실제로 실행합니다.', en: '**`/verify`** — runs the bpftrace one-liners of a note on the eBPF runner.' }),
    '',
    pick(lang, VERIFY_USAGE),
    '',
    pick(lang, {
      ko: '결과는 이 댓글 자리에 표로 나오고, 파일의 커밋에 Check Run `study-bot / one-liner 검증 (@아이디)`가 붙습니다. 한 번에 한 요청, 시간당 횟수 제한이 있습니다.',
      en: 'The result replaces the ⏳ comment as a table, and a Check Run `study-bot / one-liner 검증 (@login)` appears on the file\'s commit. One request at a time, with an hourly cap.',
    }),
    '',
    pick(lang, {
      ko: '`/verify project`는 내 프로젝트 폴더의 eBPF 프로그램(libbpf C, BCC Python, `.bt`)을 일회용 VM에서 컴파일·로드·부착하고, 프로그램마다 결과와 검증기가 거부한 소스 줄을 알려 줍니다. 봇의 머신에서는 아무것도 컴파일하거나 실행하지 않습니다.',
      en: '`/verify project` compiles, loads and attaches the eBPF programs of your project folder (libbpf C, BCC Python, `.bt`) in a throwaway VM and gives each program its verdict, with the source line the verifier rejected. Nothing is compiled or run on the bot\'s machine.',
    }),
  ].join('\n');

/**
 * `/verify`: decides quickly (parse, rights, rate), acknowledges at once (👀 and a ⏳
 * comment), and leaves everything slow (reading the file, running) to `deps.background`.
 */
export async function handleVerifyCommand(ctx: CommandContext, command: SlashCommand, deps: VerifyCommandDeps): Promise<void> {
  const { lang } = ctx;
  const parsed = parseVerifyCommand(command.args, { weeks: ctx.config.weeks });
  if (parsed.kind === 'help') {
    await ctx.reply(helpText(lang));
    return;
  }
  if (parsed.kind === 'usage') {
    await ctx.reply([quote(command), '', pick(lang, parsed.problem), '', pick(lang, { ko: '사용법: ', en: 'Usage: ' }) + pick(lang, VERIFY_USAGE)].join('\n'));
    return;
  }

  const login = ctx.author.login;
  const onRoster = findMember(ctx.config, login) !== null;
  const otherMember = (parsed.kind === 'week' || parsed.kind === 'project') && parsed.member !== null && parsed.member.toLowerCase() !== login.toLowerCase();
  // The roster answers most requests without asking GitHub; rights are read only when needed.
  const role = onRoster && !otherMember ? null : await repoRole(ctx.octokit, ctx.repo, login);
  const access = decideAccess(
    { login, onRoster, canWrite: role !== null && canWrite(role), isOrganizer: role !== null && isOrganizerRole(role) },
    { otherMember },
  );
  if (!access.ok) {
    // Added to the roster by an edit nobody approved: say that too, so they know what to ask for.
    const pending = access.reason === 'not-member' ? pendingRosterNote(ctx.configStanding, login, lang) : null;
    await ctx.reply([quote(command), '', pick(lang, access.message), ...(pending ? ['', pending] : [])].join('\n'));
    return;
  }

  const driver = deps.driverFor(ctx, parsed.kernels);
  if ('problem' in driver) {
    await ctx.reply([quote(command), '', pick(lang, driver.problem)].join('\n'));
    return;
  }

  // What GitHub remembers (the hour's requests, runs still pending) counts before this decision.
  await deps.recover?.(ctx).catch((error: unknown) => ctx.log.warn({ err: error }, 'verify: could not read the earlier requests back from GitHub'));
  const requestId = `${ctx.source.kind === 'issue' ? 'ic' : 'cc'}${ctx.commentId}`;
  const gate = await deps.gate.tryStart(VerifyGate.key(ctx.repo, login), requestId, ctx.config.verify);
  if (!gate.ok && gate.reason === 'duplicate') {
    // The same comment again (a redelivery): its run and its reply exist already.
    ctx.log.info({ requestId }, 'verify: this comment was handled before; not running it again');
    return;
  }
  if (!gate.ok) {
    await ctx.reply([quote(command), '', pick(lang, gate.message)].join('\n'));
    return;
  }

  const seal = deps.sealFor(ctx.repo);
  const comment = { kind: ctx.source.kind, id: 0 } as { kind: 'issue' | 'commit'; id: number };
  // Decided now and written into the ⏳ comment, so even a restarted bot can tell it is overdue.
  const deadline = ctx.deps.clock.now().getTime() + ctx.config.verify.timeoutMinutes * 60_000;
  const record: VerifyRecord = { requestId, requester: login, state: 'pending', acceptedAt: gate.ticket.startedAt, deadline, lang };
  try {
    // A comment of its own (not a part of the comment's one reply): the result replaces it whole.
    comment.id = await ctx.post(stampRecord(renderPending({ requestId, requester: login, lang, deadline }), record, seal));
  } catch (error) {
    await deps.gate.finish(gate.ticket);
    throw error;
  }

  const study = verifyStudyRepository(ctx.octokit, ctx.repo);
  ctx.deps.background(async () => {
    try {
      await runVerify(ctx, { parsed, requestId, comment, ticket: gate.ticket, study, driver, deps, deadline, seal });
    } catch (error) {
      await deps.gate.finish(gate.ticket).catch(() => undefined);
      // Infrastructure failure: the member still learns the run did not happen; the log has the details.
      const body = renderProblem({ lang, requestId }, {
        ko: '봇 내부 오류로 검증하지 못했습니다. 잠시 뒤 다시 시도해 주세요.',
        en: 'an internal error stopped the verification. Please try again in a while.',
      });
      await study.updateComment(comment, stampRecord(body, { ...record, state: 'done' }, seal)).catch(() => undefined);
      throw error;
    }
  });
  // 👀 after the ⏳ comment and the run's start: GitHub's writes are paced a second apart
  // (Octokit's throttling), and the run reads the note meanwhile instead of waiting behind it.
  await ctx.react('eyes').catch((error: unknown) => ctx.log.warn({ err: error }, 'verify: could not react to the request'));
}

interface RunArgs {
  parsed: Extract<ReturnType<typeof parseVerifyCommand>, { kind: 'path' | 'week' | 'project' }>;
  requestId: string;
  comment: { kind: 'issue' | 'commit'; id: number };
  ticket: GateTicket;
  deadline: number;
  study: VerifyStudyRepository;
  driver: VerifyDriver;
  deps: VerifyCommandDeps;
  seal: LedgerSeal | null;
}

async function runVerify(ctx: CommandContext, a: RunArgs): Promise<void> {
  // Beside the run, not before it: closing out a stale comment is a write, paced like the others.
  const swept = closeOutStale(ctx, a);
  try {
    await runVerifyNow(ctx, a);
  } finally {
    await swept;
  }
}

async function runVerifyNow(ctx: CommandContext, a: RunArgs): Promise<void> {
  // A comment on a commit verifies that commit; anywhere else, the default branch as it is now.
  const sha = ctx.source.kind === 'commit' ? ctx.source.sha : (await a.study.defaultBranchHead()).sha;
  const parsed = a.parsed;
  const owner = parsed.kind === 'path' ? ctx.author.login : (parsed.member ?? ctx.author.login);
  if (parsed.kind === 'project') return runProject(ctx, a, sha, owner, null);
  // A week whose submission is project work runs the project; `either` runs the note, or the
  // project when the note is missing or has nothing to run (submissionRule, config/schema.ts).
  const rule = parsed.kind === 'week' ? submissionRule(ctx.config, parsed.week) : 'note';
  if (rule === 'project') return runProject(ctx, a, sha, owner, null);
  const note = await readNote(ctx, a, sha);
  if (!note.ok) return rule === 'either' ? runProject(ctx, a, sha, owner, note.problem) : stop(a, ctx, note.problem);
  await startJob(ctx, a, { path: note.path, sha, oneLiners: note.oneLiners, ...(note.notes ? { notes: note.notes } : {}) });
}

/** The note a `/verify` names, read exactly as `check` reads it, and its one-liners. */
async function readNote(ctx: CommandContext, a: RunArgs, sha: string): Promise<{ ok: true; path: string; oneLiners: OneLiner[]; notes?: Bilingual[] } | { ok: false; problem: Bilingual }> {
  const sizes = new Map<string, number>();
  let cut = false;
  const parsed = a.parsed as Extract<RunArgs['parsed'], { kind: 'path' | 'week' }>;
  const target = await resolveVerifyTarget(parsed, {
    config: ctx.config,
    commenter: ctx.author.login,
    tree: {
      listDir: async (dir) => {
        const entries = await a.study.listDir(dir, sha);
        if (!entries) return null;
        let files = entries.filter((e) => e.type === 'file').map((e) => ({ name: e.name, size: e.size }));
        if (entries.length >= CONTENTS_FOLDER_LIMIT) {
          // The contents API stops at 1,000 entries, silently: anyone can push 1,000 files that
          // sort before a member's note. The folder is read whole from its own tree, asked for by
          // its exact path (readFolder, as /verify project's listFolder does), never by walking
          // the study folder: a member's folders beside it would spend that walk's budget first
          // (the nineteenth attack review).
          const whole = await a.study.readFolder(sha, dir);
          if (whole) files = whole.entries.filter((e) => e.type === 'file').map((e) => ({ name: e.path.slice(e.path.lastIndexOf('/') + 1), size: e.size }));
          if (!whole?.complete) cut = true;
        }
        for (const e of files) sizes.set(dir ? `${dir}/${e.name}` : e.name, e.size);
        return files.map((e) => e.name);
      },
    },
  });
  if (!target.ok) {
    if (!cut) return target;
    // The note may lie past what GitHub listed: say so, as the project read does.
    return {
      ok: false,
      problem: {
        ko: `${target.problem.ko} (GitHub이 폴더의 파일 목록을 다 보내지 않았습니다. 파일이 너무 많기 때문입니다. \`/verify 경로\`로 노트를 직접 지정해 주세요.)`,
        en: `${target.problem.en} (GitHub did not send the folder's whole file list, as it holds too many files; name the note with \`/verify path\`.)`,
      },
    };
  }
  // Read exactly as `check` reads (check/decode-text.ts): same size limit, same refusal of
  // binary and EUC-KR files, in the same words, so /verify never runs what `check` refuses.
  const refusal = (finding: (lang: 'ko' | 'en') => Finding | null): Bilingual | null => {
    const ko = finding('ko');
    return ko ? { ko: ko.message, en: finding('en')!.message } : null;
  };
  const large = refusal((l) => tooLarge(sizes.get(target.path) ?? 0, l));
  if (large) return { ok: false, problem: large };
  const bytes = await a.study.readBytes(target.path, sha);
  if (bytes === null) return { ok: false, problem: { ko: `${shownName(target.path)}을(를) 읽지 못했습니다.`, en: `could not read ${shownName(target.path)}.` } };
  const unreadable = refusal((l) => {
    const decoded = decodeSubmission(bytes, l);
    return decoded.ok ? null : decoded.finding;
  });
  if (unreadable) return { ok: false, problem: unreadable };
  const decoded = decodeSubmission(bytes, ctx.lang);
  const markdown = decoded.ok ? decoded.text : '';
  const extracted = await a.deps.extract(markdown);
  if (!extracted.ok) return { ok: false, problem: extracted.problem };
  // One request runs the note's first MAX_REQUEST_ONELINERS (what a VM request and a runner
  // workflow take): the reply, the Check Run and the record render on the event loop, and a
  // 1 MiB note holds tens of thousands of one-liners (25,000 overflowed the reply's stack).
  const oneLiners = extracted.oneLiners.slice(0, MAX_REQUEST_ONELINERS);
  const total = Math.max(extracted.total, extracted.oneLiners.length);
  if (oneLiners.length === 0) {
    return {
      ok: false,
      problem: {
        ko: `${shownName(target.path)}에서 검증할 one-liner(\`bpftrace -e …\`, \`bpftrace -l …\`, bcc 도구)를 찾지 못했습니다. 명령은 \`\`\`bash 코드 블록에 적어 주세요.`,
        en: `${shownName(target.path)} has no one-liners to verify (\`bpftrace -e …\`, \`bpftrace -l …\`, bcc tools). Put commands in a \`\`\`bash code block.`,
      },
    };
  }
  if (total <= oneLiners.length) return { ok: true, path: target.path, oneLiners };
  const left = {
    ko: `이 노트의 one-liner ${total}개 중 처음 ${oneLiners.length}개만 실행했습니다. 나머지는 노트를 나누어 검증하세요.`,
    en: `Ran the first ${oneLiners.length} of this note's ${total} one-liners; split the note to verify the rest.`,
  };
  return { ok: true, path: target.path, oneLiners, notes: [left] };
}

/**
 * `/verify project`, or a project week: the member's project folder read from GitHub (only
 * the blobs the collector wants), then run in the VM like one-liners are. `noteProblem`: why
 * the week's note was not run, said too when there is no project either.
 */
async function runProject(ctx: CommandContext, a: RunArgs, sha: string, owner: string, noteProblem: Bilingual | null): Promise<void> {
  const project = await readProject(a.study, ctx.config, owner, sha, a.deps.collect);
  if (!project.ok) {
    return stop(a, ctx, noteProblem ? { ko: `${noteProblem.ko} 프로젝트도 확인했습니다: ${project.problem.ko}`, en: `${noteProblem.en} I looked at the project too: ${project.problem.en}` } : project.problem);
  }
  const notes = noteProblem ? [{ ko: `노트 대신 프로젝트를 검증했습니다 (이번 주차는 노트나 프로젝트 중 하나): ${noteProblem.ko}`, en: `Verified the project instead of the note (this week takes either): ${noteProblem.en}` }, ...project.notes] : project.notes;
  await startJob(ctx, a, {
    path: project.root,
    sha,
    oneLiners: project.collected.scripts,
    project: { root: project.root, collected: project.collected, read: project.read },
    ...(notes.length ? { notes } : {}),
  });
}

async function stop(a: RunArgs, ctx: CommandContext, problem: Bilingual): Promise<void> {
  const record: VerifyRecord = { requestId: a.requestId, requester: ctx.author.login, state: 'done', acceptedAt: a.ticket.startedAt, deadline: a.deadline, lang: ctx.lang };
  await a.deps.gate.finish(a.ticket);
  await a.study.updateComment(a.comment, stampRecord(renderProblem({ lang: ctx.lang, requestId: a.requestId }, problem), record, a.seal));
}

/** The Check Run, the job recorded in the ⏳ comment, and the run handed to the driver. */
async function startJob(ctx: CommandContext, a: RunArgs, what: { path: string; sha: string; oneLiners: OneLiner[]; project?: ProjectJob; notes?: Bilingual[] }): Promise<void> {
  const { lang } = ctx;
  const { path, sha, oneLiners } = what;
  if (what.project && a.driver.kind !== 'local') {
    // The runner repository's workflow runs one-liners; a project needs the bot's own VM runner.
    return stop(a, ctx, {
      ko: '이 봇은 runner 저장소(actions)에서 검증하도록 설정되어 있어 프로젝트는 검증할 수 없습니다. 프로젝트 검증은 봇의 VM 러너(STUDY_BOT_VERIFY_DRIVER=vm)에서만 됩니다.',
      en: 'this bot verifies in a runner repository (actions), which cannot verify a project: project verification needs the bot\'s VM runner (STUDY_BOT_VERIFY_DRIVER=vm).',
    });
  }
  const record: VerifyRecord = { requestId: a.requestId, requester: ctx.author.login, state: 'pending', acceptedAt: a.ticket.startedAt, deadline: a.deadline, lang };
  const view: VerifyView = {
    webOrigin: webOrigin(ctx.commentUrl),
    owner: ctx.repo.owner,
    repo: ctx.repo.repo,
    path,
    sha,
    requester: ctx.author.login,
    requestId: a.requestId,
    lang,
    kernelLabel: a.parsed.kernels[0] ?? null,
    ...(what.project ? { project: true } : {}),
  };
  const createCheckRun = () =>
    what.project
      ? a.study.createCheckRun(
          sha,
          verifyCheckName(PROJECT_CHECK_RUN_NAME, ctx.author.login),
          pick(lang, { ko: '⏳ VM에서 검증 중…', en: '⏳ Verifying in the VM…' }),
          pick(lang, { ko: `${shownName(path)}의 eBPF 프로그램을 일회용 VM에서 컴파일·로드하는 중입니다.`, en: `Compiling and loading the eBPF programs of ${shownName(path)} in a throwaway VM.` }),
          `verify:${a.requestId}`,
          detailsUrlOf(ctx.commentUrl),
        )
      : a.study.createCheckRun(
          sha,
          verifyCheckName(CHECK_RUN_NAME, ctx.author.login),
          pick(lang, { ko: '⏳ 검증 중…', en: '⏳ Verifying…' }),
          pick(lang, { ko: `${shownName(path)}의 one-liner ${oneLiners.length}개를 실행하는 중입니다.`, en: `Running the ${oneLiners.length} one-liner(s) of ${shownName(path)}.` }),
          `verify:${a.requestId}`,
          detailsUrlOf(ctx.commentUrl),
        );
  // The run begins now, before the Check Run and the record are written (EarlyRun).
  if (a.driver.begin) ctx.log.info({ request: a.requestId }, 'verify: the run begins');
  const early = a.driver.begin?.({ oneLiners, kernels: a.parsed.kernels.map(kernelName), path, deadline: a.deadline, ticket: a.ticket, ...(what.project ? { project: what.project } : {}) });
  let checkRunId: number;
  try {
    checkRunId = await createCheckRun();
  } catch (error) {
    early?.abandon();
    throw error;
  }
  const job: VerifyJob = {
    requestId: a.requestId,
    repo: ctx.repo,
    path,
    sha,
    oneLiners,
    comment: a.comment,
    checkRunId,
    view,
    failureConclusion: ctx.config.checks.failureConclusion,
    kernelLabel: a.parsed.kernels[0] ?? null,
    kernels: a.parsed.kernels.map(kernelName),
    ticket: a.ticket,
    deadline: a.deadline,
    ...(what.notes ? { notes: what.notes } : {}),
    ...(what.project ? { project: what.project } : {}),
  };
  const pendingBody = renderPending({ requestId: a.requestId, requester: ctx.author.login, lang, deadline: a.deadline });
  const remember: Remember = async (rememberedJob, run) => {
    try {
      await a.study.updateComment(a.comment, stampRecord(pendingBody, { ...record, driver: a.driver.kind, job: rememberedJob, ...(run ? { run } : {}) }, a.seal));
    } catch (error) {
      ctx.log.warn({ err: error, request: a.requestId }, 'verify: could not record the job in its ⏳ comment (a restart would lose it)');
    }
  };
  const publish = publisher(a.study, a.deps.gate, a.seal);
  await a.driver.start(job, {
    publish: (doneJob, outcome) => {
      // With the line above, where a request's time went (the run, or GitHub around it).
      ctx.log.info({ request: a.requestId, outcome: outcome.kind }, 'verify: the run is over; writing the result');
      return publish(doneJob, outcome);
    },
    remember,
  }, early);
}

/** The member's earlier ⏳ comments here that nobody will answer any more; best effort, never blocks the run. */
async function closeOutStale(ctx: CommandContext, a: RunArgs): Promise<void> {
  try {
    const closed = await sweepStaleComments({
      study: a.study,
      thread: ctx.source,
      requester: ctx.author.login,
      lang: ctx.lang,
      currentRequestId: a.requestId,
      isPending: async (id) => (await a.deps.isPending?.(id)) ?? false,
      now: ctx.deps.clock.now().getTime(),
      seal: a.seal,
    });
    if (closed.length) ctx.log.info({ closed, requester: ctx.author.login }, 'closed out stale /verify comments');
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not sweep stale /verify comments');
  }
}

/** https://github.com or the GitHub Enterprise Server the comment lives on. */
/**
 * "Details" of the /verify check: the request's comment, where the result table is (its URL is
 * the payload's, so on the repository's own host, GHES too); none when it is not a web URL.
 */
function detailsUrlOf(commentUrl: string): string | undefined {
  return URL.canParse(commentUrl) && /^https?:$/.test(new URL(commentUrl).protocol) ? commentUrl : undefined;
}

function webOrigin(commentUrl: string): string {
  try {
    return new URL(commentUrl).origin;
  } catch {
    return 'https://github.com';
  }
}
