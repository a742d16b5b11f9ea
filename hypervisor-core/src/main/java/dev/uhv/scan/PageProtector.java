package dev.uhv.scan;

/** Changes the protection of guest pages in the child (the transport implements it; tests record it). */
@FunctionalInterface
public interface PageProtector {
    /** mmap's PROT_READ, PROT_WRITE and PROT_EXEC. */
    int READ = 1, WRITE = 2, EXECUTE = 4;

    /** prot is a combination of READ, WRITE and EXECUTE. */
    void protect(long address, long length, int prot);
}
