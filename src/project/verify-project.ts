import { constants as os } from 'node:os';
import { redactSecrets, withoutControls } from '../runner/redact.js';
import type { VerifyResult } from '../runner/report-schema.js';
import { verifyProjectInVm, type ProjectVmRun, type VmVerifyOptions } from '../runner/vm/verify-in-vm.js';
import type { ProjectFileClass } from './classify-source.js';
import { locateBccError } from './bcc-errors.js';
import { collectProject, type CollectedProject, type ProjectFiles } from './collect-sources.js';
import type { GuestSourceResult, ProjectPayload } from './project-request.js';
import type { ProjectEntry, ProjectKernelRun, ProjectReport } from './project-report.js';
import { explainRejection, firstCompileError, parseStats, SourceIndex } from './verifier-log.js';

/**
 * `/verify project` and `study-bot verify FOLDER --isolation vm`: the project's eBPF checked in
 * the throwaway VM (never on the host), each program's verdict explained against the sources
 * that were sent.
 */
export async function verifyProject(root: string, files: ProjectFiles, opts: VmVerifyOptions & { only?: string; limits?: ProjectPayload['limits'] } = {}): Promise<ProjectReport> {
  return verifyCollected(root, collectProject(root, files, opts.only), opts);
}

/** The same for a project already collected (the app reads it from GitHub before it queues the run). */
export async function verifyCollected(root: string, collected: CollectedProject, opts: VmVerifyOptions & { limits?: ProjectPayload['limits'] } = {}): Promise<ProjectReport> {
  const startedAt = Date.now();
  if (!collected.payload && collected.scripts.length === 0) {
    return { root, runner: { kernel: '-', bpftrace: null, btf: false, isolation: 'vm' }, entries: collected.entries, durationMs: Date.now() - startedAt };
  }
  const payload: ProjectPayload = collected.payload ?? { root, files: [], sources: [], limits: {} };
  const runs = await verifyProjectInVm(payload, collected.scripts, opts);
  return projectReport(root, collected, payload, runs, Date.now() - startedAt);
}

/** The report from the VM runs (one per kernel). Pure: tests feed it recorded guest answers. */
export function projectReport(root: string, collected: CollectedProject, payload: ProjectPayload, runs: ProjectVmRun[], durationMs: number): ProjectReport {
  const kernels: ProjectKernelRun[] = runs.map((run) => ({
    runner: run.runner,
    entries: [...entriesOf(run, collected, payload, root), ...collected.entries].sort(byPath),
    ...(run.project?.clang ? { clang: run.project.clang } : {}),
    ...(run.project?.vmlinuxMs !== undefined ? { vmlinuxMs: run.project.vmlinuxMs } : {}),
    durationMs: run.durationMs,
  }));
  const first = kernels[0]!;
  const scripts = runs[0]!.scripts;
  return {
    root,
    runner: first.runner,
    entries: first.entries,
    ...(first.clang ? { clang: first.clang } : {}),
    ...(first.vmlinuxMs !== undefined ? { vmlinuxMs: first.vmlinuxMs } : {}),
    ...(scripts.length ? { scripts: { runner: first.runner, results: scripts as VerifyResult[] } } : {}),
    durationMs,
    ...(kernels.length > 1 ? { kernels } : {}),
  };
}

const byPath = (a: ProjectEntry, b: ProjectEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? 0) - (b.line ?? 0));

function entriesOf(run: ProjectVmRun, collected: CollectedProject, payload: ProjectPayload, root: string): ProjectEntry[] {
  const full = (rel: string) => (root === '' ? rel : `${root}/${rel}`);
  if (!run.project) {
    return payload.sources.map((s) => ({ path: full(s.path), kind: s.kind, status: 'runner-error' as const, message: run.failure ?? 'no answer' }));
  }
  const files = new Map(payload.files.map((f) => [full(f.path), f.content]));
  const classes = new Map(collected.classes.map((c) => [c.path, c]));
  const explain: Explainer = { index: new SourceIndex(files), located: 0 };
  const answered = new Set<string>();
  return run.project.results.flatMap((result) => {
    const path = full(result.path);
    // Only what the host sent gets an entry, once: a guest naming another path, or the same
    // source again (a compromised guest's way to multiply the host's work), is ignored.
    if (!payload.sources.some((s) => s.path === result.path) || answered.has(result.path)) return [];
    answered.add(result.path);
    return result.kind === 'libbpf-c'
      ? libbpfEntries(path, result, classes.get(path), files, full, explain)
      : [bccEntry(path, result, classes.get(path), files, root)];
  });
}

const clean = (text: string, max = 4000) => {
  const t = withoutControls(redactSecrets(text));
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/**
 * Rejections whose source line is looked for, per report: an honest project has a few; the rest
 * of a flood keep their class and log, without the search through every file sent.
 */
const MAX_LOCATED_REJECTIONS = 32;

interface Explainer {
  index: SourceIndex;
  located: number;
}

function libbpfEntries(path: string, result: GuestSourceResult, cls: ProjectFileClass | undefined, files: Map<string, string>, full: (rel: string) => string, explain: Explainer): ProjectEntry[] {
  const kind = 'libbpf-c';
  if (!result.compile.ok) {
    const found = firstCompileError(result.compile.stderr);
    // clang's file is the guest's word: a line is shown only in a file the host sent (the
    // member's own); one naming another member's file or a system header is the message alone.
    const error = found && (full(found.file) === path || files.has(full(found.file))) ? found : undefined;
    const errorFile = error ? full(error.file) : path;
    return [{
      path,
      kind,
      status: result.compile.timedOut ? 'timeout' : 'compile-error',
      ...(error ? { line: error.line, ...(errorFile !== path ? { file: errorFile } : {}) } : {}),
      message: result.compile.timedOut
        ? `clang이 ${Math.round(result.compile.ms / 1000)}초 안에 끝나지 않았습니다 (clang did not finish in time)`
        : `컴파일 실패 (clang failed): ${clean(found?.message ?? result.compile.stderr.split('\n')[0] ?? '', 500)}`,
      ...(found?.class ? { class: found.class } : {}),
      log: result.compile.stderr.split('\n').filter((l) => / error: /.test(l)).slice(0, 5).map((l) => clean(l, 300)),
      steps: compileSteps(result),
    }];
  }
  const stopped = result.loadError ? loadFailure(path, kind, result) : null;
  if (stopped && result.programs.length === 0) return [stopped];
  // The loader stopped part way (its time limit): the programs it judged keep their verdicts,
  // and one more entry says the rest were not judged.
  const judged = result.programs.map((program): ProjectEntry => {
    const declared = cls?.programs?.find((p) => p.functionName === program.name);
    const stats = parseStats(program.stats);
    const steps = { ...compileSteps(result), ...(result.loadMs !== undefined ? { loadMs: result.loadMs } : {}), ...(result.windowMs !== undefined ? { windowMs: result.windowMs } : {}) };
    const base = {
      path,
      kind,
      program: clean(program.name, 256),
      section: clean(program.section, 256),
      ...(stats ? { insns: stats.insns, states: { total: stats.total, peak: stats.peak } } : program.insns !== undefined ? { insns: program.insns } : {}),
      steps,
    };
    if (program.err !== 0) {
      const locate = explain.located++ < MAX_LOCATED_REJECTIONS;
      const why = explainRejection({ log: program.log, ...(program.log4 ? { log4: program.log4 } : {}), err: program.err, source: path, files, ...(program.libbpf ? { libbpf: program.libbpf } : {}), index: explain.index, locate });
      const at = why.at;
      return {
        ...base,
        status: 'rejected' as const,
        ...(at ? { line: at.line, ...(at.file !== path ? { file: at.file } : {}) } : declared ? { line: declared.line } : {}),
        message: `검증기가 거부했습니다 (the verifier rejected it, ${errnoName(program.err)})${at ? `: \`${clean(at.text, 200)}\`` : ''}. ${why.message}`,
        class: why.class,
        log: why.log.map((l) => clean(l, 300)),
      };
    }
    const line = declared ? { line: declared.line } : {};
    if (program.attachErr === undefined || program.attachErr === 95) {
      return { ...base, ...line, status: 'loaded' as const, message: `검증 통과; 자동으로 붙일 수 없는 타입이라 붙이지 않았습니다 (verified; not attached: ${program.section} needs an interface or a hook libbpf does not attach by itself)` };
    }
    if (program.attachErr !== 0) {
      return { ...base, ...line, status: 'attach-failed' as const, message: `검증은 통과했지만 붙이지 못했습니다 (verified, but attaching failed: ${errnoName(program.attachErr)})${/^k(ret)?probe\/|^ksyscall/.test(program.section) ? ' — 이 커널에 그 함수가 없을 수 있습니다 (the function may not exist on this kernel)' : ''}` };
    }
    const events = program.runs ?? 0;
    return {
      ...base,
      ...line,
      status: events > 0 ? ('ok' as const) : ('no-events' as const),
      events,
      message: events > 0
        ? `불러오고 붙였습니다: ${result.windowMs ?? 0} ms 동안 ${events}번 실행 (loaded and attached: ran ${events} times in ${result.windowMs ?? 0} ms)`
        : `불러오고 붙였지만 작업 부하 동안 한 번도 실행되지 않았습니다 (loaded and attached, never ran during the workload)`,
    };
  });
  return stopped ? [...judged, stopped] : judged;
}

/** The loader did not finish (killed at its time limit) or could not run at all. */
function loadFailure(path: string, kind: string, result: GuestSourceResult): ProjectEntry {
  const error = result.loadError!;
  const limit = /within (\d+) s/.exec(error);
  const steps = { ...compileSteps(result), ...(result.loadMs !== undefined ? { loadMs: result.loadMs } : {}) };
  if (limit) {
    const judged = result.programs.length;
    return {
      path,
      kind,
      status: 'timeout',
      message: `불러오기·붙이기가 ${limit[1]}초 안에 끝나지 않아 로더를 중단했습니다.${judged ? ` 위의 ${judged}개 외에는 판정하지 못했습니다.` : ''} 검증기를 오래 붙잡는 큰 루프나 분기가 있는지 보세요 (loading and attaching did not finish within ${limit[1]} s: the loader was stopped.${judged ? ` Only the ${judged} program(s) above were judged.` : ''} Look for large loops or branches that keep the verifier busy)`,
      steps,
    };
  }
  return { path, kind, status: 'runner-error', message: `로더가 제대로 끝나지 않았습니다 (the loader did not end cleanly): ${clean(error)}`, steps };
}

const compileSteps = (result: GuestSourceResult) => ({ compileMs: result.compile.ms, ...(result.compile.pch ? { pch: true } : {}) });

function bccEntry(path: string, result: GuestSourceResult, cls: ProjectFileClass | undefined, files: Map<string, string>, root: string): ProjectEntry {
  const output = (result.output ?? []).map((l) => clean(l, 1000));
  const steps = { compileMs: result.compile.ms, ...(result.windowMs !== undefined ? { windowMs: result.windowMs } : {}) };
  const base = { path, kind: 'bcc-python', steps, ...(output.length ? { output } : {}) };
  if (result.exit === 'ok') {
    return { ...base, status: output.length ? 'ok' : 'no-events', ...(cls?.loads?.line ? { line: cls.loads.line } : {}), message: output.length ? 'BCC가 컴파일하고 불러와 붙였습니다 (BCC compiled, loaded and attached it)' : 'BCC가 실행됐지만 아무것도 출력하지 않았습니다 (BCC ran it; it printed nothing)' };
  }
  const said = result.compile.stderr.split('\n').map((l) => l.trim()).filter(Boolean).slice(-1)[0];
  // clang's error is decisive even when the script was stopped (SIGINT came while BCC was
  // still compiling, under emulation): report the error, not the stop.
  const compileFailed = /^\/virtual\/main\.c:\d+:\d+: (?:fatal )?error: /m.test(result.compile.stderr);
  if (result.exit === 'killed' && !compileFailed) {
    return { ...base, status: 'timeout', message: `Ctrl-C(SIGINT) 뒤에도 끝나지 않아 강제로 종료했습니다 (still running after SIGINT: killed, with everything it started)${said ? `: ${clean(said, 300)}` : ''}` };
  }
  if (result.exit === 'timeout' && !compileFailed) {
    return { ...base, status: 'timeout', message: `제한 시간 안에 아무것도 출력하지 않아 중단했습니다 (printed nothing within the time limit: stopped)${said ? `: ${clean(said, 300)}` : ''}` };
  }
  // Where it failed, as a line of the member's own files (bcc-errors.ts): the guest names files
  // relative to the request's folder, the report relative to the repository.
  const stderr = result.compile.stderr;
  const relative = (full: string) => (root === '' ? full : full.slice(root.length + 1));
  const loaded = (cls?.loads?.sourceFiles ?? []).flatMap((f) => (files.has(f) ? [{ path: relative(f), text: files.get(f)! }] : []));
  const located = locateBccError(stderr, { path: result.path, text: files.get(path) ?? '' }, loaded);
  const at = located?.at ? { file: located.at.file === result.path ? path : `${root === '' ? '' : `${root}/`}${located.at.file}`, line: located.at.line } : null;
  const last = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const decisive = located?.message || (last[last.length - 1] ?? `exit ${result.exit}`);
  return {
    ...base,
    status: 'error',
    ...(at ? { line: at.line, ...(at.file !== path ? { file: at.file } : {}) } : {}),
    message: `BCC 스크립트가 실패했습니다 (the BCC script failed): ${clean(decisive, 500)}`,
    // clang's errors when it was the compile (the traceback after them says only "Failed to compile").
    log: (last.some((l) => / error: /.test(l)) ? last.filter((l) => / error: /.test(l)).slice(0, 5) : last.slice(-5)).map((l) => clean(l, 300)),
  };
}

const ERRNO_NAMES = new Map(Object.entries(os.errno).map(([name, n]) => [n, name]));
const errnoName = (n: number) => ERRNO_NAMES.get(n) ?? `errno ${n}`;
