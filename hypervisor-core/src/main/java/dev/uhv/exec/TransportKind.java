package dev.uhv.exec;

import java.util.Locale;

/** Which {@link Transport} a run uses (--transport). */
public enum TransportKind {
    /** PTRACE_SYSEMU stops: works wherever ptrace does. */
    PTRACE,
    /** The child's own signal handler and a shared trap page ({@link FastTransport}). */
    FAST;

    /** The default: fast where this host supports it, else ptrace. */
    public static TransportKind preferred() {
        return FastTransport.supported() ? FAST : PTRACE;
    }

    /** As on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
