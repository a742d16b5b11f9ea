/*
 * What the C floors for scripts/bench share: a monotonic clock, pinning to one CPU (every floor
 * pins, as uhv does: HOST.md finds it worth 5x here) and installing a SIGSEGV handler.
 */
#ifndef UHV_FLOOR_H
#define UHV_FLOOR_H

#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double floor_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Pins the calling thread (and what it forks later) to cpu; a negative cpu leaves it unpinned. */
static inline void floor_pin(int cpu) {
    if (cpu < 0) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        perror("sched_setaffinity");
        exit(1);
    }
}

/* Installs handler (SA_SIGINFO) for SIGSEGV, or exits. */
static inline void floor_on_segv(void (*handler)(int, siginfo_t *, void *)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0) {
        perror("sigaction");
        exit(1);
    }
}

#endif
