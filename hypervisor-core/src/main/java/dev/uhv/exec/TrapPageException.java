package dev.uhv.exec;

/**
 * The fast transport's trap page held something the child's handler never writes: the guest (which
 * can write that page) corrupted it. The run ends with this reason; uhv itself is unharmed.
 */
public final class TrapPageException extends GuestProcessException {
    TrapPageException(String what) {
        super("the trap page shared with the guest process is corrupt (" + what + "): the guest wrote over it");
    }
}
