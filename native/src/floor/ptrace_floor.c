/*
 * The C ptrace floor for scripts/bench: the fastest a ptrace tracer can emulate the benchmark's trap loop.
 * Same process model and calls per trap as uhv (waitpid, PTRACE_GETREGS, PTRACE_SETREGS,
 * PTRACE_SYSEMU), tracer and child pinned to one CPU, but the "emulation" is a hard-coded switch on
 * the opcode bytes: no decoder, no JVM. uhv's overhead is its time per trap over this one's.
 *
 * The guest loop (the same as guests/src/bench-traps.s):
 *   mov rax, cr0 ; mov ecx, 0xC0000081 ; rdmsr ; wrmsr ; out 0xe9, al ; dec r12 ; jnz loop ; hlt
 *
 * usage: ptrace-floor ITERATIONS CPU     prints: "floor: TRAPS traps, US us/trap"
 *        ptrace-floor compute STEPS CPU   runs guests/src/bench-compute.s's loop natively and
 *                                         prints: "native: STEPS steps, S s, result=0x..."
 */
#include "floor.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif

#define GUEST_BASE 0x100000UL

/* The same dependent multiply-add chain as bench-compute.s, in the same instructions. */
static int compute(long steps, int cpu) {
    floor_pin(cpu);
    uint64_t x = 1, a = 6364136223846793005ULL, c = 1442695040888963407ULL;
    double t0 = floor_now();
    __asm__ volatile("1: imul %[a], %[x]\n\t"
                     "add %[c], %[x]\n\t"
                     "dec %[n]\n\t"
                     "jnz 1b"
                     : [x] "+r"(x), [n] "+r"(steps)
                     : [a] "r"(a), [c] "r"(c)
                     : "cc");
    printf("native: %.6f s, result=0x%016llx\n", floor_now() - t0, (unsigned long long)x);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "compute") == 0) {
        return compute(argc > 2 ? atol(argv[2]) : 1200000000L, argc > 3 ? atoi(argv[3]) : 0);
    }
    long iterations = argc > 1 ? atol(argv[1]) : 100000;
    int cpu = argc > 2 ? atoi(argv[2]) : 0;
    static const unsigned char loop[] = {
        0x0f, 0x20, 0xc0,                   /* mov rax, cr0 */
        0xb9, 0x81, 0x00, 0x00, 0xc0,       /* mov ecx, 0xc0000081 */
        0x0f, 0x32,                         /* rdmsr */
        0x0f, 0x30,                         /* wrmsr */
        0xe6, 0xe9,                         /* out 0xe9, al */
        0x49, 0xff, 0xcc,                   /* dec r12 */
        0x75, 0xed,                         /* jnz loop */
        0xf4,                               /* hlt */
    };
    unsigned char *code = mmap((void *)GUEST_BASE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    memcpy(code, loop, sizeof loop);
    floor_pin(cpu);
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        _exit(1);
    }
    int st;
    waitpid(pid, &st, 0);
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL);
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, pid, 0, &r);
    r.rip = GUEST_BASE;
    r.r12 = (unsigned long long)iterations;
    r.orig_rax = (unsigned long long)-1;
    ptrace(PTRACE_SETREGS, pid, 0, &r);
    uint64_t star = 0, cr0 = 0x80010033;
    long traps = 0;
    double t0 = floor_now();
    for (;;) {
        ptrace(PTRACE_SYSEMU, pid, 0, 0);
        waitpid(pid, &st, 0);
        if (!WIFSTOPPED(st)) {
            fprintf(stderr, "floor: child ended unexpectedly\n");
            return 1;
        }
        ptrace(PTRACE_GETREGS, pid, 0, &r);
        const unsigned char *ip = (const unsigned char *)r.rip;
        unsigned len;
        if (ip[0] == 0x0f && ip[1] == 0x20) {
            r.rax = cr0;
            len = 3;
        } else if (ip[0] == 0x0f && ip[1] == 0x32) {
            r.rax = star & 0xffffffffu;
            r.rdx = star >> 32;
            len = 2;
        } else if (ip[0] == 0x0f && ip[1] == 0x30) {
            star = (r.rdx << 32) | (r.rax & 0xffffffffu);
            len = 2;
        } else if (ip[0] == 0xe6) {
            len = 2;
        } else if (ip[0] == 0xf4) {
            break;
        } else {
            fprintf(stderr, "floor: unexpected stop (signal %d) at %llx\n", WSTOPSIG(st), r.rip);
            return 1;
        }
        r.rip += len;
        ptrace(PTRACE_SETREGS, pid, 0, &r);
        traps++;
    }
    double us = (floor_now() - t0) / (double)traps * 1e6;
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    printf("floor: %ld traps, %.3f us/trap\n", traps, us);
    return 0;
}
