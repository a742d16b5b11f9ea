/*
 * uhv-child: the process a guest runs in.
 *
 * uhv starts this small static-pie program (never a copy of the JVM). It makes itself a clean
 * container for guest code and stops; uhv then points rip at the guest and resumes it with
 * PTRACE_SYSEMU. Steps, in order:
 *   1. PTRACE_TRACEME (the tracer is the uhv thread that spawned us) and PDEATHSIG=SIGKILL;
 *   2. pin to one CPU (HOST.md: a trap costs ~10 us pinned against ~48 us across CPUs);
 *   3. map guest RAM (the memfd uhv created) MAP_SHARED at guest-physical addresses, refusing any
 *      overlap (MAP_FIXED_NOREPLACE): guest address == host address;
 *   4. unmap the vDSO and vvar pages, so guest code cannot jump into host code that makes syscalls;
 *   5. ask for CPUID faulting and RDTSC faulting where the host allows them, and install a flat data
 *      segment in its first TLS GDT slot (or else its own LDT), which uhv gives the guest as its
 *      stack segment while it runs at virtual CPL0: a native iretq to ring 3 then shows as a
 *      changed SS;
 *   6. close every file descriptor;
 *   7. install a seccomp filter that kills the process on any system call except the one
 *      kill(self, SIGSTOP) below and uhv's mprotect of guest RAM (uhv_child_mprotect), each from
 *      its own instruction's address: the second wall behind PTRACE_SYSEMU (and the only one for
 *      a transport that does not trace);
 *   8. stop itself with SIGSTOP, reporting in r12 which faulting features are active and in r13
 *      where uhv_child_mprotect is (this program is position-independent).
 *
 * With FLAG_NX_RAM guest RAM is mapped without execute permission: the code scanner makes each page
 * executable once it has scanned it, through uhv_child_mprotect, which uhv runs by pointing rip at
 * it and resuming with PTRACE_CONT (so that its syscall really executes; a guest's syscall never
 * does under PTRACE_SYSEMU) and which ends in int3, a stop where uhv takes the result from rax.
 *
 * With FLAG_FAST (the fast transport) it is not traced at all: step 1 skips TRACEME, it maps the trap
 * page (PAGE_FD) and installs its own signal handlers (fast.c), its seccomp wall traps the guest's
 * system calls instead of killing (install_fast_wall), and instead of step 8 it hands uhv its first
 * trap through the trap page.
 *
 * usage: uhv-child MEMFD MAP_ADDR MAP_LEN FILE_OFFSET CPU FLAGS PAGE_FD
 *        (numbers in hex; CPU -1 = unpinned; PAGE_FD -1 without FLAG_FAST)
 * Exit codes before the stop name the step that failed (see ChildSetupException in Java).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/ldt.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fast.h"

#ifndef ARCH_SET_CPUID
#define ARCH_SET_CPUID 0x1012
#endif

enum {
    EXIT_USAGE = 10,
    EXIT_TRACEME = 11,
    EXIT_AFFINITY = 12,
    EXIT_MAP_RAM = 13,
    EXIT_UNMAP_VDSO = 14,
    EXIT_SECCOMP = 15,
    EXIT_STOP = 16,
    EXIT_CLOSE_FDS = 17,
    EXIT_FAST_SETUP = 18,
};

enum { FLAG_CPUID_FAULT = 1, FLAG_TSC_FAULT = 2, FLAG_NX_RAM = 4, FLAG_FAST = 8 };

/* Reported to uhv in r12 at the stop. */
enum { ACTIVE_CPUID_FAULT = 1, ACTIVE_TSC_FAULT = 2, ACTIVE_KERNEL_SS_GDT = 4, ACTIVE_KERNEL_SS_LDT = 8 };

/* Where the stack segment for virtual CPL0 went: GDT entry 12, the first TLS slot (selector 0x63),
 * or entry 0 of an LDT of the child's own (selector 0x7). The TLS slot costs nothing (the kernel
 * reloads those GDT entries on every switch anyway); an LDT is reloaded on each switch to the
 * child, which costs ~2 us per trap on these hosts, so it is only the fallback. */
enum { TLS_ENTRY = 12, IA32_SET_THREAD_AREA = 243 };

static void flat_data_segment(struct user_desc *d, unsigned int entry) {
    memset(d, 0, sizeof *d);
    d->entry_number = entry;
    d->base_addr = 0;
    d->limit = 0xfffff;
    d->seg_32bit = 1;
    d->contents = 0;
    d->read_exec_only = 0;
    d->limit_in_pages = 1;
    d->seg_not_present = 0;
    d->useable = 1;
}

/* Returns ACTIVE_KERNEL_SS_GDT, ACTIVE_KERNEL_SS_LDT or 0. set_thread_area exists only as an i386
 * call (int 0x80, where the host has IA-32 emulation), which takes a 32-bit pointer. */
static unsigned long install_kernel_stack_segment(void) {
    struct user_desc *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                                 -1, 0);
    if (low != MAP_FAILED) {
        flat_data_segment(low, TLS_ENTRY);
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"((long)IA32_SET_THREAD_AREA), "b"((long)low) : "memory");
        munmap(low, 4096);
        if (ret == 0) {
            return ACTIVE_KERNEL_SS_GDT;
        }
    }
    struct user_desc d;
    flat_data_segment(&d, 0);
    return syscall(SYS_modify_ldt, 1, &d, sizeof d) == 0 ? ACTIVE_KERNEL_SS_LDT : 0;
}

/* Address just past the stop's syscall instruction: seccomp_data.instruction_pointer. */
extern const char uhv_child_stop_ip[];

/* mprotect(rdi, rsi, rdx) for uhv, then a stop; never called from C. */
extern const char uhv_child_mprotect[], uhv_child_mprotect_ip[];
__asm__(".text\n"
        ".globl uhv_child_mprotect\n"
        "uhv_child_mprotect:\n"
        "    syscall\n"
        ".globl uhv_child_mprotect_ip\n"
        "uhv_child_mprotect_ip:\n"
        "    int3\n");

static int fail(int code, const char *what) {
    fprintf(stderr, "uhv-child: %s: %s\n", what, strerror(errno));
    return code;
}

static unsigned long hex(const char *s) {
    return strtoul(s, NULL, 16);
}

static int unmap_host_code_pages(void) {
    /* Read with read(2) into this stack buffer, wiped after: stdio would leave the map's text (where
     * everything of the child is) in a heap buffer that the guest can read. */
    char text[16384];
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t len = 0;
    ssize_t n;
    while (len < sizeof text - 1 && (n = read(fd, text + len, sizeof text - 1 - len)) > 0) {
        len += (size_t)n;
    }
    close(fd);
    text[len] = '\0';
    /* Collect first, unmap after. */
    unsigned long ranges[8][2];
    int count = 0;
    char *save;
    for (char *line = strtok_r(text, "\n", &save); line && count < 8; line = strtok_r(NULL, "\n", &save)) {
        unsigned long lo, hi;
        if ((strstr(line, "[vdso]") || strstr(line, "[vvar")) && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
            ranges[count][0] = lo;
            ranges[count][1] = hi;
            count++;
        }
    }
    explicit_bzero(text, sizeof text);
    for (int i = 0; i < count; i++) {
        if (munmap((void *)ranges[i][0], ranges[i][1] - ranges[i][0]) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Whether the OS enabled XSAVE (CPUID.1:ECX.OSXSAVE), read at the start of main: cpuid may fault
 * once CPUID faulting is on. */
static int os_xsave;

/*
 * Puts the x87, SSE, AVX and AVX-512 registers in their initial state, so that the guest starts with
 * nothing of the child in them (the C library leaves pointers in vector registers). XRSTOR from an
 * area whose header says no component is saved loads each component's initial configuration (SDM
 * Vol. 1, 13.8.1), MXCSR excepted, which comes from the legacy area: 0x1f80, its reset value.
 * Components 0-7 only: not PKRU (9), and not AMX (17, 18), which Linux arms to fault until asked.
 */
static void reset_extended_state(void) {
    static uint8_t area[4096] __attribute__((aligned(64)));
    memset(area, 0, sizeof area);
    uint32_t mxcsr = 0x1f80;
    memcpy(area + 24, &mxcsr, sizeof mxcsr);
    if (os_xsave) {
        __asm__ volatile("xrstor %0" : : "m"(area), "a"(0xffu), "d"(0u));
    } else {
        __asm__ volatile("fxrstor %0" : : "m"(area));
    }
}

/* Loads the low (offset 0) or high (offset 4) half of a 64-bit seccomp_data field and kills
 * unless it equals value. */
#define REQUIRE_HALF(field, half, value)                                                         \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field) + (half)),            \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(value), 1, 0),                                 \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)
#define REQUIRE64(field, value) REQUIRE_HALF(field, 0, (value)), REQUIRE_HALF(field, 4, (uint64_t)(value) >> 32)
enum { REQUIRE64_LEN = 6 };

/* Kills unless the low half of a 64-bit seccomp_data field is in [lo, hi) and its high half is 0. */
#define REQUIRE_BELOW_4G_RANGE(field, lo, hi)                                                     \
    REQUIRE_HALF(field, 4, 0),                                                                    \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field)),                      \
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)(lo), 1, 0),                                    \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),                                          \
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)(hi), 0, 1),                                    \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)

/* Kills unless the call is an x86-64 one, then loads its number. */
#define REQUIRE_X86_64_LOAD_NR                                                                    \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),                      \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),                                 \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),                                          \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))

/* Kills unless this mprotect comes from the instruction before ip, lies inside guest RAM (start and
 * end: both below 4 GiB, so their 32-bit sum cannot wrap) and asks for read-write, read-execute or
 * read-write-execute; else allows it. Only at a filter's end: nothing jumps over it. */
#define REQUIRE_MPROTECT_OF_RAM(ip, ram, ram_len)                                                 \
    REQUIRE64(instruction_pointer, (uintptr_t)(ip)),                                              \
    REQUIRE_BELOW_4G_RANGE(args[0], (ram), (ram) + (ram_len)),                                    \
    REQUIRE_BELOW_4G_RANGE(args[1], 1, (ram_len) + 1),                                            \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),                   \
    BPF_STMT(BPF_MISC | BPF_TAX, 0),                                                              \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),                   \
    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),                                                       \
    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)((ram) + (ram_len)), 0, 1),                     \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),                                          \
    REQUIRE_HALF(args[2], 4, 0),                                                                  \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),                   \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROT_READ | PROT_WRITE, 3, 0),                             \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROT_READ | PROT_EXEC, 2, 0),                              \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROT_READ | PROT_WRITE | PROT_EXEC, 1, 0),                 \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),                                          \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static int load_filter(struct sock_filter *filter, size_t len) {
    struct sock_fprog prog = {.len = (unsigned short)len, .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return -1;
    }
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/*
 * Allows kill(self, SIGSTOP) from the stop's syscall and, from uhv_child_mprotect's syscall only,
 * mprotect of a range inside guest RAM to read-write, read-execute or read-write-execute; kills on
 * everything else.
 */
static int install_seccomp_wall(pid_t self, unsigned long ram, unsigned long ram_len) {
    enum { STOP_BLOCK_LEN = 3 * REQUIRE64_LEN + 1 }; /* the kill checks below, to skip them */
    struct sock_filter filter[] = {
        REQUIRE_X86_64_LOAD_NR,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kill, 0, STOP_BLOCK_LEN),
        REQUIRE64(instruction_pointer, (uintptr_t)uhv_child_stop_ip),
        REQUIRE64(args[0], (uint64_t)(int64_t)self),
        REQUIRE64(args[1], SIGSTOP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        REQUIRE_MPROTECT_OF_RAM(uhv_child_mprotect_ip, ram, ram_len),
    };
    return load_filter(filter, sizeof filter / sizeof filter[0]);
}

/*
 * The fast transport's wall (no ptrace: this is the only one). A system call from guest RAM is the
 * guest's: RET_TRAP turns it into a SIGSYS for the handler, whatever its ABI (syscall, int 0x80).
 * From anywhere else only the handler's own calls are allowed, each from its own instruction:
 * rt_sigreturn from its restorer, futex on the trap page's two words (wait or wake) and mprotect of
 * guest RAM (as in the ptrace wall) from fast_syscall. Everything else kills: the vsyscall page,
 * and guest code that jumps into uhv-child's text or libc.
 */
static int install_fast_wall(const struct trap_page *page, unsigned long ram, unsigned long ram_len) {
    uint64_t trap_seq = (uintptr_t)&page->trap_seq, reply_seq = (uintptr_t)&page->reply_seq;
    enum { SIGRETURN_BLOCK_LEN = REQUIRE64_LEN + 1, FUTEX_BLOCK_LEN = REQUIRE64_LEN + 3 + 4 + 5 };
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)ram, 0, 2),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(ram + ram_len), 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        /* not from guest RAM */
        REQUIRE_X86_64_LOAD_NR,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 0, SIGRETURN_BLOCK_LEN),
        REQUIRE64(instruction_pointer, (uintptr_t)uhv_fast_restorer_ip),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_futex, 0, FUTEX_BLOCK_LEN),
        REQUIRE64(instruction_pointer, (uintptr_t)uhv_fast_syscall_ip),
        REQUIRE_HALF(args[0], 4, trap_seq >> 32),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)trap_seq, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)reply_seq, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAIT, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAKE, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        REQUIRE_MPROTECT_OF_RAM(uhv_fast_syscall_ip, ram, ram_len),
    };
    return load_filter(filter, sizeof filter / sizeof filter[0]);
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: uhv-child MEMFD MAP_ADDR MAP_LEN FILE_OFFSET CPU FLAGS PAGE_FD (hex)\n");
        return EXIT_USAGE;
    }
    int memfd = (int)hex(argv[1]);
    unsigned long map_addr = hex(argv[2]), map_len = hex(argv[3]), file_offset = hex(argv[4]);
    long cpu = strtol(argv[5], NULL, 16);
    unsigned long flags = hex(argv[6]);
    int page_fd = (int)strtol(argv[7], NULL, 16);
    if (map_len == 0 || map_addr + map_len > 0xffffffffUL || map_addr + map_len < map_addr) {
        fprintf(stderr, "uhv-child: guest RAM must end below 4 GiB (the seccomp walls compare 32-bit halves)\n");
        return EXIT_USAGE;
    }
    int fast = (flags & FLAG_FAST) != 0;
    unsigned int eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
    os_xsave = (ecx >> 27) & 1;

    /* The fast transport is not traced while the guest runs: the child handles its own signals. */
    if (!fast && ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) {
        return fail(EXIT_TRACEME, "PTRACE_TRACEME");
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int)cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) {
            return fail(EXIT_AFFINITY, "sched_setaffinity");
        }
    }
    int ram_prot = (flags & FLAG_NX_RAM) ? PROT_READ | PROT_WRITE : PROT_READ | PROT_WRITE | PROT_EXEC;
    void *ram = mmap((void *)map_addr, map_len, ram_prot,
                     MAP_SHARED | MAP_FIXED_NOREPLACE, memfd, (off_t)file_offset);
    if (ram == MAP_FAILED || (unsigned long)ram != map_addr) {
        return fail(EXIT_MAP_RAM, "mapping guest RAM");
    }
    if (unmap_host_code_pages() != 0) {
        return fail(EXIT_UNMAP_VDSO, "unmapping the vDSO");
    }
    unsigned long active = 0;
    if ((flags & FLAG_CPUID_FAULT) && syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) == 0) {
        active |= ACTIVE_CPUID_FAULT;
    }
    if ((flags & FLAG_TSC_FAULT) && prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) == 0) {
        active |= ACTIVE_TSC_FAULT;
    }
    active |= install_kernel_stack_segment();
    struct trap_page *page = NULL;
    if (fast && (page = fast_install(page_fd)) == NULL) {
        return fail(EXIT_FAST_SETUP, "setting up the trap page and signal handlers");
    }
    pid_t self = getpid();
    /* Nothing of the host may stay reachable through a descriptor, memfd included (the mapping
     * keeps guest RAM alive). */
    if (syscall(SYS_close_range, 0, ~0U, 0) != 0) {
        return EXIT_CLOSE_FDS;
    }
    if (fast) {
        if (install_fast_wall(page, map_addr, map_len) != 0) {
            return EXIT_SECCOMP;
        }
        reset_extended_state();
        fast_first_trap(page, active);
    }
    if (install_seccomp_wall(self, map_addr, map_len) != 0) {
        return EXIT_SECCOMP;
    }
    /* From here on no system call may run but this one: the filter allows only it, from here. */
    reset_extended_state();
    register unsigned long reported asm("r12") = active;
    register unsigned long mprotect_stub asm("r13") = (unsigned long)uhv_child_mprotect;
    long ret;
    __asm__ volatile("syscall\n"
                     ".globl uhv_child_stop_ip\n"
                     "uhv_child_stop_ip:\n"
                     : "=a"(ret)
                     : "a"((long)__NR_kill), "D"((long)self), "S"((long)SIGSTOP), "r"(reported), "r"(mprotect_stub)
                     : "rcx", "r11", "memory");
    (void)ret;
    return EXIT_STOP; /* uhv never resumes us here; if it did, exit_group meets the wall */
}
