import type { VerifyResult } from '../report-schema.js';
import type { LaunchResult } from './launch-vm.js';

/**
 * Where one request's seconds went inside its VM, as one line for the app's log when
 * `STUDY_BOT_VM_TRACE=1` (docs/vm-warm-pool.md): the guest agent's own steps, ms after the
 * request line came (its clock), each one-liner's attach and exit, and the host's view: the
 * request sent, the answer's frame seen, QEMU gone. The guest's numbers are a guest's word,
 * used for nothing but this line: only short step names and finite numbers are shown.
 */
export function vmTraceLine(kernel: string, launched: Pick<LaunchResult, 'requestMs' | 'frameBeginMs' | 'frameEndMs' | 'frame'>, results: VerifyResult[]): string {
  const value = launched.frame.ok ? (launched.frame.value as { steps?: unknown } | null) : null;
  const raw = value && typeof value === 'object' && Array.isArray(value.steps) ? value.steps.slice(0, 30) : [];
  const steps = raw
    .filter((s): s is [string, number] => Array.isArray(s) && typeof s[0] === 'string' && /^[a-z-]{1,20}$/.test(s[0]) && Number.isFinite(s[1]))
    .map(([name, ms]) => `${name} ${Math.round(ms)}`);
  const perOneLiner = results.map((r, i) => `#${i + 1} attach ${r.attachMs ?? '-'} exit ${r.durationMs}`);
  const frameBytes = launched.frame.ok ? Math.ceil((Buffer.byteLength(JSON.stringify(launched.frame.value)) * 4) / 3) : 0;
  const host = `frame ~${frameBytes} B, sent→frame ${launched.frameBeginMs ?? '-'}-${launched.frameEndMs ?? '-'} ms, sent→QEMU gone ${launched.requestMs ?? '-'} ms`;
  return `study-bot vm trace ${kernel}: ${host}; guest: ${steps.join(', ') || '-'}; ${perOneLiner.join(', ')}`;
}
