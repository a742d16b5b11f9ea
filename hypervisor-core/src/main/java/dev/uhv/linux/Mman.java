package dev.uhv.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;

/** memfd_create, ftruncate, mmap, munmap, close. */
public final class Mman {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    /** The x86-64 system call number of mprotect, for the child's stub (uhv never calls it itself). */
    public static final long SYS_MPROTECT = 10;
    public static final int MAP_SHARED = 1;
    public static final int MFD_CLOEXEC = 1;

    private Mman() {
    }

    public static int memfdCreate(String name, int flags) {
        try {
            return LibC.memfd_create(name, flags);
        } catch (LastErrorException e) {
            throw ErrnoException.of("memfd_create", e);
        }
    }

    public static void ftruncate(int fd, long length) {
        try {
            LibC.ftruncate(fd, length);
        } catch (LastErrorException e) {
            throw ErrnoException.of("ftruncate", e);
        }
    }

    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return LibC.mmap(addr, length, prot, flags, fd, offset);
        } catch (LastErrorException e) {
            throw ErrnoException.of("mmap", e);
        }
    }

    public static void munmap(long addr, long length) {
        try {
            LibC.munmap(addr, length);
        } catch (LastErrorException e) {
            throw ErrnoException.of("munmap", e);
        }
    }

    public static void close(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            throw ErrnoException.of("close", e);
        }
    }

    /** A direct buffer over size bytes of native memory at address (a mapping uhv owns). */
    public static ByteBuffer buffer(long address, long size) {
        return new Pointer(address).getByteBuffer(0, size);
    }

    public static long pageSize() {
        return LibC.sysconf(30); // _SC_PAGESIZE
    }
}
