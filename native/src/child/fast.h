/* The fast transport's side in uhv-child (fast.c): its signal handler, and the two places in its
 * text the seccomp wall lets system calls come from. */
#ifndef UHV_FAST_H
#define UHV_FAST_H

#include "trap_page.h"

/* Maps the trap page from page_fd, gives the handler an alternate stack outside guest RAM and
 * installs it for the signals a guest instruction raises, for SIGSYS (the guest's system calls,
 * trapped by seccomp) and for SIGUSR1 (uhv's poke). Returns the page, or NULL with errno set. */
struct trap_page *fast_install(int page_fd);

/* Hands the first trap to uhv: the guest starts when uhv answers it. Never returns. */
__attribute__((noreturn)) void fast_first_trap(struct trap_page *page, unsigned long active);

/* The addresses seccomp reports for the handler's own system calls (just past each syscall): futex
 * and mprotect come from fast_syscall_ip, rt_sigreturn from fast_restorer_ip. */
extern const char uhv_fast_syscall_ip[], uhv_fast_restorer_ip[];

#endif
