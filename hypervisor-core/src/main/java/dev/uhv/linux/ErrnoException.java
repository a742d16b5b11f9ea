package dev.uhv.linux;

import com.sun.jna.LastErrorException;

/** A system call failed: which call, and the errno it set. */
public final class ErrnoException extends RuntimeException {
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    static ErrnoException of(String call, LastErrorException e) {
        return new ErrnoException(call, e.getErrorCode());
    }

    public int errno() {
        return errno;
    }
}
