package dev.uhv.linux;

import com.sun.jna.Native;

/** uhv's own native helpers in libuhv.so (native/src/lib). */
public final class UhvNative {
    static {
        Native.register(UhvNative.class, "uhv");
    }

    private UhvNative() {
    }

    private static native int uhv_spawn_child(String path, int memfd, long mapAddr, long mapLen, long fileOffset,
                                              int cpu, int flags);

    /**
     * Starts native/uhv-child as a child of the calling thread (see child.c for its arguments).
     * Returns its pid.
     */
    public static int spawnChild(String path, int memfd, long mapAddr, long mapLen, long fileOffset, int cpu,
                                 int flags) {
        int pid = uhv_spawn_child(path, memfd, mapAddr, mapLen, fileOffset, cpu, flags);
        if (pid < 0) {
            throw new ErrnoException("posix_spawn(" + path + ")", -pid);
        }
        return pid;
    }
}
