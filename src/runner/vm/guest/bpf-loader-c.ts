/**
 * A small libbpf loader, compiled inside the guest (never on the host) the first time the agent
 * gets ready, so it is in the saved guest. bpftool 7.1 (Debian 12) loads an object's programs
 * all or nothing and cannot attach them (`autoattach` came later); this loader gives each
 * program its own verdict, as veristat does: every program is loaded alone (the others'
 * autoload off) with verifier log level 4 (statistics), and a rejected one again with level 1
 * so the log carries the `; source line` annotations of its last instructions (all programs
 * are first tried together, which is enough when none is rejected). Then the programs that
 * loaded are attached where libbpf knows how from the
 * section name (tracepoint, kprobe, fentry, ksyscall...); the agent runs the workload; the
 * kernel's own run counts (kernel.bpf_stats_enabled) say how often each program ran.
 *
 * Protocol on stdout, one JSON object a line (the agent parses it; every string escaped here):
 *   {"prog":NAME,"section":SEC,"type":N,"err":ERRNO,"stats":LINE,"xlated":B,"jited":B,"insns":N,"libbpf":TEXT,"log4":TEXT,"log":TEXT}
 *   {"open":ERRNO,"libbpf":TEXT}  when libbpf cannot even open the object
 *   {"attach":NAME,"err":ERRNO}     after the joint load
 *   {"attached":N}                  then it waits for a line on stdin (the workload ran)
 *   {"runs":NAME,"count":N}         one per attached program, then it exits
 */
export const BPF_LOADER_C = String.raw`
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_PROGS 64
#define LOG_SIZE (16 * 1024 * 1024)
#define TAIL 6000

static char *logbuf;
/* The level-4 log of a rejected program: its error lines, even when the level-1 log overflows. */
static char log4[TAIL + 1];

/* libbpf's warnings for the program being loaded (a CO-RE relocation it could not resolve,
   a kernel BTF type it did not find): said nowhere else. */
static char warnings[2048];
static int keep_warnings(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (level != LIBBPF_WARN) return 0;
  size_t used = strlen(warnings);
  if (used + 1 < sizeof warnings) vsnprintf(warnings + used, sizeof warnings - used, fmt, args);
  return 0;
}

static void jstr(const char *s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c == '\n') fputs("\\n", stdout);
    else if (c < 0x20 || c >= 0x7f) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

/* The end of the log (where the verifier says why), at most TAIL bytes. */
static void jtail(const char *s) {
  size_t n = strlen(s);
  const char *from = n > TAIL ? s + n - TAIL : s;
  jstr(from, TAIL);
}

static void stats_line(const char *log, char *out, size_t size) {
  const char *at = strstr(log, "processed ");
  out[0] = 0;
  if (!at) return;
  size_t i = 0;
  while (at[i] && at[i] != '\n' && i + 1 < size) { out[i] = at[i]; i++; }
  out[i] = 0;
}

static struct bpf_object *open_only(const char *path, const char *name, int level) {
  struct bpf_object *obj = bpf_object__open_file(path, NULL);
  if (!obj) return NULL;
  struct bpf_program *p;
  bpf_object__for_each_program(p, obj) {
    if (strcmp(bpf_program__name(p), name) != 0) {
      bpf_program__set_autoload(p, false);
      continue;
    }
    logbuf[0] = 0;
    bpf_program__set_log_buf(p, logbuf, LOG_SIZE);
    bpf_program__set_log_level(p, level);
  }
  return obj;
}

static void print_loaded(struct bpf_program *p, const char *name, const char *stats) {
  struct bpf_prog_info info;
  __u32 len = sizeof info;
  memset(&info, 0, sizeof info);
  bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len);
  printf("{\"prog\":"); jstr(name, 256);
  printf(",\"section\":"); jstr(bpf_program__section_name(p), 256);
  printf(",\"type\":%d,\"err\":0,\"xlated\":%u,\"jited\":%u,\"insns\":%u", (int)bpf_program__type(p), info.xlated_prog_len, info.jited_prog_len, info.verified_insns);
  printf(",\"stats\":"); jstr(stats, 512);
  printf(",\"log\":\"\"}\n");
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  setvbuf(stdout, NULL, _IOLBF, 0);
  libbpf_set_print(keep_warnings);
  logbuf = malloc(LOG_SIZE);
  if (!logbuf) return 3;
  struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
  if (!obj) {
    int open_err = errno;
    printf("{\"open\":%d,\"libbpf\":", open_err); jtail(warnings); printf("}\n");
    return 1;
  }
  char *names[MAX_PROGS];
  int n = 0;
  struct bpf_program *p;
  /* First all programs together, each with a small level-4 log of its own: when the verifier
     accepts them all (the usual case), one load gives every verdict and the attach. The vmlinux
     BTF libbpf reads for CO-RE costs seconds under emulation, so every load counts. */
  static char stats_logs[MAX_PROGS][4096];
  bpf_object__for_each_program(p, obj) {
    if (n >= MAX_PROGS) { bpf_program__set_autoload(p, false); continue; }
    names[n] = strdup(bpf_program__name(p));
    stats_logs[n][0] = 0;
    bpf_program__set_log_buf(p, stats_logs[n], sizeof stats_logs[n]);
    bpf_program__set_log_level(p, 4);
    n++;
  }
  int loaded[MAX_PROGS] = {0};
  int together = bpf_object__load(obj) == 0;
  if (together) {
    int i = 0;
    bpf_object__for_each_program(p, obj) {
      if (i >= n) break;
      char stats[512];
      stats_line(stats_logs[i], stats, sizeof stats);
      print_loaded(p, names[i], stats);
      loaded[i++] = 1;
    }
  } else {
    bpf_object__close(obj);
    obj = NULL;
    for (int i = 0; i < n; i++) {
      warnings[0] = 0;
      struct bpf_object *one = open_only(argv[1], names[i], 4);
      if (!one) { printf("{\"prog\":"); jstr(names[i], 256); printf(",\"err\":%d,\"log\":\"\"}\n", errno); continue; }
      int err = bpf_object__load(one);
      char stats[512];
      stats_line(logbuf, stats, sizeof stats);
      p = bpf_object__find_program_by_name(one, names[i]);
      if (!err) {
        print_loaded(p, names[i], stats);
        loaded[i] = 1;
        bpf_object__close(one);
        continue;
      }
      printf("{\"prog\":"); jstr(names[i], 256);
      printf(",\"section\":"); jstr(bpf_program__section_name(p), 256);
      printf(",\"type\":%d", (int)bpf_program__type(p));
      strncpy(log4, strlen(logbuf) > TAIL ? logbuf + strlen(logbuf) - TAIL : logbuf, TAIL);
      log4[TAIL] = 0;
      bpf_object__close(one);
      /* Again with the instruction log: its last lines carry the source annotations. */
      one = open_only(argv[1], names[i], 1);
      int err1 = one ? bpf_object__load(one) : -1;
      printf(",\"err\":%d,\"stats\":", -err); jstr(stats, sizeof stats);
      printf(",\"log1err\":%d,\"libbpf\":", err1 < 0 ? -err1 : 0); jtail(warnings);
      printf(",\"log4\":"); jtail(log4);
      printf(",\"log\":"); jtail(logbuf);
      printf("}\n");
      if (one) bpf_object__close(one);
    }
    /* The programs that loaded, loaded together for the attach. */
    obj = bpf_object__open_file(argv[1], NULL);
    if (obj) {
      int i = 0;
      bpf_object__for_each_program(p, obj) {
        if (i >= n || !loaded[i]) bpf_program__set_autoload(p, false);
        i++;
      }
      if (bpf_object__load(obj) != 0) { bpf_object__close(obj); obj = NULL; }
    }
  }

  /* Attached where libbpf knows how from the section name. */
  struct bpf_link *links[MAX_PROGS] = {0};
  int attached = 0;
  if (obj) {
    int i = 0;
    bpf_object__for_each_program(p, obj) {
      if (i < n && loaded[i]) {
        links[i] = bpf_program__attach(p);
        int aerr = links[i] ? 0 : errno;
        printf("{\"attach\":"); jstr(names[i], 256); printf(",\"err\":%d}\n", aerr);
        if (!aerr) attached++;
      }
      i++;
    }
  }
  printf("{\"attached\":%d}\n", attached);
  if (attached) {
    char line[16];
    if (!fgets(line, sizeof line, stdin)) { /* the agent is gone: report anyway */ }
    int i = 0;
    bpf_object__for_each_program(p, obj) {
      if (i < n && links[i]) {
        struct bpf_prog_info info;
        __u32 len = sizeof info;
        memset(&info, 0, sizeof info);
        bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len);
        printf("{\"runs\":"); jstr(names[i], 256); printf(",\"count\":%llu}\n", (unsigned long long)info.run_cnt);
      }
      i++;
    }
  }
  return 0;
}
`;
