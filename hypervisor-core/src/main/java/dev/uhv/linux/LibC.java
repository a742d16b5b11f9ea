package dev.uhv.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The C library functions uhv calls, by JNA direct mapping (fixed arities: no varargs, which also
 * keeps the trap path's calls cheap). Callers go through the typed facades in this package.
 */
final class LibC {
    static {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static native long ptrace(long request, int pid, long addr, long data) throws LastErrorException;

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int kill(int pid, int signal) throws LastErrorException;

    static native int memfd_create(String name, int flags) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

    static native int munmap(long addr, long length) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int sched_setaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    static native int sched_getaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    static native int sched_getcpu();

    static native int gettid();

    static native int geteuid();

    static native int isatty(int fd);

    static native long sysconf(int name);

    static native String strerror(int errno);
}
