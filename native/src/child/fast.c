/*
 * The fast transport in uhv-child: no ptrace stop while the guest runs. A guest instruction that
 * faults (SIGSEGV, SIGILL, SIGTRAP, SIGFPE, SIGBUS), a guest system call (SIGSYS from the seccomp
 * wall's RET_TRAP) and uhv's poke (SIGUSR1) all enter on_trap, on an alternate stack outside guest
 * RAM (the guest's rsp can be anything). It copies the interrupted registers to the trap page in
 * ptrace's layout, posts them to uhv and waits for the answer, then returns to the guest with the
 * registers uhv wrote; sigreturn loads them.
 *
 * The handler runs with the guest's FS and GS bases still loaded, so it must not touch TLS: no libc
 * calls, no stack protector (the Makefile builds this file with -fno-stack-protector); its system
 * calls go through fast_syscall, whose address the seccomp wall checks.
 */
#define _GNU_SOURCE
#include "fast.h"

#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>

#ifndef UC_STRICT_RESTORE_SS
#define UC_STRICT_RESTORE_SS 0x4
#endif
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

enum { ALT_STACK_SIZE = 64 * 1024 };

static struct trap_page *page;

long uhv_fast_syscall(long nr, long a1, long a2, long a3, long a4, long a5);
extern const char uhv_fast_restorer[];
__asm__(".text\n"
        "uhv_fast_syscall:\n"
        "    mov %rdi, %rax\n"
        "    mov %rsi, %rdi\n"
        "    mov %rdx, %rsi\n"
        "    mov %rcx, %rdx\n"
        "    mov %r8, %r10\n"
        "    mov %r9, %r8\n"
        "    syscall\n"
        ".globl uhv_fast_syscall_ip\n"
        "uhv_fast_syscall_ip:\n"
        "    ret\n"
        "uhv_fast_restorer:\n"
        "    mov $15, %eax\n" /* rt_sigreturn */
        "    syscall\n"
        ".globl uhv_fast_restorer_ip\n"
        "uhv_fast_restorer_ip:\n"
        "    ud2\n");

/* One more post: seq_cst, so that the read of parent_waiting cannot pass it (uhv announces its sleep
 * before it sleeps, and its futex_wait rechecks trap_seq: no wake-up is lost). */
static uint32_t post(struct trap_page *p) {
    uint32_t seq = __atomic_add_fetch(&p->trap_seq, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&p->parent_waiting, __ATOMIC_SEQ_CST)) {
        uhv_fast_syscall(SYS_futex, (long)&p->trap_seq, FUTEX_WAKE, 1, 0, 0);
    }
    return seq;
}

/* Spins spin_limit polls (uhv answers within a microsecond or two on another CPU), then sleeps. */
static void wait_reply(struct trap_page *p, uint32_t seq) {
    uint32_t spins = __atomic_load_n(&p->spin_limit, __ATOMIC_RELAXED);
    for (uint32_t i = 0; i < spins; i++) {
        if (__atomic_load_n(&p->reply_seq, __ATOMIC_ACQUIRE) == seq) {
            return;
        }
        __builtin_ia32_pause();
    }
    for (;;) {
        __atomic_store_n(&p->child_waiting, 1, __ATOMIC_SEQ_CST);
        uint32_t seen = __atomic_load_n(&p->reply_seq, __ATOMIC_SEQ_CST);
        if (seen == seq) {
            break;
        }
        uhv_fast_syscall(SYS_futex, (long)&p->reply_seq, FUTEX_WAIT, seen, 0, 0);
    }
    __atomic_store_n(&p->child_waiting, 0, __ATOMIC_RELAXED);
}

static inline uint64_t read_fs_base(void) {
    uint64_t v;
    __asm__ volatile("rdfsbase %0" : "=r"(v));
    return v;
}

static inline uint64_t read_gs_base(void) {
    uint64_t v;
    __asm__ volatile("rdgsbase %0" : "=r"(v));
    return v;
}

#define READ_SEGMENT(name)                                                                         \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mov %%" #name ", %k0" : "=r"(v_));                                        \
        v_ & 0xffff;                                                                               \
    })

/* Stores only what changed: a register line of the page that the trap left alone stays shared with
 * uhv's CPU, and uhv's read of it is a hit there instead of a transfer from this CPU. */
#define PUT(field, value)                                                                          \
    do {                                                                                           \
        uint64_t v_ = (uint64_t)(value);                                                           \
        if ((field) != v_) {                                                                       \
            (field) = v_;                                                                          \
        }                                                                                          \
    } while (0)

static void save_registers(struct user_regs_struct *r, const greg_t *g, int sig) {
    PUT(r->r15, g[REG_R15]);
    PUT(r->r14, g[REG_R14]);
    PUT(r->r13, g[REG_R13]);
    PUT(r->r12, g[REG_R12]);
    PUT(r->rbp, g[REG_RBP]);
    PUT(r->rbx, g[REG_RBX]);
    PUT(r->r11, g[REG_R11]);
    PUT(r->r10, g[REG_R10]);
    PUT(r->r9, g[REG_R9]);
    PUT(r->r8, g[REG_R8]);
    PUT(r->rcx, g[REG_RCX]);
    PUT(r->rdx, g[REG_RDX]);
    PUT(r->rsi, g[REG_RSI]);
    PUT(r->rdi, g[REG_RDI]);
    /* A SIGSYS from RET_TRAP shows rax rolled back to the call's number; ptrace's SYSEMU stop shows it
     * in orig_rax with rax = -ENOSYS. uhv sees the ptrace form from both transports. */
    PUT(r->orig_rax, sig == SIGSYS ? (uint64_t)g[REG_RAX] : (uint64_t)-1);
    PUT(r->rax, sig == SIGSYS ? (uint64_t)-ENOSYS : (uint64_t)g[REG_RAX]);
    PUT(r->rip, g[REG_RIP]);
    PUT(r->eflags, g[REG_EFL]);
    PUT(r->rsp, g[REG_RSP]);
    uint64_t csgsfs = (uint64_t)g[REG_CSGSFS]; /* cs, gs, fs, ss: 16 bits each (struct sigcontext) */
    PUT(r->cs, csgsfs & 0xffff);
    PUT(r->ss, csgsfs >> 48);
    PUT(r->fs_base, read_fs_base());
    PUT(r->gs_base, read_gs_base());
    PUT(r->ds, READ_SEGMENT(ds));
    PUT(r->es, READ_SEGMENT(es));
    PUT(r->fs, READ_SEGMENT(fs));
    PUT(r->gs, READ_SEGMENT(gs));
}

/* The data segments and the FS/GS bases are not in the signal frame: they are loaded here, the
 * selectors first (loading FS or GS sets its base from the descriptor), then the bases. */
/* Loads a selector into a segment register unless it holds it already. */
#define LOAD_SEGMENT(name, selector)                                                               \
    do {                                                                                           \
        uint64_t s_ = (selector) & 0xffff;                                                         \
        if (s_ != READ_SEGMENT(name)) {                                                            \
            __asm__ volatile("mov %k0, %%" #name : : "r"(s_));                                    \
        }                                                                                          \
    } while (0)

static void load_segments(const struct user_regs_struct *r) {
    LOAD_SEGMENT(ds, r->ds);
    LOAD_SEGMENT(es, r->es);
    LOAD_SEGMENT(fs, r->fs);
    LOAD_SEGMENT(gs, r->gs);
    if (r->fs_base != read_fs_base()) {
        __asm__ volatile("wrfsbase %0" : : "r"(r->fs_base));
    }
    if (r->gs_base != read_gs_base()) {
        __asm__ volatile("wrgsbase %0" : : "r"(r->gs_base));
    }
}

static void load_registers(const struct user_regs_struct *r, ucontext_t *uc) {
    greg_t *g = uc->uc_mcontext.gregs;
    g[REG_R15] = r->r15;
    g[REG_R14] = r->r14;
    g[REG_R13] = r->r13;
    g[REG_R12] = r->r12;
    g[REG_RBP] = r->rbp;
    g[REG_RBX] = r->rbx;
    g[REG_R11] = r->r11;
    g[REG_R10] = r->r10;
    g[REG_R9] = r->r9;
    g[REG_R8] = r->r8;
    g[REG_RAX] = r->rax;
    g[REG_RCX] = r->rcx;
    g[REG_RDX] = r->rdx;
    g[REG_RSI] = r->rsi;
    g[REG_RDI] = r->rdi;
    g[REG_RIP] = r->rip;
    g[REG_EFL] = r->eflags; /* sigreturn takes only the flags user code may change, as SETREGS does */
    g[REG_RSP] = r->rsp;
    uint64_t csgsfs = (uint64_t)g[REG_CSGSFS];
    g[REG_CSGSFS] = (greg_t)((csgsfs & 0x0000ffffffff0000ull) | (r->cs & 0xffff) | ((r->ss & 0xffff) << 48));
    uc->uc_flags |= UC_STRICT_RESTORE_SS; /* take SS as given, in 64-bit code too */
    load_segments(r);
}

static void on_trap(int sig, siginfo_t *si, void *context) {
    struct trap_page *p = page;
    ucontext_t *uc = context;
    save_registers(&p->regs, uc->uc_mcontext.gregs, sig);
    p->signal = (uint32_t)sig;
    p->code = si->si_code;
    p->address = (uint64_t)si->si_addr; /* si_call_addr for SIGSYS: the same place in siginfo_t */
    uint32_t seq = post(p);
    for (;;) {
        wait_reply(p, seq);
        if (__atomic_load_n(&p->command, __ATOMIC_RELAXED) != TRAP_COMMAND_MPROTECT) {
            break;
        }
        p->result = uhv_fast_syscall(SYS_mprotect, (long)p->arg[0], (long)p->arg[1], (long)p->arg[2], 0, 0);
        p->signal = 0;
        seq = post(p);
    }
    load_registers(&p->regs, uc);
}

/* The kernel's struct sigaction (rt_sigaction(2)): glibc's would put its own restorer there. */
struct kernel_sigaction {
    void *handler; /* a sa_sigaction, or SIG_IGN */
    unsigned long flags;
    const void *restorer;
    uint64_t mask;
};

struct trap_page *fast_install(int page_fd) {
    struct trap_page *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    void *alt = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (alt == MAP_FAILED) {
        return NULL;
    }
    stack_t ss = {.ss_sp = alt, .ss_size = ALT_STACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        return NULL;
    }
    page = p;
    static const int signals[] = {SIGSEGV, SIGILL, SIGTRAP, SIGFPE, SIGBUS, SIGSYS, SIGUSR1};
    struct kernel_sigaction sa = {
        .handler = (void *)on_trap,
        .flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
        .restorer = uhv_fast_restorer,
        .mask = ~0ull, /* one trap at a time: a poke waits until the handler has returned */
    };
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (syscall(SYS_rt_sigaction, signals[i], &sa, NULL, sizeof sa.mask) != 0) {
            return NULL;
        }
    }
    /* Any other signal that reaches the child (a terminal's SIGINT or SIGWINCH, someone's SIGTERM) is
     * not the guest's: ignored, as the ptrace transport swallows it. SIGKILL and SIGSTOP cannot be. */
    struct kernel_sigaction ignore = {.handler = (void *)SIG_IGN};
    for (int sig = 1; sig <= 64; sig++) {
        int handled = sig == SIGKILL || sig == SIGSTOP;
        for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
            handled |= sig == signals[i];
        }
        if (!handled) {
            syscall(SYS_rt_sigaction, sig, &ignore, NULL, sizeof ignore.mask);
        }
    }
    return p;
}

void fast_first_trap(struct trap_page *p, unsigned long active) {
    p->active = (uint32_t)active;
    p->version = TRAP_PAGE_VERSION;
    __atomic_store_n(&p->magic, TRAP_PAGE_MAGIC, __ATOMIC_RELEASE);
    for (;;) {
        __asm__ volatile("ud2"); /* SIGILL: uhv answers with the guest's first registers */
    }
}
