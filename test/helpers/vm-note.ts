/**
 * A week-1 note for the VM tests of `/verify`: a tracepoint one-liner (works on any kernel) and
 * a kprobe one-liner at line 12 (kprobes are off on this host's kernel, on in the VM's).
 */
export const FORK_AND_KPROBE_NOTE = [
  '# Week 1 - 홍길동',
  '',
  '### 1. 프로세스 생성',
  '',
  '```bash',
  "sudo bpftrace -e 'tracepoint:sched:sched_process_fork { printf(\"%s %d\\n\", comm, args->child_pid); }'",
  '```',
  '',
  '### 2. kprobe',
  '',
  '```bash',
  "sudo bpftrace -e 'kprobe:do_sys_openat2 { printf(\"%s\\n\", comm); }'",
  '```',
  '',
].join('\n');
