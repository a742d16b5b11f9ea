/*
 * The hand-off floor for scripts/bench: a trap forwarded to another process without ptrace, the
 * model of uhv's fast transport. The child's own SIGSEGV handler copies the signal frame's general
 * registers to a page shared with the parent, wakes it and sleeps (futex); the parent "emulates"
 * `mov rax, cr0` on that copy (rax = CR0, rip past the 3 bytes) and wakes the child, whose handler
 * copies the registers back into its frame and returns through sigreturn. Both pinned to one CPU,
 * so each trap is a signal delivery, two futex wake/wait pairs and two context switches.
 *
 * usage: handoff-floor ITERATIONS CPU    prints: "handoff floor: TRAPS traps, US us/trap"
 */
#include "floor.h"

#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define CR0 0x80010033UL

/* The shared page: each side bumps its own sequence number and waits on the other's. */
struct handoff {
    _Atomic uint32_t posted;   /* traps the child has posted */
    _Atomic uint32_t answered; /* traps the parent has answered */
    greg_t regs[NGREG];
};

static struct handoff *shared;

static void futex_wake(_Atomic uint32_t *word) {
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Sleeps while *word == seen. */
static void futex_wait(_Atomic uint32_t *word, uint32_t seen) {
    while (atomic_load(word) == seen) {
        syscall(SYS_futex, word, FUTEX_WAIT, seen, NULL, NULL, 0);
    }
}

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)info;
    ucontext_t *uc = context;
    uint32_t n = atomic_load(&shared->answered);
    memcpy(shared->regs, uc->uc_mcontext.gregs, sizeof shared->regs);
    atomic_store(&shared->posted, n + 1);
    futex_wake(&shared->posted);
    futex_wait(&shared->answered, n);
    memcpy(uc->uc_mcontext.gregs, shared->regs, sizeof shared->regs);
}

static void child(long iterations) {
    floor_on_segv(on_segv);
    uint64_t rax = 0;
    for (long i = 0; i < iterations; i++) {
        __asm__ volatile(".byte 0x0f, 0x20, 0xc0" /* mov rax, cr0 */ : "=a"(rax) : : "memory");
    }
    _exit(rax == CR0 ? 0 : 1);
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 100000;
    int cpu = argc > 2 ? atoi(argv[2]) : 0;
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    floor_pin(cpu);
    double t0 = floor_now(); /* the fork is in the time: tens of µs over the whole run */
    pid_t pid = fork();
    if (pid == 0) {
        child(iterations);
    }
    long traps = 0;
    for (uint32_t seen = 0; traps < iterations; traps++) {
        futex_wait(&shared->posted, seen);
        seen = atomic_load(&shared->posted);
        /* The child's code is this program's: the bytes at its rip are at the same address here. */
        const unsigned char *ip = (const unsigned char *)shared->regs[REG_RIP];
        if (ip[0] != 0x0f || ip[1] != 0x20 || ip[2] != 0xc0) {
            fprintf(stderr, "handoff floor: unexpected trap at %llx\n", (unsigned long long)shared->regs[REG_RIP]);
            kill(pid, SIGKILL);
            return 1;
        }
        shared->regs[REG_RAX] = (greg_t)CR0;
        shared->regs[REG_RIP] += 3;
        atomic_store(&shared->answered, seen);
        futex_wake(&shared->answered);
    }
    double us = (floor_now() - t0) / (double)traps * 1e6;
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "handoff floor: the child did not finish cleanly (status 0x%x)\n", st);
        return 1;
    }
    printf("handoff floor: %ld traps, %.3f us/trap\n", traps, us);
    return 0;
}
