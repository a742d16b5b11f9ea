package dev.uhv.exec;

/**
 * The guest's process did something its transport cannot go on from (it ended in the middle of an
 * exchange, or wrote over what it shares with uhv). The run ends as a guest crash with this reason;
 * uhv itself is unharmed.
 */
public class GuestProcessException extends RuntimeException {
    public GuestProcessException(String message) {
        super(message);
    }
}
