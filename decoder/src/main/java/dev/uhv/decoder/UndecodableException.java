package dev.uhv.decoder;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The bytes are not one whole instruction in the decoder's mode: invalid, or cut short. The message
 * names the bytes and Zydis's status, e.g. {@code "0f 04: no instruction (ZYDIS_STATUS_DECODING_ERROR)"}.
 */
public final class UndecodableException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final String NO_MORE_DATA = "ZYDIS_STATUS_NO_MORE_DATA";

    private final byte[] bytes;
    private final String statusName;

    UndecodableException(byte[] bytes, int length, String statusName) {
        super(message(bytes, length, statusName));
        this.bytes = Arrays.copyOf(bytes, length);
        this.statusName = statusName;
    }

    /** A copy of the bytes that were tried. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Zydis's (or the shim's) status, e.g. "ZYDIS_STATUS_DECODING_ERROR". */
    public String statusName() {
        return statusName;
    }

    /** True when the bytes start a valid instruction but end before it does: fetch more and retry. */
    public boolean isTruncated() {
        return NO_MORE_DATA.equals(statusName);
    }

    private static String message(byte[] bytes, int length, String statusName) {
        String hex = length == 0 ? "(no bytes)" : HexFormat.ofDelimiter(" ").formatHex(bytes, 0, length);
        String what = NO_MORE_DATA.equals(statusName) ? "truncated instruction" : "no instruction";
        return hex + ": " + what + " (" + statusName + ")";
    }
}
