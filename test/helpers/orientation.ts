import { readFileSync } from 'node:fs';

/** The five orientation one-liners' programs, exactly as CURRICULUM.md shows them. */
export const ORIENTATION_PROGRAMS = [
  'BEGIN { printf("eBPF 스터디 시작!\\n"); } \n                  interval:s:1 { printf("Hello from kernel! %d\\n", pid); }',
  'tracepoint:syscalls:sys_enter_openat {\n    printf("%-6d %-16s %s\\n", pid, comm, str(args->filename));\n}',
  'tracepoint:sock:inet_sock_set_state {\n    if (args->newstate == 1) {  // TCP_ESTABLISHED\n        printf("New connection: %s:%d\\n", comm, pid);\n    }\n}',
  'tracepoint:sched:sched_process_fork {\n    printf("Parent [%d] %s created Child [%d]\\n", \n           pid, comm, args->child_pid);\n}',
  'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }',
];

/** The orientation one-liners as a submission writes them (test/fixtures/oneliners/orientation.md). */
export const orientationMarkdown = (): string =>
  readFileSync(new URL('../fixtures/oneliners/orientation.md', import.meta.url), 'utf8');
