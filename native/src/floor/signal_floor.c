/*
 * The signal floor for scripts/bench: the least a trap costs on this host when it never leaves the
 * process. Each `mov rax, cr0` raises #GP at CPL3; the kernel delivers SIGSEGV to this process's own
 * handler, which "emulates" it in the signal frame (rax = CR0, rip past the 3 bytes) and returns
 * through sigreturn. No second process, no ptrace, no decoder: a transport that hands traps to
 * another process (uhv's fast one) pays this plus its hand-off. Pinned to one CPU like the others.
 *
 * usage: signal-floor ITERATIONS CPU     prints: "signal floor: TRAPS traps, US us/trap"
 */
#include "floor.h"

#include <stdint.h>
#include <ucontext.h>

#define CR0 0x80010033UL

static volatile long traps;

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)info;
    ucontext_t *uc = context;
    greg_t *r = uc->uc_mcontext.gregs;
    const unsigned char *ip = (const unsigned char *)r[REG_RIP];
    if (ip[0] != 0x0f || ip[1] != 0x20 || ip[2] != 0xc0) {
        signal(sig, SIG_DFL); /* not ours: return to the fault and die of it */
        return;
    }
    r[REG_RAX] = (greg_t)CR0;
    r[REG_RIP] += 3;
    traps++;
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 100000;
    int cpu = argc > 2 ? atoi(argv[2]) : 0;
    floor_on_segv(on_segv);
    floor_pin(cpu);
    uint64_t rax = 0;
    double t0 = floor_now();
    for (long i = 0; i < iterations; i++) {
        __asm__ volatile(".byte 0x0f, 0x20, 0xc0" /* mov rax, cr0 */ : "=a"(rax) : : "memory");
    }
    double us = (floor_now() - t0) / (double)traps * 1e6;
    if (traps != iterations || rax != CR0) {
        fprintf(stderr, "signal floor: %ld traps for %ld iterations, rax=0x%llx\n", traps, iterations,
                (unsigned long long)rax);
        return 1;
    }
    printf("signal floor: %ld traps, %.3f us/trap\n", traps, us);
    return 0;
}
