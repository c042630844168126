import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { readRunnerRequest } from '../runner/request-schema.js';
import { HOST_RUNNER_REFUSED, ISOLATIONS, hostRunnerAllowed, runOneLiners, type Isolation } from '../runner/run-one-liners.js';
import { getSandbox } from '../runner/sandbox.js';
import { EXIT, type CliIO } from './io.js';
import { parseCliArgs } from './parse-cli-args.js';

const usage = (lang: Language) =>
  pick(lang, {
    ko: `사용법:
  study-bot runner exec --request 파일 --out 파일 [--isolation vm|host]
  study-bot runner image build [--kernel 패키지|/boot/vmlinuz-…]… [--suite bookworm] [--mirror URL]
  study-bot runner image snapshot

exec: eBPF 워크플로(또는 러너 호스트)가 실행합니다. 요청 JSON을 읽어 검증하고, one-liner를
  버려지는 VM 안에서 실행해 보고서 JSON을 씁니다. --isolation host는 이 머신의 커널에서 바로
  실행하며 STUDY_BOT_UNSAFE_HOST_RUNNER=1(버려도 되는 전용 러너)이 있어야 합니다.
image build: VM 이미지(bpftrace·bcc가 든 읽기 전용 루트, 커널)를 배포판 패키지로 만들어
  STUDY_BOT_RUNNER_DIR(root는 /var/cache/study-bot/runner)에 둡니다. root 필요.
  --kernel 은 여러 번 줄 수 있습니다(기본: linux-image-cloud-amd64). 끝에 snapshot도 합니다.
image snapshot: 커널마다 부팅을 마친 게스트를 저장합니다. 요청은 부팅 대신 이것을 복원해 곧바로
  시작합니다. QEMU나 VM 크기(STUDY_BOT_VM_CPUS, STUDY_BOT_VM_MEMORY_MB)가 바뀐 뒤에 쓰세요
  (없으면 첫 요청이 만듭니다).

종료 코드: 0 성공(결과가 무엇이든), 1 러너 실패, 2 잘못된 사용법 또는 요청
`,
    en: `usage:
  study-bot runner exec --request FILE --out FILE [--isolation vm|host]
  study-bot runner image build [--kernel PACKAGE|/boot/vmlinuz-…]… [--suite bookworm] [--mirror URL]
  study-bot runner image snapshot

exec: used by the eBPF workflow (or a runner host): reads and validates the request JSON, runs
  its one-liners inside a throwaway VM and writes the report JSON. --isolation host runs on this
  machine's own kernel and needs STUDY_BOT_UNSAFE_HOST_RUNNER=1 (a dedicated, disposable runner).
image build: builds the VM image (a read-only root with bpftrace and bcc, and its kernels) from
  distribution packages into STUDY_BOT_RUNNER_DIR (/var/cache/study-bot/runner for root).
  Needs root. --kernel may be given several times (default: linux-image-cloud-amd64). Ends
  with a snapshot.
image snapshot: saves a booted, ready guest per kernel; requests restore it instead of booting,
  and start at once. Run it after QEMU or the VM size (STUDY_BOT_VM_CPUS, STUDY_BOT_VM_MEMORY_MB)
  changed (otherwise the first request saves one).

Exit codes: 0 done (whatever the statuses), 1 runner failure, 2 bad usage or request
`,
  });

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCliArgs(args, io, {
    command: 'runner',
    allowPositionals: true,
    options: {
      request: { type: 'string' },
      out: { type: 'string' },
      isolation: { type: 'string', default: 'vm' },
      kernel: { type: 'string', multiple: true },
      suite: { type: 'string' },
      mirror: { type: 'string' },
    },
    choices: { isolation: ISOLATIONS },
    usage,
  });
  if (!parsed.ok) return parsed.exit;
  const lang = parsed.lang ?? 'ko';
  const fail = (problem: { ko: string; en: string }) => {
    io.stderr(`study-bot runner: ${pick(lang, problem)}\n\n${usage(lang)}`);
    return EXIT.usage;
  };
  const [sub, ...extra] = parsed.positionals;
  if (sub === 'image') {
    if (extra.length === 1 && extra[0] === 'snapshot') return saveWarmStarts(io);
    if (extra.length !== 1 || extra[0] !== 'build') return fail({ ko: `image 다음에는 build 또는 snapshot이 와야 합니다`, en: `expected \`image build\` or \`image snapshot\`` });
    return buildRunnerImage(parsed.values, io);
  }
  const { request: requestFile, out } = parsed.values;
  if (sub !== 'exec' || extra.length > 0 || !requestFile || !out) {
    return fail(sub !== 'exec'
      ? { ko: `하위 명령은 exec, image build, image snapshot입니다${sub ? ` (받은 값: ${sub})` : ''}`, en: `the subcommands are exec, image build and image snapshot${sub ? ` (got ${sub})` : ''}` }
      : extra.length > 0
        ? { ko: `필요 없는 인자: ${extra.join(' ')}`, en: `unexpected arguments: ${extra.join(' ')}` }
        : { ko: '--request와 --out이 모두 필요합니다', en: 'both --request and --out are needed' });
  }
  const isolation = parsed.values.isolation as Isolation;
  if (isolation === 'host' && !hostRunnerAllowed()) {
    io.stderr(`study-bot runner: ${pick(lang, HOST_RUNNER_REFUSED)}\n`);
    return EXIT.usage;
  }
  let request: unknown;
  try {
    request = JSON.parse(await readFile(path.resolve(io.cwd, requestFile), 'utf8'));
  } catch (error) {
    io.stderr(`요청을 읽을 수 없습니다 (cannot read the request ${requestFile}): ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    const parsedRequest = await readRunnerRequest(request);
    if (isolation === 'host') {
      // The request's folder is the workflow's temp dir (RUNNER_TEMP): hidden from bpftrace too,
      // whatever the (cleared) environment says. The sandbox is probed once, here first.
      await getSandbox({ extraDirs: [path.dirname(path.resolve(io.cwd, requestFile))] });
    }
    const report = await runOneLiners(parsedRequest.oneLiners, {
      isolation,
      kernels: [...(parsed.values.kernel ?? []), ...(parsedRequest.kernels ?? [])],
      file: parsedRequest.file,
    });
    await writeFile(path.resolve(io.cwd, out), `${JSON.stringify(report, null, 2)}\n`);
    io.stdout(`${report.results.length}개 결과를 ${out}에 썼습니다 (wrote ${report.results.length} results).\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof z.ZodError) {
      io.stderr(`잘못된 요청입니다 (invalid request): ${z.prettifyError(error)}\n`);
      return EXIT.usage;
    }
    io.stderr(`러너 오류 (runner failure): ${(error as Error).message ?? String(error)}\n`);
    return EXIT.failed;
  }
}

/** A guest saved once ready makes every request start in about a second instead of a boot. */
async function saveWarmStarts(io: CliIO): Promise<number> {
  io.stderr('· 준비된 게스트 저장 (saving a ready guest per kernel for fast starts)\n');
  const { prepareWarmStarts } = await import('../runner/vm/verify-in-vm.js');
  const startedAt = Date.now();
  try {
    const saved = await prepareWarmStarts();
    if (saved.length === 0) {
      io.stderr('VM 이미지가 없습니다: `study-bot runner image build` (no VM image: run `study-bot runner image build`)\n');
      return EXIT.failed;
    }
    for (const warm of saved) {
      io.stdout(
        warm.state
          ? `  snapshot ${warm.kernel}: ${Math.round(warm.bytes / 1024 / 1024)} MiB\n`
          : `  snapshot ${warm.kernel}: 만들지 못함, 요청마다 부팅합니다 (could not save one; requests boot cold)\n`,
      );
    }
    io.stdout(`  (${Math.round((Date.now() - startedAt) / 1000)} s)\n`);
    // No snapshot is not a failure: requests still run, only slower.
    return EXIT.ok;
  } catch (error) {
    io.stderr(`게스트를 저장하지 못했습니다 (could not save a guest): ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

async function buildRunnerImage(values: { kernel?: string[]; suite?: string; mirror?: string }, io: CliIO): Promise<number> {
  const { buildImage } = await import('../runner/vm/build-image.js');
  const { runnerDir } = await import('../runner/vm/runner-dir.js');
  const dir = runnerDir();
  const startedAt = Date.now();
  try {
    const manifest = await buildImage({
      dir,
      kernels: values.kernel,
      suite: values.suite,
      mirror: values.mirror,
      log: (line) => io.stderr(`· ${line}\n`),
    });
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    io.stdout(
      `VM 이미지를 만들었습니다 (built the VM image) in ${seconds} s: ${dir}\n` +
        `  bpftrace ${manifest.bpftrace ?? '?'} · ${manifest.packages.join(' · ')}\n` +
        manifest.kernels.map((k) => `  kernel ${k.name}: ${k.release} (${k.source}) kprobes ${k.features.kprobes ? '✅' : '❌'} BTF ${k.features.btf ? '✅' : '❌'}\n`).join(''),
    );
    return saveWarmStarts(io);
  } catch (error) {
    io.stderr(`이미지를 만들지 못했습니다 (image build failed): ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}
