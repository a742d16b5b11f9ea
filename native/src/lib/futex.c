/*
 * The fast transport's waits on the trap page (see child/trap_page.h) from the JVM: a futex on a
 * word of a MAP_SHARED page, so not FUTEX_PRIVATE (the child waits and wakes on the same words).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Sleeps while *word == expected, at most timeout_ns. Returns 0 when woken, or -errno (EAGAIN: the
 * word had already changed; ETIMEDOUT; EINTR). */
int uhv_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    struct timespec t = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
    long r = syscall(SYS_futex, word, FUTEX_WAIT, expected, &t, NULL, 0);
    return r == 0 ? 0 : -errno;
}

/* Wakes one waiter on word. Returns how many were woken, or -errno. */
int uhv_futex_wake(uint32_t *word) {
    long r = syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
    return r >= 0 ? (int)r : -errno;
}

/* Whether user code may run rdfsbase/wrfsbase here (the kernel enabled CR4.FSGSBASE): the fast
 * transport's handler needs them, as the signal frame does not carry the FS and GS bases. */
int uhv_has_fsgsbase(void) {
#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif
    return (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
}
