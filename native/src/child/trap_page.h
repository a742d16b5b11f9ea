/*
 * The trap page: one page of shared memory (a memfd uhv creates) through which the fast transport
 * hands traps between uhv-child's own signal handler and uhv's vCPU thread, with no ptrace stop.
 * uhv reads it through a mapped buffer (dev.uhv.exec.TrapPage mirrors these offsets); the guest can
 * write it too, so uhv validates everything it reads here.
 *
 * One exchange: the handler fills regs and the signal fields, increments trap_seq (and wakes uhv if
 * uhv sleeps on it), then waits until reply_seq equals trap_seq. uhv answers with a command:
 * RESUME (regs hold the registers to return to the guest with), or MPROTECT (change a range of
 * guest RAM's protection and post again, signal 0, with the result). Both sides spin a little before
 * they sleep on the other's futex word, and announce the sleep in *_waiting first.
 */
#ifndef UHV_TRAP_PAGE_H
#define UHV_TRAP_PAGE_H

#include <stdint.h>
#include <sys/user.h>

#define TRAP_PAGE_MAGIC 0x46564855u /* "UHVF" */
#define TRAP_PAGE_VERSION 1u

enum { TRAP_COMMAND_RESUME = 1, TRAP_COMMAND_MPROTECT = 2 };

struct trap_page {
    uint32_t magic;          /*  0: TRAP_PAGE_MAGIC once the child is ready */
    uint32_t version;        /*  4 */
    uint32_t trap_seq;       /*  8: the child's futex word: one more for each post */
    uint32_t reply_seq;      /* 12: uhv's futex word: set to trap_seq when uhv has answered */
    uint32_t parent_waiting; /* 16: uhv sleeps (or is about to) on trap_seq */
    uint32_t child_waiting;  /* 20: the child sleeps (or is about to) on reply_seq */
    uint32_t signal;         /* 24: the post: the signal taken, or 0 for a command's reply */
    int32_t code;            /* 28: si_code */
    uint64_t address;        /* 32: si_addr, the fault address (si_call_addr for SIGSYS) */
    uint32_t command;        /* 40: uhv's answer */
    uint32_t active;         /* 44: faulting features the child got (as r12 in the ptrace transport) */
    uint64_t arg[3];         /* 48: MPROTECT's address, length, protection */
    int64_t result;          /* 72: MPROTECT's return value (0 or -errno) */
    uint32_t spin_limit;     /* 80: how many polls the child makes before it sleeps (set by uhv) */
    uint32_t reserved[11];   /* 84 */
    struct user_regs_struct regs; /* 128: the guest's registers, in ptrace's layout */
};

_Static_assert(__builtin_offsetof(struct trap_page, result) == 72, "trap page layout");
_Static_assert(__builtin_offsetof(struct trap_page, regs) == 128, "trap page layout");
_Static_assert(sizeof(struct trap_page) == 128 + 27 * 8, "trap page layout");

#endif
