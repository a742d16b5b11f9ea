package dev.uhv.trace;

/** A file that is not a uhv trace, or a line of one that is not JSON: the message says which line. */
public final class TraceFormatException extends Exception {
    public TraceFormatException(String message) {
        super(message);
    }
}
