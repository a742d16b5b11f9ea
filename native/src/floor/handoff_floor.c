/*
 * The hand-off floor for scripts/bench: a trap forwarded to another process without ptrace, the
 * model of uhv's fast transport (native/src/child/fast.c, TrapExchange.java) with nothing else. The
 * child's own SIGSEGV handler copies the signal frame's general registers to a page shared with the
 * parent and posts them; the parent "emulates" `mov rax, cr0` on that copy (rax = CR0, rip past the
 * 3 bytes) and answers; the handler copies the registers back into its frame and returns through
 * sigreturn. As uhv does, the child runs on the CPU given and the parent on another one where there
 * is one (the highest other CPU it may use); then each side polls for a while before it sleeps on a
 * futex, and wakes the other only when that one said it sleeps. On one CPU both just sleep.
 *
 * usage: handoff-floor ITERATIONS CPU    prints: "handoff floor: TRAPS traps, US us/trap"
 */
#include "floor.h"

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define CR0 0x80010033UL
/* Polls before sleeping when the sides have a CPU each: about 100 µs of pause here, as uhv's. */
#define SPIN_POLLS 4000

/* The shared page: each side bumps its own sequence number and waits on the other's. */
struct handoff {
    _Atomic uint32_t posted;   /* traps the child has posted */
    _Atomic uint32_t answered; /* traps the parent has answered */
    _Atomic uint32_t parent_sleeps;
    _Atomic uint32_t child_sleeps;
    greg_t regs[NGREG];
};

static struct handoff *shared;
static int spin;

/* Stores value in *word and wakes the other side if it said it sleeps on it. Both seq_cst: either
 * this sees the sleeper's flag or the sleeper's recheck sees value (no lost wake-up). */
static void publish(_Atomic uint32_t *word, uint32_t value, _Atomic uint32_t *sleeps) {
    atomic_store(word, value);
    if (atomic_load(sleeps)) {
        syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
}

/* Waits while *word == seen: polls first when spinning, then sleeps with its flag in *sleeps. */
static void await(_Atomic uint32_t *word, uint32_t seen, _Atomic uint32_t *sleeps) {
    for (int i = 0; spin && i < SPIN_POLLS; i++) {
        if (atomic_load_explicit(word, memory_order_acquire) != seen) {
            return;
        }
        __builtin_ia32_pause();
    }
    for (;;) {
        atomic_store(sleeps, 1);
        if (atomic_load(word) != seen) {
            break;
        }
        syscall(SYS_futex, word, FUTEX_WAIT, seen, NULL, NULL, 0);
    }
    atomic_store(sleeps, 0);
}

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)info;
    ucontext_t *uc = context;
    uint32_t n = atomic_load(&shared->answered);
    memcpy(shared->regs, uc->uc_mcontext.gregs, sizeof shared->regs);
    publish(&shared->posted, n + 1, &shared->parent_sleeps);
    await(&shared->answered, n, &shared->child_sleeps);
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

/* The highest CPU other than cpu that this process may use, or cpu if there is none. */
static int neighbour_cpu(int cpu) {
    cpu_set_t set;
    if (cpu < 0 || sched_getaffinity(0, sizeof set, &set) != 0) {
        return cpu;
    }
    for (int c = CPU_SETSIZE - 1; c >= 0; c--) {
        if (c != cpu && CPU_ISSET(c, &set)) {
            return c;
        }
    }
    return cpu;
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 100000;
    int cpu = argc > 2 ? atoi(argv[2]) : 0;
    int parent_cpu = neighbour_cpu(cpu);
    spin = parent_cpu != cpu;
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
    floor_pin(parent_cpu);
    long traps = 0;
    for (uint32_t seen = 0; traps < iterations; traps++) {
        await(&shared->posted, seen, &shared->parent_sleeps);
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
        publish(&shared->answered, seen, &shared->child_sleeps);
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
