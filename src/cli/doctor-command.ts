import { readdirSync, readFileSync } from 'node:fs';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { getRunnerInfo, type RunnerInfo } from '../runner/runner-info.js';
import { getSandbox, type Sandbox } from '../runner/sandbox.js';
import { probeVmRunner, type PoolPlan, type VmRunnerProbe } from '../runner/vm/probe-vm-runner.js';
import { configLanguage } from './config-language.js';
import { EXIT, type CliIO } from './io.js';
import { parseCliArgs } from './parse-cli-args.js';

/** One readiness check: what was seen and, when it is a problem, how to fix it. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** false: a missing piece limits some one-liners but bpftrace still runs. */
  essential: boolean;
  detail: string;
  fix?: string;
}

const usage = (lang: Language) =>
  pick(lang, {
    ko: `사용법: study-bot doctor [--format text|json] [--lang ko|en]

이 머신이 bpftrace one-liner를 실행할 준비가 되었는지 확인합니다: 이 머신에서 바로(호스트),
그리고 러너 호스트라면 버려지는 VM 안에서(QEMU, KVM, VM 이미지).

  --format 형식   text(사람용, 기본) 또는 json(도구용: {"checks":[...]})
  --lang 언어     메시지 언어 ko|en (기본: 스터디 설정의 language, 없으면 ko)

종료 코드: 0 준비됨, 1 필수 항목에 문제, 2 잘못된 사용법
`,
    en: `usage: study-bot doctor [--format text|json] [--lang ko|en]

Checks whether this machine is ready to run bpftrace one-liners: on itself (the host), and as a
runner host, inside throwaway VMs (QEMU, KVM, the VM image).

  --format FORMAT  text (for people, default) or json (for tools: {"checks":[...]})
  --lang LANG      message language ko|en (default: the study config's language, else ko)

Exit codes: 0 ready, 1 an essential check failed, 2 bad usage
`,
  });

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCliArgs(args, io, {
    command: 'doctor',
    options: { format: { type: 'string', default: 'text' } },
    choices: { format: ['text', 'json'] },
    usage,
  });
  if (!parsed.ok) return parsed.exit;
  const json = parsed.values.format === 'json';
  // JSON keeps both languages in each text (its contract); the terminal gets one.
  const lang = json ? undefined : parsed.lang ?? (await configLanguage(io.cwd)) ?? 'ko';
  const checks = [
    ...doctorChecks(await getRunnerInfo(), { bccTools: countBccTools(), memlockKiB: memlockLimitKiB(), sandbox: await getSandbox() }, lang),
    ...vmChecks(await probeVmRunner(), lang),
  ];
  if (json) io.stdout(`${JSON.stringify({ checks }, null, 2)}\n`);
  else io.stdout(renderChecks(checks, lang ?? 'ko'));
  return checks.every((check) => check.ok || !check.essential) ? EXIT.ok : EXIT.failed;
}

/** Korean, English, or (no language chosen: the JSON contract) both as "한국어 (English)". */
const texts = (lang: Language | undefined) => (ko: string, en: string, both = `${ko} (${en})`): string =>
  lang === 'ko' ? ko : lang === 'en' ? en : both;

/** Pure: the checks from what was probed, so tests can feed any machine. */
export function doctorChecks(info: RunnerInfo, extra: { bccTools: number; memlockKiB: number | null; sandbox?: Sandbox }, lang?: Language): DoctorCheck[] {
  const t = texts(lang);
  const memlockOk = extra.memlockKiB === null || extra.memlockKiB >= 8192;
  const checks: DoctorCheck[] = [
    { name: 'kernel', ok: true, essential: false, detail: `${info.kernel} (${info.arch})` },
    { name: 'root', ok: info.root, essential: true, detail: info.root ? t('root로 실행 중', 'running as root') : t('root가 아님', 'not root'),
      fix: `${t('sudo로 실행하세요', 'run with sudo')}: sudo study-bot verify FILE` },
    { name: 'bpftrace', ok: info.bpftrace !== null, essential: true, detail: info.bpftrace ?? t('설치되어 있지 않음', 'not installed'),
      fix: 'sudo apt-get install -y bpftrace' },
    info.tracefs === null && info.tracefsMount
      ? { name: 'tracefs', ok: false, essential: true,
          detail: t(`${info.tracefsMount}에 마운트됨, 이 사용자는 읽을 수 없음 (root 전용)`, `mounted at ${info.tracefsMount}, not readable by this user (root only)`),
          fix: `${t('sudo로 실행하세요', 'run with sudo')}: sudo study-bot doctor` }
      : { name: 'tracefs', ok: info.tracefs !== null, essential: true, detail: info.tracefs ?? t('마운트되지 않음', 'not mounted'),
          fix: 'sudo mount -t tracefs tracefs /sys/kernel/tracing' },
    { name: 'btf', ok: info.btf, essential: true, detail: info.btf ? '/sys/kernel/btf/vmlinux' : t('없음', 'missing'),
      fix: t('CONFIG_DEBUG_INFO_BTF=y 커널이 필요합니다', 'needs a kernel built with BTF; Ubuntu 20.10+ has it') },
    { name: 'kprobes', ok: info.kprobes, essential: false,
      detail: info.tracefs === null && info.tracefsMount
        ? t('알 수 없음: tracefs를 읽을 수 없음 (root로 다시 실행)', 'unknown: tracefs is not readable (run again as root)')
        : info.kprobes
        ? t('kprobe_events 있음', 'kprobe_events available', 'kprobe_events 있음 (available)')
        : t('kprobe_events 없음: kprobe one-liner는 지원 안 됨', 'no kprobe_events: kprobe one-liners are unsupported',
          'kprobe_events 없음: kprobe one-liner는 지원 안 됨 (kprobe one-liners are unsupported)'),
      fix: t('CONFIG_KPROBE_EVENTS=y 커널이 필요합니다; tracepoint나 kfunc를 쓰세요', 'needs CONFIG_KPROBE_EVENTS; use tracepoints or kfunc') },
    { name: 'bcc', ok: extra.bccTools > 0, essential: false,
      detail: extra.bccTools > 0
        ? t(`bcc 도구 ${extra.bccTools}개`, `${extra.bccTools} bcc tools installed`, `bcc 도구 ${extra.bccTools}개 (tools installed)`)
        : t('bcc 도구 없음', 'no bcc tools'),
      fix: 'sudo apt-get install -y bpfcc-tools linux-headers-$(uname -r)' },
    { name: 'memlock', ok: memlockOk, essential: false,
      detail: extra.memlockKiB === null ? 'unlimited' : `${extra.memlockKiB} KiB`,
      fix: t('ulimit -l 8192 (5.11 이상 커널에서 bpftrace 0.17이 무해한 RLIMIT_MEMLOCK 오류를 출력하지 않도록)',
        'ulimit -l 8192 (bpftrace 0.17 prints a harmless RLIMIT_MEMLOCK error otherwise on 5.11+ kernels)',
        'ulimit -l 8192 (bpftrace 0.17 prints a harmless RLIMIT_MEMLOCK error otherwise on 5.11+ kernels)') },
  ];
  if (extra.sandbox) checks.push(sandboxCheck(extra.sandbox, t));
  return checks;
}

/**
 * A runner host's VM side: not essential for running on this machine, but what `/verify`
 * (STUDY_BOT_VERIFY_DRIVER=vm, the default) and `study-bot runner exec` need.
 */
export function vmChecks(probe: VmRunnerProbe, lang?: Language): DoctorCheck[] {
  const t = texts(lang);
  const build = `sudo apt-get install -y qemu-system-x86 bubblewrap mmdebstrap e2fsprogs kmod && sudo study-bot runner image build`;
  const checks: DoctorCheck[] = [
    { name: 'qemu', ok: probe.qemu !== null, essential: false, detail: probe.qemu ?? t('설치되어 있지 않음', 'not installed'), fix: 'sudo apt-get install -y qemu-system-x86' },
    {
      name: 'vm-image',
      ok: probe.manifest !== null,
      essential: false,
      detail: probe.manifest
        ? `${probe.dir}: bpftrace ${probe.manifest.bpftrace ?? '?'}, ${t('커널', 'kernels')} ${probe.manifest.kernels.map((k) => `${k.name} (${k.release})`).join(', ')}, ${t('만든 때', 'built')} ${probe.manifest.builtAt.slice(0, 10)}`
        : t(`${probe.dir}에 없음 — 서버의 /verify는 이미지를 만들 때까지 모든 요청에 러너 오류로 답합니다`, `none in ${probe.dir}: the server's /verify answers every request with a runner error until it is built`),
      fix: build,
    },
  ];
  if (probe.accel) {
    checks.push({
      name: 'kvm',
      ok: probe.accel.accel === 'kvm',
      essential: false,
      detail: probe.accel.accel === 'kvm'
        ? t(`KVM 사용: ${probe.accel.reason.ko}`, `KVM works: ${probe.accel.reason.en}`)
        : t(`전체 에뮬레이션(TCG, 느림: /verify 요청마다 몇 배 오래 걸림): ${probe.accel.reason.ko}`, `full emulation (TCG: each /verify request takes several times longer): ${probe.accel.reason.en}`),
      fix: t('중첩 가상화가 켜진 VM이나 물리 머신, /dev/kvm을 VM 사용자(kvm 그룹, 0660)가 열 수 있게', 'a VM with nested virtualization or bare metal, and /dev/kvm open to the VM user (group kvm, mode 0660)'),
    });
  }
  if (probe.qemu) {
    checks.push({
      name: 'vm-jail',
      ok: probe.confinement.ok,
      // Without a jail the VM driver refuses to run (qemu-jail.ts).
      essential: true,
      detail: probe.confinement.ok
        ? probe.confinement.mode === 'root'
          ? t('QEMU는 bubblewrap 안에서 VM마다 다른 uid로 실행: /usr와 러너 파일만 보이고 다른 프로세스·네트워크 없음', 'QEMU runs in bubblewrap as a uid of its own per VM: it sees only /usr and the runner\'s files, no other process, no network')
          : t('QEMU는 bubblewrap의 사용자 네임스페이스 안에서 VM마다 다른 uid로 실행: /usr와 러너 파일만 보이고 다른 프로세스·네트워크 없음', 'QEMU runs in a bubblewrap user namespace as a uid of its own per VM: it sees only /usr and the runner\'s files, no other process, no network')
        : t(`QEMU를 가둘 수 없어 VM 드라이버가 실행을 거부합니다: ${probe.confinement.why.ko}`, `QEMU cannot be confined, so the VM driver refuses to run: ${probe.confinement.why.en}`),
      fix: 'sudo apt-get install -y bubblewrap; docs/vm-confinement.md',
    });
  }
  if (probe.warm && probe.warm.length > 0) {
    const missing = probe.warm.filter((w) => !w.state).map((w) => w.kernel);
    checks.push({
      name: 'vm-snapshot',
      ok: missing.length === 0,
      essential: false,
      detail: missing.length === 0
        ? t(`커널마다 준비된 게스트 저장됨: 요청이 부팅 없이 시작 (${probe.warm.map((w) => `${w.kernel} ${Math.round(w.bytes / 1024 / 1024)} MiB`).join(', ')})`, `a ready guest saved per kernel: requests start without a boot (${probe.warm.map((w) => `${w.kernel} ${Math.round(w.bytes / 1024 / 1024)} MiB`).join(', ')})`)
        : t(`저장된 게스트 없음: ${missing.join(', ')} (첫 요청이 만듭니다, 약 15초 더)`, `no saved guest for ${missing.join(', ')} (the first request saves one, ~15 s more)`),
      fix: 'sudo study-bot runner image snapshot',
    });
  }
  if (probe.pool) checks.push(poolCheck(probe.pool, t));
  return checks;
}

/** The warm pool an app here keeps (issue 18): its size, the memory it may hold, and what runs now. */
function poolCheck(pool: PoolPlan, t: ReturnType<typeof texts>): DoctorCheck {
  const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
  const guests = pool.kernels.reduce((n, k) => n + k.guests, 0);
  const held = pool.kernels.reduce((n, k) => n + k.guests * k.bytesEach, 0);
  const perKernel = pool.kernels.map((k) => `${k.kernel} ×${k.guests}`).join(', ');
  const running = t(`지금 실행 중인 QEMU ${pool.running.count}개, ${mib(pool.running.rssBytes)}`, `QEMU running now: ${pool.running.count}, ${mib(pool.running.rssBytes)}`);
  return {
    name: 'vm-pool',
    ok: true,
    essential: false,
    detail: pool.size === 0
      ? t(`꺼짐 (STUDY_BOT_VM_POOL=0): 요청마다 복원합니다; ${running}`, `off (STUDY_BOT_VM_POOL=0): each request restores its own guest; ${running}`)
      : t(
          `앱이 미리 복원해 두는 게스트 ${guests}개 (${perKernel}), 약 ${mib(held)} / 한도 ${mib(pool.maxBytes)} (STUDY_BOT_VM_POOL, STUDY_BOT_VM_POOL_MAX_MB); ${running}`,
          `guests the app keeps parked: ${guests} (${perKernel}), ~${mib(held)} of at most ${mib(pool.maxBytes)} (STUDY_BOT_VM_POOL, STUDY_BOT_VM_POOL_MAX_MB); ${running}`,
        ),
  };
}

/** The private mount namespace bpftrace runs in (src/runner/sandbox.ts): not essential, the policy and redaction still apply. */
function sandboxCheck(sandbox: Sandbox, t: ReturnType<typeof texts>): DoctorCheck {
  const hidden = sandbox.covers.map((c) => c.slice(2));
  const shown = hidden.length > 6 ? `${hidden.slice(0, 6).join(', ')}, … (${hidden.length})` : hidden.join(', ');
  return {
    name: 'sandbox',
    ok: sandbox.prefix !== null,
    essential: false,
    detail: sandbox.prefix
      ? `mount namespace: ${t('가림', 'hidden')} ${shown}`
      : `${t('꺼짐', 'off')}: ${sandbox.reason ?? 'unknown'} — ${t('bpftrace가 홈 디렉터리와 비밀 파일을 볼 수 있습니다', 'bpftrace can see home directories and secrets')}`,
    fix: `sudo apt-get install -y util-linux mount (unshare, nsenter), ${t('root로 실행', 'run as root')}; ${t('컨테이너라면 CAP_SYS_ADMIN 필요', 'in a container it needs CAP_SYS_ADMIN')}`,
  };
}

function renderChecks(checks: DoctorCheck[], lang: Language): string {
  const lines = checks.map((check) => {
    const mark = check.ok ? '✅' : check.essential ? '❌' : '⚠️';
    const fix = !check.ok && check.fix ? `\n      ${pick(lang, { ko: '해결', en: 'fix' })}: ${check.fix}` : '';
    return `${mark} ${check.name.padEnd(9)} ${check.detail}${fix}`;
  });
  const ready = checks.every((check) => check.ok || !check.essential);
  lines.push('', ready
    ? pick(lang, { ko: '준비됨: bpftrace one-liner를 실행할 수 있습니다.', en: 'ready: this machine can run bpftrace one-liners.' })
    : pick(lang, { ko: '준비 안 됨: 위의 ❌ 항목을 고쳐 주세요.', en: 'not ready: fix the ❌ items above.' }));
  return `${lines.join('\n')}\n`;
}

function countBccTools(): number {
  let count = 0;
  try {
    count += readdirSync('/usr/sbin').filter((name) => name.endsWith('-bpfcc')).length;
  } catch {
    // no /usr/sbin
  }
  try {
    count += readdirSync('/usr/share/bcc/tools').filter((name) => name !== 'doc' && name !== 'lib').length;
  } catch {
    // upstream layout absent
  }
  return count;
}

/** Soft "Max locked memory" of this process in KiB; null when unlimited or unknown. */
function memlockLimitKiB(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max locked memory'));
    const soft = line?.split(/\s{2,}/)[1];
    if (!soft || soft === 'unlimited') return null;
    return Math.floor(Number(soft) / 1024);
  } catch {
    return null;
  }
}
