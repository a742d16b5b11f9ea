package dev.uhv.decoder;

import com.sun.jna.Native;

/**
 * JNA direct mapping of the Zydis shim in libuhv.so (native/src/lib/zydis_shim.h). Only primitive
 * arrays cross, so a call allocates nothing. Loading never throws: a failure is kept in
 * {@link #loadFailure()} for {@link Decoder#isAvailable()}.
 */
final class ZydisNative {

    static final int MODE_LONG_64 = 0;
    static final int MODE_LEGACY_32 = 1;
    static final int MODE_LEGACY_16 = 2;

    private static final Throwable LOAD_FAILURE = load();

    private ZydisNative() {
    }

    /** Null when the shim is loaded and agrees with {@link DecodeLayout}; otherwise why not. */
    static Throwable loadFailure() {
        return LOAD_FAILURE;
    }

    static int mode(MachineMode mode) {
        return switch (mode) {
            case LONG_64 -> MODE_LONG_64;
            case LEGACY_32 -> MODE_LEGACY_32;
            case LEGACY_16 -> MODE_LEGACY_16;
        };
    }

    // LinkageError covers a missing libuhv.so or libZydis.so.4 and a missing JNA dispatch library.
    private static Throwable load() {
        try {
            Native.register(ZydisNative.class, "uhv");
            int slots = uhv_decode_slot_count();
            if (slots != DecodeLayout.SLOTS) {
                return new UnsatisfiedLinkError("libuhv.so writes " + slots + " decode slots, this decoder expects "
                        + DecodeLayout.SLOTS + ": the native library and the Java classes come from different builds");
            }
            return null;
        } catch (LinkageError e) {
            return e;
        }
    }

    static native int uhv_decode(int mode, byte[] bytes, int len, long[] out);

    static native int uhv_decode_flow(int mode, byte[] bytes, int len, long[] out);

    static native int uhv_format(int mode, byte[] bytes, int len, long address, byte[] buf, int buflen);

    static native int uhv_decode_slot_count();

    static native String uhv_mnemonic_name(int id);

    static native String uhv_register_name(int id);

    static native int uhv_mnemonic_max();

    static native int uhv_register_max();

    static native String uhv_status_name(int status);
}
