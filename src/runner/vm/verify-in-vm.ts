import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OneLiner } from '../../oneliners/types.js';
import { forRequest, MAX_REQUEST_ONELINERS, requestLimitProblem } from '../one-liner-schema.js';
import { checkPolicy } from '../policy.js';
import { redactSecrets, withoutControls } from '../redact.js';
import { verifyReportSchema, type KernelRun, type VerifyReport, type VerifyResult } from '../report-schema.js';
import { detectAccel, type AccelChoice } from './accel.js';
import { guestAgentSource } from './guest-bundle.js';
import { buildAgentInitramfs } from './initramfs.js';
import { launchVm, type Jail, type LaunchResult } from './launch-vm.js';
import { DEFAULT_TCG_CPU, qemuArgv, type Accel, type QemuSpec } from './qemu-argv.js';
import { pickKernels, readManifest, runnerDir, type KernelEntry, type RunnerManifest } from './runner-dir.js';
import { baseResult, deniedResult } from '../verify-oneliners.js';
import { encodeRequestLine, WARMUP_LINE } from './serial-protocol.js';
import { agentInitramfsPath, ensureAgentInitramfs, pruneOtherSnapshots, saveSnapshot, snapshotFile } from './snapshot.js';
import { vmRequestSchema, type VmRequest } from './vm-request.js';
import { jailCheck, noJailError } from './qemu-jail.js';
import { vmUser, type VmUser } from './vm-user.js';
import { guestProjectReportSchema, type GuestProjectReport, type ProjectPayload } from '../../project/project-request.js';
import type { RunnerInfoSummary } from '../report-schema.js';
import { refillNice } from './vm-priority.js';
import { vmTraceLine } from './vm-trace.js';
import { poolMaxBytes, poolSize, WarmPool, type ParkedRequest, type PoolRefill, type PoolStatus } from './warm-pool.js';

export interface VmVerifyOptions {
  /** Kernels by name ("6.1"); the runner's first kernel when empty. */
  kernels?: string[];
  runnerDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The markdown file the one-liners came from, for the report. */
  file?: string;
  /** Longest a one-liner runs after the workload starts, ms. */
  windowMs?: number;
  /** Extra guest kernel command-line words (tests make guests misbehave with them). */
  append?: string[];
  /** Replaces the guest agent (tests run hostile agents with it). */
  agentSource?: string;
  /** Replaces the computed deadline of each VM, ms (tests of a guest that never ends). */
  deadlineMs?: number;
  /** The time handed to the guest, ms since the epoch (tests pick a day far from the snapshot's). */
  nowMs?: number;
  /**
   * Epoch ms when the request is over for its member (the `/verify` deadline, after which the
   * gate lets them ask again): no VM waits or runs past it.
   */
  until?: number;
  /** Who asked (the gate's key): the slots take members in turn (VmSlots). */
  owner?: string;
}

/**
 * The longest one VM may run, whatever its request carries: the runner has one slot on a small
 * host, and a VM that never answers (a root program in the guest can see to that) held it for
 * the request's whole 20 minutes, so the member who asked next waited that long. Under full
 * emulation 5 minutes is several times what a note's one-liners or a project of a few
 * programs take here (docs/verify.md); a bigger request is told to split itself.
 * STUDY_BOT_VM_MAX_SECONDS overrides it (30-3600).
 */
export function vmMaxMs(accel: Accel, env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.STUDY_BOT_VM_MAX_SECONDS);
  if (Number.isInteger(seconds) && seconds >= 30 && seconds <= 3600) return seconds * 1000;
  return accel === 'kvm' ? 120_000 : 300_000;
}

/** What a VM stopped at the cap (not its own computed deadline) says, with what to do. */
const cappedNote = (capMs: number) =>
  ` VM 한 대는 다른 멤버의 차례를 위해 최대 ${Math.round(capMs / 60_000)}분 실행합니다: 나누어 요청해 주세요 (one VM runs at most ${Math.round(capMs / 60_000)} min so others get their turn: split the request).`;

/** How long things take on each kind of VM: full emulation compiles ~8x slower (RUNNER.md). */
const TIMING: Record<Accel, { bootMs: number; attachTimeoutMs: number; graceMs: number; restoreReadyMs: number }> = {
  kvm: { bootMs: 20_000, attachTimeoutMs: 30_000, graceMs: 5_000, restoreReadyMs: 15_000 },
  // Generous: a busy 2-core host was seen taking 40 s to compile five one-liners in a guest.
  // A restored guest says "ready" within ~1 s here (it was saved saying it every 100 ms).
  tcg: { bootMs: 90_000, attachTimeoutMs: 120_000, graceMs: 20_000, restoreReadyMs: 45_000 },
};
const BATCH_SIZE = 8;
const DEFAULT_WINDOW_MS = 5_000;

/** Limits on what a guest's report may carry back, whatever the guest claims. */
const MAX_MESSAGE = 4000;
const MAX_HINT = 1000;
const MAX_OUTPUT_LINES = 30;
const MAX_OUTPUT_LINE = 1000;

export function vmSettings(env: NodeJS.ProcessEnv = process.env): { cpus: number; memoryMb: number; slots: number; cpuModel: string } {
  const number = (value: string | undefined, fallback: number, min: number, max: number) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
  };
  const cpus = number(env.STUDY_BOT_VM_CPUS, Math.min(4, Math.max(2, os.availableParallelism())), 1, 64);
  const memoryMb = number(env.STUDY_BOT_VM_MEMORY_MB, 2048, 512, 65536);
  // As many VMs at once as the host has cores and memory for (at least one).
  const fit = Math.max(1, Math.min(Math.floor(os.availableParallelism() / cpus), Math.floor(os.totalmem() / 2 / (memoryMb * 1024 * 1024))));
  // A QEMU CPU model name (letters, digits, dashes, dots) with +feature/-feature flags.
  const cpuModel = /^[\w.-]{1,64}(,[+-]?[\w.-]{1,64}(=[\w.-]{1,64})?){0,16}$/.test(env.STUDY_BOT_VM_CPU_MODEL ?? '') ? env.STUDY_BOT_VM_CPU_MODEL! : DEFAULT_TCG_CPU;
  return { cpus, memoryMb, slots: number(env.STUDY_BOT_VM_SLOTS, fit, 1, 64), cpuModel };
}

/**
 * How many bpftraces compile at once inside the guest: the guest's own default (two per vCPU)
 * unless `STUDY_BOT_VM_PARALLELISM` says otherwise. Under full emulation on this 2-core host
 * 1 or 2 at a time were no faster than the default (docs/vm-warm-pool.md); the variable is
 * there to measure it again elsewhere (`STUDY_BOT_BENCH_VM=pooled-ab`).
 */
export function compileParallelism(env: NodeJS.ProcessEnv = process.env): { parallelism?: number } {
  const n = Number(env.STUDY_BOT_VM_PARALLELISM);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? { parallelism: n } : {};
}

/**
 * VMs running at once, for the whole process: one member's request (or a request for several
 * kernels) must not starve another member's VM into its deadline. First come, first served;
 * a VM's deadline starts when it gets its slot. A request that is still waiting when its own
 * deadline (`until`) passes gives up its place: its member's `/verify` is over by then.
 */
export class VmSlots {
  private running = 0;
  /** VMs running per owner */
  private readonly held = new Map<string, number>();
  /** when each owner was last given a slot, as a count of grants (a clock can jump) */
  private readonly lastGranted = new Map<string, number>();
  private grants = 0;
  private readonly waiting: { owner: string; go: () => void }[] = [];
  async run<T>(limit: number, task: () => Promise<T>, until?: number, owner = ''): Promise<T> {
    if (this.running >= limit) {
      await new Promise<void>((resolve, reject) => {
        const entry = { owner, go: () => { if (timer) clearTimeout(timer); resolve(); } };
        const timer = until === undefined ? null : setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          reject(new VmDeadlineError());
        }, Math.max(0, until - Date.now()));
        this.waiting.push(entry);
      });
    } else this.running++;
    this.held.set(owner, (this.held.get(owner) ?? 0) + 1);
    this.lastGranted.set(owner, ++this.grants);
    try {
      return await task();
    } finally {
      const left = (this.held.get(owner) ?? 1) - 1;
      if (left > 0) this.held.set(owner, left);
      else this.held.delete(owner);
      const next = this.next();
      if (next) next.go();
      else this.running--;
    }
  }

  /**
   * The next waiter: members take turns. Whoever holds no VM now goes first, and among them
   * whoever was served longest ago (never, for a newcomer); first come among equals. A member's
   * second kernel (`--kernel` twice queues both at once) or their next request never goes
   * before another member who is waiting (the attack review's High: one member held the only
   * slot for whole requests).
   */
  private next(): { owner: string; go: () => void } | undefined {
    let best = -1;
    let bestKey: [number, number] = [Infinity, Infinity];
    this.waiting.forEach((w, i) => {
      const key: [number, number] = [this.held.has(w.owner) ? 1 : 0, this.lastGranted.get(w.owner) ?? -Infinity];
      if (best < 0 || key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) [best, bestKey] = [i, key];
    });
    if (this.lastGranted.size > 1_000) this.lastGranted.clear(); // a bound, not a memory of everyone ever served
    return best < 0 ? undefined : this.waiting.splice(best, 1)[0];
  }
}

/** The request's deadline passed before (or while) a VM ran it. */
export class VmDeadlineError extends Error {
  constructor() {
    super('요청의 제한 시간이 VM을 기다리는 동안 지났습니다 (the request\'s deadline passed while it waited for a VM)');
    this.name = 'VmDeadlineError';
  }
}
const vmSlots = new VmSlots();

/**
 * Runs one-liners in throwaway VMs, one VM per kernel asked for, the one-liners of a request
 * side by side inside it (verifyOneLiners, as on a host). The report's runner says which
 * kernel, from the runner's own manifest: what the guest claims about itself is not trusted.
 */
export async function verifyInVm(oneLiners: OneLiner[], opts: VmVerifyOptions = {}): Promise<VerifyReport> {
  const startedAt = Date.now();
  const dir = opts.runnerDir ?? runnerDir(opts.env);
  const manifest = readManifest(dir);
  if (!manifest) {
    throw new Error(`VM 러너 이미지가 없습니다: \`study-bot runner image build\`로 만드세요 (no runner image in ${dir}; build it with \`study-bot runner image build\`)`);
  }
  const confinement = jailCheck(opts.env);
  if (!confinement.ok) throw noJailError(confinement.why);
  const kernels = pickKernels(manifest, opts.kernels ?? []);
  const agent = opts.agentSource ?? (await guestAgentSource());
  const accel = await chooseAccel(dir, manifest, agent, opts.env);
  const runs = await Promise.all(kernels.map((kernel) => runOnKernel(oneLiners, kernel, manifest, dir, accel, agent, opts)));
  const first = runs[0]!;
  return {
    runner: first.runner,
    ...(opts.file ? { file: opts.file } : {}),
    results: first.results,
    durationMs: Date.now() - startedAt,
    ...(runs.length > 1 ? { kernels: runs } : {}),
  };
}

export interface WarmStartState {
  kernel: string;
  /** The saved guest, or null when none could be made (requests then boot cold). */
  state: string | null;
  bytes: number;
}

/**
 * Saves a ready guest for every kernel of the runner now, rather than on the first request
 * (`runner image build` and the app's start call it). Each save takes a VM slot like a request.
 */
export async function prepareWarmStarts(opts: { runnerDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<WarmStartState[]> {
  const dir = opts.runnerDir ?? runnerDir(opts.env);
  const manifest = readManifest(dir);
  if (!manifest) return [];
  const confinement = jailCheck(opts.env);
  if (!confinement.ok) throw noJailError(confinement.why);
  const agent = await guestAgentSource();
  const choice = await chooseAccel(dir, manifest, agent, opts.env);
  const settings = vmSettings(opts.env);
  return Promise.all(
    manifest.kernels.map(async (kernel) => {
      const initramfs = ensureAgentInitramfs(dir, kernel, agent);
      const state = initramfs && snapshotsEnabled(opts.env) ? await vmSlots.run(settings.slots, () => warmState(kernelSpec(dir, manifest, kernel, choice.accel, settings, initramfs), choice.accel, opts.env)) : null;
      return { kernel: kernel.name, state, bytes: state ? statSync(state).size : 0 };
    }),
  );
}

/**
 * Whether each kernel has a saved guest for the current agent, QEMU and VM size, without
 * making one (`study-bot doctor`).
 */
export async function warmStartStatus(opts: { runnerDir?: string; env?: NodeJS.ProcessEnv; accel: Accel }): Promise<WarmStartState[]> {
  const dir = opts.runnerDir ?? runnerDir(opts.env);
  const manifest = readManifest(dir);
  if (!manifest) return [];
  const agent = await guestAgentSource();
  const settings = vmSettings(opts.env);
  return Promise.all(
    manifest.kernels.map(async (kernel) => {
      const initramfs = agentInitramfsPath(dir, kernel, agent);
      const state = existsSync(initramfs) ? await snapshotFile(kernelSpec(dir, manifest, kernel, opts.accel, settings, initramfs)) : null;
      return state && existsSync(state) ? { kernel: kernel.name, state, bytes: statSync(state).size } : { kernel: kernel.name, state: null, bytes: 0 };
    }),
  );
}

function kernelSpec(dir: string, manifest: RunnerManifest, kernel: KernelEntry, accel: Accel, settings: ReturnType<typeof vmSettings>, initramfs: string): QemuSpec {
  return {
    accel,
    kernel: path.join(dir, kernel.vmlinuz),
    initramfs,
    rootImage: path.join(dir, manifest.image),
    cpus: settings.cpus,
    memoryMb: settings.memoryMb,
    ...(accel === 'tcg' && settings.cpuModel !== DEFAULT_TCG_CPU ? { cpuModel: settings.cpuModel } : {}),
  };
}

export function chooseAccel(dir: string, manifest: RunnerManifest, agent: string, env?: NodeJS.ProcessEnv): Promise<AccelChoice> {
  return detectAccel({
    runnerDir: dir,
    env,
    tryKvm: async () => {
      const probe = await bootGuest({ oneLiners: [], kernel: manifest.kernels[0]!, manifest, dir, accel: 'kvm', agent, deadlineMs: 30_000, env });
      if (probe.frame.ok) return { ok: true, detail: 'ok' };
      return { ok: false, detail: probe.timedOut ? 'no answer within 30 s' : probe.qemuErrors.split('\n')[0] || `exit ${probe.exitCode}` };
    },
  });
}

async function runOnKernel(
  oneLiners: OneLiner[],
  kernel: KernelEntry,
  manifest: RunnerManifest,
  dir: string,
  choice: AccelChoice,
  agent: string,
  opts: VmVerifyOptions,
): Promise<KernelRun> {
  const startedAt = Date.now();
  const runner = runnerOf(kernel, manifest, choice.accel);
  // The policy runs again inside the guest; here it only spares a boot for what it refuses anyway.
  const results: VerifyResult[] = new Array(oneLiners.length);
  const toRun: number[] = [];
  oneLiners.forEach((oneLiner, index) => {
    const decision = checkPolicy(oneLiner, { isolation: 'vm' });
    // The guest's own schema: what it would refuse never boots (vm-request.ts).
    const overLimits = decision.ok ? requestLimitProblem(forRequest(oneLiner)) : null;
    if (!decision.ok) results[index] = deniedResult(oneLiner, decision);
    else if (overLimits) results[index] = { ...baseResult(oneLiner, 'denied', overLimits, 0), rule: 'request-limits' };
    else if (toRun.length >= MAX_REQUEST_ONELINERS) {
      results[index] = { ...baseResult(oneLiner, 'denied', `요청 하나에서는 one-liner ${MAX_REQUEST_ONELINERS}개까지 실행합니다 (at most ${MAX_REQUEST_ONELINERS} one-liners run per request).`, 0), rule: 'too-many' };
    } else toRun.push(index);
  });
  if (toRun.length === 0) return { runner, results, durationMs: Date.now() - startedAt };
  const sent = toRun.map((index) => forRequest(oneLiners[index]!));
  const timing = TIMING[choice.accel];
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const batches = Math.ceil(sent.length / BATCH_SIZE);
  const needed = timing.bootMs + batches * (timing.attachTimeoutMs + windowMs + timing.graceMs + 5_000);
  const capMs = vmMaxMs(choice.accel, opts.env);
  const deadlineMs = opts.deadlineMs ?? Math.min(needed, capMs);
  let launched: BootResult;
  try {
    launched = await requestBoot({ kernel, manifest, dir, choice, agent, opts, sent, deadlineMs });
  } catch (error) {
    if (!(error instanceof VmDeadlineError)) throw error;
    sent.forEach((oneLiner, k) => (results[toRun[k]!] = baseResult(oneLiner, 'runner-error', error.message, 0)));
    return { runner, results, durationMs: Date.now() - startedAt };
  }
  const accepted = acceptGuestResults(launched, sent, launched.deadlineMs, launched.deadlineMs >= capMs && opts.deadlineMs === undefined ? cappedNote(capMs) : '');
  accepted.forEach((result, k) => (results[toRun[k]!] = result));
  if ((opts.env ?? process.env).STUDY_BOT_VM_TRACE === '1') process.stderr.write(`${vmTraceLine(kernel.release, launched, accepted)}\n`);
  const durationMs = Date.now() - startedAt;
  return { runner: { ...runner, vmStart: launched.start, ...vmTiming(launched, accepted, durationMs) }, results, durationMs };
}

/**
 * Where a VM's time went: before the request reached the guest (waiting for a slot, restoring or
 * booting; next to nothing for a parked guest), the slowest one-liner's compile and attach (as
 * the guest measured it, bounded by what the host saw), and the rest.
 */
export function vmTiming(launched: Pick<LaunchResult, 'requestMs'>, results: VerifyResult[], durationMs: number): { timing?: { startMs: number; attachMs: number; runMs: number } } {
  if (launched.requestMs === null || launched.requestMs === undefined) return {};
  const inGuest = Math.min(launched.requestMs, durationMs);
  const attachMs = Math.min(inGuest, Math.max(0, ...results.map((r) => r.attachMs ?? 0)));
  return { timing: { startMs: durationMs - inGuest, attachMs, runMs: inGuest - attachMs } };
}

/** What the report says of the runner: from the runner's own manifest, never the guest's word. */
function runnerOf(kernel: KernelEntry, manifest: RunnerManifest, accel: Accel): RunnerInfoSummary {
  return { kernel: kernel.release, bpftrace: manifest.bpftrace, btf: kernel.features.btf, kprobes: kernel.features.kprobes, arch: 'x64', isolation: 'vm', accel };
}

/** One request's VM on one kernel, as one-liners and projects both make it. */
function requestBoot(r: { kernel: KernelEntry; manifest: RunnerManifest; dir: string; choice: AccelChoice; agent: string; opts: VmVerifyOptions; sent: OneLiner[]; deadlineMs: number; project?: ProjectPayload }): Promise<BootResult> {
  const timing = TIMING[r.choice.accel];
  return bootGuest({
    oneLiners: r.sent,
    kernel: r.kernel,
    manifest: r.manifest,
    dir: r.dir,
    accel: r.choice.accel,
    agent: r.agent,
    deadlineMs: r.deadlineMs,
    env: r.opts.env,
    append: r.opts.append,
    file: r.opts.file,
    options: { attachTimeoutMs: timing.attachTimeoutMs, windowMs: r.opts.windowMs ?? DEFAULT_WINDOW_MS, graceMs: timing.graceMs, batchSize: BATCH_SIZE, ...compileParallelism(r.opts.env) },
    ...(r.project ? { project: r.project } : {}),
    warm: !r.opts.agentSource,
    ...(r.opts.nowMs === undefined ? {} : { nowMs: r.opts.nowMs }),
    ...(r.opts.until === undefined ? {} : { until: r.opts.until }),
    ...(r.opts.owner === undefined ? {} : { owner: r.opts.owner }),
  });
}

interface BootRequest {
  oneLiners: OneLiner[];
  kernel: KernelEntry;
  manifest: RunnerManifest;
  dir: string;
  accel: Accel;
  agent: string;
  deadlineMs: number;
  env?: NodeJS.ProcessEnv;
  append?: string[];
  file?: string;
  options?: VmRequest['options'];
  project?: ProjectPayload;
  /** The real agent: boot files shared next to the image, and a snapshot restored when there is one. */
  warm?: boolean;
  nowMs?: number;
  /** Epoch ms: the VM neither waits for a slot nor runs past it (VmVerifyOptions.until). */
  until?: number;
  /** Who asked (VmVerifyOptions.owner). */
  owner?: string;
}

/** A VM's run, how it started (parked in the warm pool, restored from the saved guest, or booted), and the deadline it had. */
type StartedVm = LaunchResult & { start: 'pool' | 'snapshot' | 'boot' };
type BootResult = StartedVm & { deadlineMs: number };

async function bootGuest(req: BootRequest): Promise<BootResult> {
  const settings = vmSettings(req.env);
  // The VM's own deadline, shortened to what is left of the member's request.
  const leftOf = () => (req.until === undefined ? req.deadlineMs : Math.min(req.deadlineMs, req.until - Date.now()));
  const first = leftOf();
  if (first <= 0) throw new VmDeadlineError();
  const pooled = await runPooled({ ...req, deadlineMs: first }, settings);
  if (pooled) return pooled;
  return vmSlots.run(settings.slots, async () => {
    const left = leftOf();
    if (left <= 0) throw new VmDeadlineError();
    return { ...(await bootNow({ ...req, deadlineMs: left }, settings)), deadlineMs: left };
  }, req.until, req.owner);
}

function requestLine(req: BootRequest): string {
  const deadlineSeconds = Math.ceil(req.deadlineMs / 1000) + 5;
  // Checked with the guest's own schema before anything boots: the guest would refuse it.
  const request: VmRequest = vmRequestSchema.parse({ version: 2, oneLiners: req.oneLiners, options: req.options ?? {}, deadlineSeconds, nowMs: req.nowMs ?? Date.now(), ...(req.file ? { file: req.file } : {}), ...(req.project ? { project: req.project } : {}) });
  return encodeRequestLine(request);
}

async function bootNow(req: BootRequest, settings: ReturnType<typeof vmSettings>): Promise<StartedVm> {
  // Folders a killed process left behind (a request's initramfs, a snapshot's sockets).
  sweepStaleTemp();
  const line = requestLine(req);
  // Never a QEMU with the host's view of processes and files (qemu-jail.ts).
  const confinement = jailCheck(req.env);
  if (!confinement.ok) throw noJailError(confinement.why);
  const user = vmUser({ kvm: req.accel === 'kvm', env: req.env });
  const jail: Jail = {};
  const spec = (initramfs: string): QemuSpec => ({
    ...kernelSpec(req.dir, req.manifest, req.kernel, req.accel, settings, initramfs),
    ...(req.append ? { append: req.append } : {}),
  });
  // The real agent's boot files live next to the image, with its snapshot; a test's stand-in
  // agent gets a folder of its own and always boots cold.
  const shared = req.warm ? ensureAgentInitramfs(req.dir, req.kernel, req.agent) : null;
  if (!shared) return { ...(await bootFromTemp(req, spec, line, user, jail)), start: 'boot' };
  const cold = spec(shared);
  if (snapshotsEnabled(req.env) && !req.append) {
    const state = await warmState(cold, req.accel, req.env);
    if (state) {
      const restored = await restoreAndRun(state, cold, line, user, jail, req.deadlineMs, TIMING[req.accel].restoreReadyMs);
      // A snapshot QEMU refuses (another build, a damaged file) or whose guest never says it is
      // ready is dropped and the request boots cold; so is one gone since this process found it
      // (another process pruned it, after a QEMU upgrade or with another VM size), and the next
      // request saves a new one.
      if (restored && (restored.readySeen || restored.frame.ok)) return { ...restored, start: 'snapshot' };
      rmSync(state, { force: true });
      warmStates.delete(state);
    }
  }
  return { ...(await launchVm({ spec: cold, deadlineMs: req.deadlineMs, user, jail, request: line })), start: 'boot' };
}

/** The process's warm pool (warm-pool.ts), when startWarmPool started one. */
let pool: WarmPool<StartedVm> | null = null;

/** Guests of the pool are interchangeable with a request's own guest when their command lines are. */
const poolKey = (spec: QemuSpec): string => JSON.stringify(qemuArgv(spec));

/**
 * The request in a guest parked by the warm pool, or null when there is none for it (no pool,
 * another kernel or VM size, a test's own agent or kernel words) or it died before it was
 * ready. A guest still starting is waited for outside the VM slots, where its start may wait.
 */
async function runPooled(req: BootRequest, settings: ReturnType<typeof vmSettings>): Promise<BootResult | null> {
  if (!pool || !req.warm || req.append || poolSize(req.env) === 0) return null;
  const initramfs = agentInitramfsPath(req.dir, req.kernel, req.agent);
  if (!existsSync(initramfs)) return null;
  const guest = pool.take(poolKey(kernelSpec(req.dir, req.manifest, req.kernel, req.accel, settings, initramfs)));
  if (!guest || !(await guest.ready)) return null;
  // The same turns and deadline as a booted VM (bootGuest): a parked guest is no way past other
  // members waiting for a slot (the eighth attack review), nor past the member's own deadline.
  let deadlineMs = req.deadlineMs;
  try {
    const launched = await vmSlots.run(
      settings.slots,
      () => {
        deadlineMs = req.until === undefined ? req.deadlineMs : Math.min(req.deadlineMs, req.until - Date.now());
        if (deadlineMs <= 0) throw new VmDeadlineError();
        return guest.run({ line: requestLine({ ...req, deadlineMs }), deadlineMs });
      },
      req.until,
      req.owner,
    );
    return launched && { ...launched, start: 'pool', deadlineMs };
  } catch (error) {
    guest.abandon();
    throw error;
  }
}

/**
 * Parks guests for every kernel of the runner (STUDY_BOT_VM_POOL per kernel, one by default,
 * within STUDY_BOT_VM_POOL_MAX_MB), restored from the saved guests (prepareWarmStarts) or booted
 * when there are none. The app calls it at start; stopWarmPool (SIGTERM, tests) stops them.
 */
export async function startWarmPool(
  opts: { runnerDir?: string; env?: NodeJS.ProcessEnv; warmUp?: boolean; refill?: PoolRefill; onParked?: (kernel: string) => void } = {},
): Promise<PoolStatus[]> {
  const env = opts.env ?? process.env;
  const dir = opts.runnerDir ?? runnerDir(env);
  const manifest = readManifest(dir);
  if (!manifest || poolSize(env) === 0) return [];
  // Never a QEMU with the host's view of processes and files (qemu-jail.ts).
  const confinement = jailCheck(env);
  if (!confinement.ok) throw noJailError(confinement.why);
  const agent = await guestAgentSource();
  const choice = await chooseAccel(dir, manifest, agent, env);
  const settings = vmSettings(env);
  await stopWarmPool();
  const started = new WarmPool<StartedVm>({
    size: poolSize(env),
    maxBytes: poolMaxBytes(env),
    withSlot: (task) => vmSlots.run(settings.slots, task),
    // A guest started at a low priority gives its slot back once under way (vm-priority.ts).
    slotUntilStarted: refillNice(env) > 0,
    ...(opts.refill ? { refill: opts.refill } : {}),
    warn: (message) => process.emitWarning(`study-bot: ${message}`),
    ...(opts.onParked ? { onParked: opts.onParked } : {}),
  });
  pool = started;
  const targets = [];
  for (const kernel of manifest.kernels) {
    const initramfs = ensureAgentInitramfs(dir, kernel, agent);
    if (!initramfs) continue;
    const spec = kernelSpec(dir, manifest, kernel, choice.accel, settings, initramfs);
    const state = snapshotsEnabled(env) ? await snapshotFile(spec) : null;
    targets.push({
      key: poolKey(spec),
      kernel: kernel.name,
      bytes: guestBytes(state, settings.memoryMb),
      launch: (park: Promise<ParkedRequest | null>, onReady: () => void, taken: Promise<void>) => parkGuest(spec, choice.accel, env, park, onReady, opts.warmUp ?? true, taken),
    });
  }
  started.setTargets(targets);
  return started.status();
}

/** Stops the parked guests (a guest running a request ends with it). */
export async function stopWarmPool(): Promise<void> {
  const stopping = pool;
  pool = null;
  await stopping?.stop();
}

export const warmPoolStatus = (): PoolStatus[] => pool?.status() ?? [];

/**
 * What one parked guest holds: QEMU loads its saved state whole, plus QEMU's own memory, the
 * guest pages its warm-up touched and, under TCG, the code it translated (parked guests were
 * seen at 850-870 MiB resident with a 354 MiB state: ~520 MiB more); a booted guest touches
 * about as much. Without a saved state yet, a third of its memory.
 */
export function guestBytes(state: string | null, memoryMb: number): number {
  const overhead = 520 * 1024 * 1024;
  try {
    if (state) return statSync(state).size + overhead;
  } catch {
    // not saved yet
  }
  return Math.round((memoryMb * 1024 * 1024) / 3) + overhead;
}

/**
 * One guest for the pool: restored from the saved guest (booted without one), made to run the
 * warm-up program once more (serial-protocol.ts's WARMUP_LINE), and parked at READY.
 */
async function parkGuest(spec: QemuSpec, accel: Accel, env: NodeJS.ProcessEnv, park: Promise<ParkedRequest | null>, onReady: () => void, warm: boolean, taken: Promise<void>): Promise<StartedVm> {
  sweepStaleTemp();
  // Low priority until a request takes it (vm-priority.ts).
  const niceValue = refillNice(env);
  const nice = niceValue > 0 ? { nice: { value: niceValue, until: taken } } : {};
  // A request that takes it before its warm-up is over stops the warm-up (launch-vm.ts's
  // `taken`) unless STUDY_BOT_VM_CUT_WARMUP=0 (to measure the difference: bench/verify.bench.ts).
  const cut = env.STUDY_BOT_VM_CUT_WARMUP === '0' ? {} : { taken };
  const user = vmUser({ kvm: accel === 'kvm', env });
  const jail: Jail = {};
  const timing = TIMING[accel];
  const warmUp = warm ? { warmUp: WARMUP_LINE } : {};
  const warmMs = warm ? timing.attachTimeoutMs : 0;
  const state = snapshotsEnabled(env) ? await warmState(spec, accel, env) : null;
  if (state) {
    let fd: number | null = null;
    try {
      fd = openSync(state, 'r');
    } catch {
      // gone since: boot instead
    }
    if (fd !== null) {
      try {
        const restored = await launchVm({ spec: { ...spec, incomingFd: 3 }, fd3: fd, deadlineMs: timing.bootMs, readyWithinMs: timing.restoreReadyMs + warmMs, user, jail, park, onReady, ...warmUp, ...nice, ...cut });
        return { ...restored, start: 'snapshot' };
      } finally {
        closeSync(fd);
      }
    }
  }
  return { ...(await launchVm({ spec, deadlineMs: timing.bootMs, readyWithinMs: timing.bootMs + warmMs, user, jail, park, onReady, ...warmUp, ...nice, ...cut })), start: 'boot' };
}

/** STUDY_BOT_VM_SNAPSHOT=0 boots every guest cold (to measure, or to rule the snapshot out). */
const snapshotsEnabled = (env: NodeJS.ProcessEnv = process.env) => env.STUDY_BOT_VM_SNAPSHOT !== '0';

/** Snapshot files made (or found) by this process, and ones that could not be made. */
const warmStates = new Map<string, Promise<string | null>>();

/** The saved guest for this command line, made on first use (one boot, once per runner). */
async function warmState(spec: QemuSpec, accel: Accel, env?: NodeJS.ProcessEnv): Promise<string | null> {
  const statePath = await snapshotFile(spec);
  let pending = warmStates.get(statePath);
  if (!pending) {
    pending = existsSync(statePath)
      ? Promise.resolve(statePath)
      : saveSnapshot({ spec, user: vmUser({ kvm: accel === 'kvm', env }), jail: true, statePath, deadlineMs: TIMING[accel].bootMs + TIMING[accel].attachTimeoutMs }).then((saved) => {
          if (!saved.ok) {
            process.emitWarning(`study-bot: no VM snapshot (${saved.reason}); guests boot cold`);
            return null;
          }
          pruneOtherSnapshots(statePath);
          return statePath;
        });
    warmStates.set(statePath, pending);
  }
  return pending;
}

/** The request run in a guest restored from `state`; null when that file is gone. */
async function restoreAndRun(state: string, spec: QemuSpec, line: string, user: VmUser | null, jail: Jail, deadlineMs: number, readyWithinMs: number): Promise<LaunchResult | null> {
  let fd: number;
  try {
    fd = openSync(state, 'r');
  } catch {
    return null;
  }
  try {
    return await launchVm({ spec: { ...spec, incomingFd: 3 }, fd3: fd, deadlineMs, readyWithinMs, user, jail, request: line });
  } finally {
    closeSync(fd);
  }
}

/** A boot with an initramfs of its own in a temporary folder, removed as soon as QEMU has read it. */
async function bootFromTemp(req: BootRequest, spec: (initramfs: string) => QemuSpec, line: string, user: VmUser | null, jail: Jail): Promise<LaunchResult> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
  const cleanUp = () => rmSync(tmp, { recursive: true, force: true });
  try {
    chmodSync(tmp, 0o755);
    const initramfs = path.join(tmp, 'initramfs.cpio');
    const base = readFileSync(path.join(req.dir, req.kernel.initramfs));
    writeFileSync(initramfs, Buffer.concat([base, buildAgentInitramfs(req.agent)]), { mode: 0o644 });
    const launched = await launchVm({ spec: spec(initramfs), deadlineMs: req.deadlineMs, user, jail, request: line, onFirstOutput: cleanUp });
    return { ...launched, qemuErrors: launched.qemuErrors.split(tmp).join('…') };
  } finally {
    cleanUp();
  }
}

const TEMP_PREFIX = 'study-bot-vm-';

/** Folders a killed process left behind (older than an hour: no VM lives that long). */
function sweepStaleTemp(): void {
  try {
    const cutoff = Date.now() - 3_600_000;
    for (const name of readdirSync(os.tmpdir())) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const full = path.join(os.tmpdir(), name);
      if (statSync(full).mtimeMs < cutoff) rmSync(full, { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
}

/**
 * The guest's results, checked: one per one-liner sent, in order, within size caps. The
 * command, line and heading come from the host's own one-liners, never from the guest.
 */
export function acceptGuestResults(launched: LaunchResult, sent: OneLiner[], deadlineMs: number, cappedBy = ''): VerifyResult[] {
  const failAll = (message: string): VerifyResult[] => sent.map((oneLiner) => baseResult(oneLiner, 'runner-error', message, 0));
  if (launched.overflowed) return failAll('VM이 콘솔에 너무 많이 써서 중단했습니다 (the VM wrote too much to its console and was stopped).');
  if (launched.timedOut) {
    return failAll(`VM이 제한 시간 ${Math.round(deadlineMs / 1000)}초 안에 끝나지 않아 중단했습니다 (the VM did not finish within ${Math.round(deadlineMs / 1000)} s and was stopped).${cappedBy}`);
  }
  if (!launched.frame.ok) {
    const why = launched.frame.reason === 'several-frames' ? ' (결과가 여러 개: several results)' : launched.frame.reason === 'bad-frame' ? ' (결과가 깨짐: a broken result)' : '';
    const qemu = launched.qemuErrors ? `\nQEMU: ${redactSecrets(launched.qemuErrors.slice(0, 4 * MAX_OUTPUT_LINE).split('\n').slice(0, 3).join('\n'), 3 * MAX_OUTPUT_LINE)}` : '';
    return failAll(`VM이 결과 없이 끝났습니다${why} (the VM ended without a result).${qemu}`);
  }
  const value = launched.frame.value as { report?: unknown; error?: unknown } | null;
  if (value && typeof value === 'object' && typeof value.error === 'string') {
    return failAll(`VM 안의 에이전트가 실패했습니다 (the agent inside the VM failed): ${cap(redactSecrets(value.error, MAX_MESSAGE), MAX_MESSAGE)}`);
  }
  const parsed = verifyReportSchema.safeParse(value && typeof value === 'object' ? value.report : undefined);
  if (!parsed.success || parsed.data.results.length !== sent.length) {
    return failAll('VM이 형식에 맞지 않는 결과를 보냈습니다 (the VM sent a result that does not fit the schema).');
  }
  return parsed.data.results.map((guest, index) => {
    const host = baseResult(sent[index]!, guest.status, cap(redactSecrets(guest.message, MAX_MESSAGE), MAX_MESSAGE), guest.durationMs);
    const output = guest.output.slice(0, MAX_OUTPUT_LINES).map((line) => cap(redactSecrets(line, MAX_OUTPUT_LINE), MAX_OUTPUT_LINE));
    return {
      ...host,
      events: guest.events,
      ...(guest.hint ? { hint: cap(redactSecrets(guest.hint, MAX_HINT), MAX_HINT) } : {}),
      ...(guest.rule ? { rule: cap(guest.rule, 100) } : {}),
      output,
      ...(guest.truncated || guest.output.length > output.length ? { truncated: true } : {}),
      durationMs: guest.durationMs,
      ...(guest.attachMs === undefined ? {} : { attachMs: guest.attachMs }),
    };
  });
}

const cap = (text: string, max: number) => {
  const clean = withoutControls(text);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

/** Per-step limits for a project in the guest: full emulation compiles ~8x slower. */
const PROJECT_LIMITS: Record<Accel, Required<ProjectPayload['limits']>> = {
  kvm: { compileMs: 30_000, loadMs: 30_000, windowMs: 2_000, pythonMs: 30_000 },
  tcg: { compileMs: 120_000, loadMs: 120_000, windowMs: 2_000, pythonMs: 120_000 },
};
/** The longest a project's VM may live, whatever it carries. */
const MAX_PROJECT_DEADLINE_MS = 20 * 60_000;

export interface ProjectVmRun {
  runner: RunnerInfoSummary;
  /** The project's `.bt` scripts, as one-liner results. */
  scripts: VerifyResult[];
  project: GuestProjectReport | null;
  /** Why there is no project report (the VM timed out, flooded its console, sent no answer). */
  failure: string | null;
  durationMs: number;
}

/**
 * A member's project in one throwaway VM per kernel: the sources compiled, loaded and attached
 * by the guest agent (guest/check-project.ts), the `.bt` scripts run like one-liners in the
 * same VM. Same slots, snapshot, jail and deadline as one-liners; the answer is checked against
 * its schema, the guest's kernel name is the manifest's, not the guest's word.
 */
export async function verifyProjectInVm(project: ProjectPayload, scripts: OneLiner[], opts: VmVerifyOptions & { limits?: ProjectPayload['limits'] } = {}): Promise<ProjectVmRun[]> {
  const dir = opts.runnerDir ?? runnerDir(opts.env);
  const manifest = readManifest(dir);
  if (!manifest) {
    throw new Error(`VM 러너 이미지가 없습니다: \`study-bot runner image build\`로 만드세요 (no runner image in ${dir}; build it with \`study-bot runner image build\`)`);
  }
  const kernels = pickKernels(manifest, opts.kernels ?? []);
  const agent = opts.agentSource ?? (await guestAgentSource());
  const choice = await chooseAccel(dir, manifest, agent, opts.env);
  const timing = TIMING[choice.accel];
  const limits = { ...PROJECT_LIMITS[choice.accel], ...(opts.windowMs ? { windowMs: Math.min(opts.windowMs, 60_000) } : {}), ...opts.limits };
  const sent = scripts.slice(0, MAX_REQUEST_ONELINERS);
  const perSource = project.sources.reduce((sum, s) => sum + (s.kind === 'bcc-python' ? limits.pythonMs : limits.compileMs + limits.loadMs) + limits.windowMs, 0);
  const perScripts = sent.length ? timing.attachTimeoutMs + (opts.windowMs ?? DEFAULT_WINDOW_MS) + timing.graceMs : 0;
  const capMs = Math.min(MAX_PROJECT_DEADLINE_MS, vmMaxMs(choice.accel, opts.env));
  const deadlineMs = opts.deadlineMs ?? Math.min(capMs, timing.bootMs + perScripts + perSource + 30_000);
  const capped = opts.deadlineMs === undefined && deadlineMs >= capMs ? cappedNote(capMs) : '';
  return Promise.all(
    kernels.map(async (kernel) => {
      const startedAt = Date.now();
      const launched = await requestBoot({ kernel, manifest, dir, choice, agent, opts, sent, deadlineMs, project: { ...project, limits } });
      const runner: RunnerInfoSummary = { ...runnerOf(kernel, manifest, choice.accel), vmStart: launched.start };
      const scriptResults = sent.length ? acceptGuestResults(launched, sent, launched.deadlineMs, capped) : [];
      const value = launched.frame.ok ? (launched.frame.value as { project?: unknown } | null) : null;
      const parsed = guestProjectReportSchema.safeParse(value && typeof value === 'object' ? value.project : undefined);
      const failure = parsed.success ? null : projectFailure(launched, launched.deadlineMs, value, capped);
      return { runner, scripts: scriptResults, project: parsed.success ? parsed.data : null, failure, durationMs: Date.now() - startedAt };
    }),
  );
}

function projectFailure(launched: LaunchResult, deadlineMs: number, value: unknown, cappedBy: string): string {
  if (launched.overflowed) return 'VM이 콘솔에 너무 많이 써서 중단했습니다 (the VM wrote too much to its console and was stopped).';
  if (launched.timedOut) {
    return `VM이 제한 시간 ${Math.round(deadlineMs / 1000)}초 안에 끝나지 않아 중단했습니다 (the VM did not finish within ${Math.round(deadlineMs / 1000)} s and was stopped).${cappedBy}`;
  }
  if (value && typeof value === 'object' && typeof (value as { error?: unknown }).error === 'string') {
    return `VM 안의 에이전트가 실패했습니다 (the agent inside the VM failed): ${cap(redactSecrets((value as { error: string }).error), MAX_MESSAGE)}`;
  }
  if (!launched.frame.ok) return 'VM이 결과 없이 끝났습니다 (the VM ended without a result).';
  return 'VM이 형식에 맞지 않는 결과를 보냈습니다 (the VM sent a result that does not fit the schema).';
}
