package dev.uhv.cli;

/** A mistake of the user (bad file, bad flag value): printed as one line, exit status 2. */
public final class UserError extends Exception {
    public UserError(String message) {
        super(message);
    }
}
