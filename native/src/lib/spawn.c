/*
 * Starts uhv-child from the JVM. posix_spawn (vfork + exec) rather than fork: the JVM is never
 * copied, and no Java runs in the new process. The child is the calling thread's child, so after
 * its PTRACE_TRACEME that thread is its tracer: call this from the vCPU thread that will make every
 * ptrace request.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Returns the child's pid, or -errno. */
int uhv_spawn_child(const char *path, int memfd, uint64_t map_addr, uint64_t map_len, uint64_t file_offset,
                    int cpu, int flags, int page_fd) {
    char a_fd[24], a_addr[24], a_len[24], a_off[24], a_cpu[24], a_flags[24], a_page[24];
    snprintf(a_fd, sizeof a_fd, "%x", memfd);
    snprintf(a_addr, sizeof a_addr, "%lx", (unsigned long)map_addr);
    snprintf(a_len, sizeof a_len, "%lx", (unsigned long)map_len);
    snprintf(a_off, sizeof a_off, "%lx", (unsigned long)file_offset);
    snprintf(a_cpu, sizeof a_cpu, "%s%x", cpu < 0 ? "-" : "", cpu < 0 ? -cpu : cpu);
    snprintf(a_flags, sizeof a_flags, "%x", flags);
    snprintf(a_page, sizeof a_page, "%s%x", page_fd < 0 ? "-" : "", page_fd < 0 ? -page_fd : page_fd);
    char *argv[] = {"uhv-child", a_fd, a_addr, a_len, a_off, a_cpu, a_flags, a_page, NULL};

    /* The JVM blocks and handles signals of its own; the child starts with a clean slate. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    /* A process group of its own: the terminal's Ctrl-C, Ctrl-Z and SIGWINCH go to uhv, never to
     * the guest's process, where they would look like traps. */
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    /* No environment: the guest can read the child's memory, stack included, and uhv's environment
     * (tokens, paths) is none of its business. */
    char *envp[] = {NULL};
    pid_t pid;
    int err = posix_spawn(&pid, path, NULL, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    return err == 0 ? pid : -err;
}
