/*
 * Confinement probe for the seccomp proof (test/profiles/engine.test.ts). Built with
 * `gcc -static -nostdlib -O2`: no libc, so the only syscalls it makes are the ones it tests, write(2) and
 * exit_group(2); it runs under any profile that lets a container start. For each call it prints NAME=ERRNO
 * (0 when the call succeeded):
 *   unshare      unshare(CLONE_NEWUSER)                    what `unshare -U` does
 *   mount        mount("none", "/mnt", "tmpfs", 0, 0)       what `mount -t tmpfs none /mnt` does
 *   keyctl       keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0)    what `keyctl session` does
 *   add_key      add_key("user", "bw", "x", 1, KEY_SPEC_PROCESS_KEYRING)
 * and three calls whose arguments are invalid, so that the kernel itself answers EINVAL / EFAULT /
 * EOPNOTSUPP when no filter stops them first: an EPERM there comes from the seccomp filter, not from a
 * missing capability.
 *   unshare_bad  unshare(0x1)                              EINVAL without a filter
 *   mount_bad    mount(NULL, NULL, (char *)1, 0, 0)        EFAULT without a filter
 *   keyctl_bad   keyctl(0x7fff, 0)                         EOPNOTSUPP without a filter
 */
#define SYS_write 1
#define SYS_mount 165
#define SYS_add_key 248
#define SYS_keyctl 250
#define SYS_unshare 272
#define SYS_exit_group 231

static long sys6(long n, long a, long b, long c, long d, long e) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
  return ret;
}

static void out(const char *s) {
  long n = 0;
  while (s[n]) n++;
  sys6(SYS_write, 1, (long)s, n, 0, 0);
}

static void report(const char *name, long r) {
  char buf[16];
  int i = 15;
  long e = r < 0 && r > -4096 ? -r : 0;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + e % 10);
    e /= 10;
  } while (e);
  out(name);
  out("=");
  out(buf + i);
  out(" ");
}

void _start(void) {
  report("unshare", sys6(SYS_unshare, 0x10000000, 0, 0, 0, 0));
  report("mount", sys6(SYS_mount, (long)"none", (long)"/mnt", (long)"tmpfs", 0, 0));
  report("keyctl", sys6(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, 0, 0, 0, 0));
  report("add_key", sys6(SYS_add_key, (long)"user", (long)"bw", (long)"x", 1, -2 /* KEY_SPEC_PROCESS_KEYRING */));
  report("unshare_bad", sys6(SYS_unshare, 0x1, 0, 0, 0, 0));
  report("mount_bad", sys6(SYS_mount, 0, 0, 1, 0, 0));
  report("keyctl_bad", sys6(SYS_keyctl, 0x7fff, 0, 0, 0, 0));
  out("\n");
  sys6(SYS_exit_group, 0, 0, 0, 0, 0);
  for (;;) {
  }
}
