import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getRunnerInfo, type RunnerInfo } from '../runner/runner-info.js';
import { getSandbox, type Sandbox } from '../runner/sandbox.js';
import { EXIT, type CliIO } from './io.js';

/** One readiness check: what was seen and, when it is a problem, how to fix it. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** false: a missing piece limits some one-liners but bpftrace still runs. */
  essential: boolean;
  detail: string;
  fix?: string;
}

const USAGE = `usage: study-bot doctor [--format text|json]

이 머신이 bpftrace one-liner를 실행할 준비가 되었는지 확인합니다.
Checks whether this machine is ready to run bpftrace one-liners.
종료 코드 (exit): 0 준비됨 (ready), 1 필수 항목 문제 (an essential check failed), 2 사용법 (usage).
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (parsed.values.format !== 'text' && parsed.values.format !== 'json') {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  const checks = doctorChecks(await getRunnerInfo(), { bccTools: countBccTools(), memlockKiB: memlockLimitKiB(), sandbox: await getSandbox() });
  if (parsed.values.format === 'json') io.stdout(`${JSON.stringify({ checks }, null, 2)}\n`);
  else io.stdout(renderChecks(checks));
  return checks.every((check) => check.ok || !check.essential) ? EXIT.ok : EXIT.failed;
}

/** Pure: the checks from what was probed, so tests can feed any machine. */
export function doctorChecks(info: RunnerInfo, extra: { bccTools: number; memlockKiB: number | null; sandbox?: Sandbox }): DoctorCheck[] {
  const memlockOk = extra.memlockKiB === null || extra.memlockKiB >= 8192;
  const checks: DoctorCheck[] = [
    { name: 'kernel', ok: true, essential: false, detail: `${info.kernel} (${info.arch})` },
    { name: 'root', ok: info.root, essential: true, detail: info.root ? 'root로 실행 중 (running as root)' : 'root가 아님 (not root)',
      fix: 'sudo로 실행하세요 (run with sudo): sudo study-bot verify FILE' },
    { name: 'bpftrace', ok: info.bpftrace !== null, essential: true, detail: info.bpftrace ?? '설치되어 있지 않음 (not installed)',
      fix: 'sudo apt-get install -y bpftrace' },
    { name: 'tracefs', ok: info.tracefs !== null, essential: true, detail: info.tracefs ?? '마운트되지 않음 (not mounted)',
      fix: 'sudo mount -t tracefs tracefs /sys/kernel/tracing' },
    { name: 'btf', ok: info.btf, essential: true, detail: info.btf ? '/sys/kernel/btf/vmlinux' : '없음 (missing)',
      fix: 'CONFIG_DEBUG_INFO_BTF=y 커널이 필요합니다 (needs a kernel built with BTF; Ubuntu 20.10+ has it)' },
    { name: 'kprobes', ok: info.kprobes, essential: false,
      detail: info.kprobes ? 'kprobe_events 있음 (available)' : 'kprobe_events 없음: kprobe one-liner는 지원 안 됨 (kprobe one-liners are unsupported)',
      fix: 'CONFIG_KPROBE_EVENTS=y 커널이 필요합니다; tracepoint나 kfunc를 쓰세요 (needs CONFIG_KPROBE_EVENTS; use tracepoints or kfunc)' },
    { name: 'bcc', ok: extra.bccTools > 0, essential: false,
      detail: extra.bccTools > 0 ? `bcc 도구 ${extra.bccTools}개 (tools installed)` : 'bcc 도구 없음 (no bcc tools)',
      fix: 'sudo apt-get install -y bpfcc-tools linux-headers-$(uname -r)' },
    { name: 'memlock', ok: memlockOk, essential: false,
      detail: extra.memlockKiB === null ? 'unlimited' : `${extra.memlockKiB} KiB`,
      fix: 'ulimit -l 8192 (bpftrace 0.17 prints a harmless RLIMIT_MEMLOCK error otherwise on 5.11+ kernels)' },
  ];
  if (extra.sandbox) checks.push(sandboxCheck(extra.sandbox));
  return checks;
}

/** The private mount namespace bpftrace runs in (src/runner/sandbox.ts): not essential, the policy and redaction still apply. */
function sandboxCheck(sandbox: Sandbox): DoctorCheck {
  const hidden = sandbox.covers.map((c) => c.slice(2));
  const shown = hidden.length > 6 ? `${hidden.slice(0, 6).join(', ')}, … (${hidden.length})` : hidden.join(', ');
  return {
    name: 'sandbox',
    ok: sandbox.prefix !== null,
    essential: false,
    detail: sandbox.prefix
      ? `mount namespace: 가림 (hidden) ${shown}`
      : `꺼짐 (off): ${sandbox.reason ?? 'unknown'} — bpftrace가 홈 디렉터리와 비밀 파일을 볼 수 있습니다 (bpftrace can see home directories and secrets)`,
    fix: 'sudo apt-get install -y util-linux mount (unshare, nsenter), root로 실행 (run as root); 컨테이너라면 CAP_SYS_ADMIN 필요 (in a container it needs CAP_SYS_ADMIN)',
  };
}

function renderChecks(checks: DoctorCheck[]): string {
  const lines = checks.map((check) => {
    const mark = check.ok ? '✅' : check.essential ? '❌' : '⚠️';
    const fix = !check.ok && check.fix ? `\n      해결 (fix): ${check.fix}` : '';
    return `${mark} ${check.name.padEnd(9)} ${check.detail}${fix}`;
  });
  const ready = checks.every((check) => check.ok || !check.essential);
  lines.push('', ready ? '준비됨: bpftrace one-liner를 실행할 수 있습니다 (ready).' : '준비 안 됨: 위의 ❌ 항목을 고쳐 주세요 (not ready: fix the ❌ items).');
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
