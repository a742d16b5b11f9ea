/*
 * What the C floors for scripts/bench share: a monotonic clock and pinning to one CPU, which every
 * floor does as uhv does (HOST.md: pinning tracer and guest to one CPU is worth 5x here).
 */
#ifndef UHV_FLOOR_H
#define UHV_FLOOR_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
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

#endif
