package dev.uhv.decoder;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decodes and formats x86 instructions in one {@link MachineMode}, through Zydis 4.
 *
 * <p>Operands come in Intel order, destination first, as Zydis shows them (so {@code in al, dx}
 * has two, {@code rep outsb} none). Immediates are extended to 64 bits as Zydis defines them; the
 * immediate of a relative branch is the displacement from the next instruction; a far pointer
 * ({@code jmp far 0x8:0x1000}) is one {@link Operand.Ptr}.
 *
 * <p>Not thread-safe: an instance reuses scratch buffers so that a decode allocates nothing but its
 * result. Use one per vCPU thread.
 */
public final class Decoder {

    /** The architectural limit; more bytes than this never belong to one instruction. */
    public static final int MAX_INSTRUCTION_LENGTH = 15;

    private static final int TEXT_CAPACITY = 256;
    private static final String BAD = "(bad)";

    private final MachineMode mode;
    private final int nativeMode;
    private final byte[] window = new byte[MAX_INSTRUCTION_LENGTH];
    private final long[] slots = new long[DecodeLayout.SLOTS];
    /** uhv_decode_flow's slots (zydis_shim.h, UHV_FLOW_*). */
    private static final int FLOW_LENGTH = 0, FLOW_MNEMONIC = 1, FLOW_BITS = 2, FLOW_DISPLACEMENT = 3,
            FLOW_OPERAND_WIDTH = 4, FLOW_SLOTS = 5;
    private final long[] flowSlots = new long[FLOW_SLOTS];
    private final byte[] text = new byte[TEXT_CAPACITY];

    private Decoder(MachineMode mode) {
        this.mode = mode;
        this.nativeMode = ZydisNative.mode(mode);
    }

    /**
     * A new decoder for {@code mode}.
     *
     * @throws IllegalStateException when the native decoder is not available ({@link #unavailabilityCause()})
     */
    public static Decoder forMode(MachineMode mode) {
        Objects.requireNonNull(mode, "mode");
        if (!isAvailable()) {
            throw new IllegalStateException(unavailabilityCause(), ZydisNative.loadFailure());
        }
        return new Decoder(mode);
    }

    /** Whether libuhv.so and libZydis loaded. Never throws. */
    public static boolean isAvailable() {
        return ZydisNative.loadFailure() == null;
    }

    /** Why the decoder cannot be used, for {@code uhv doctor}; null when it can. Never throws. */
    public static String unavailabilityCause() {
        Throwable failure = ZydisNative.loadFailure();
        return failure == null ? null : unavailabilityMessage(failure);
    }

    // One line: uhv doctor prints it as is, and JNA's messages span several.
    static String unavailabilityMessage(Throwable failure) {
        String detail = String.valueOf(failure.getMessage()).strip().replaceAll(":?\\s*\\R\\s*", "; ");
        return "libZydis could not be loaded through libuhv.so (" + failure.getClass().getSimpleName() + ": "
                + detail + "); run `apt-get install libzydis-dev`";
    }

    public MachineMode mode() {
        return mode;
    }

    /**
     * Decodes the instruction at {@code bytes[0]}.
     *
     * @param length how many bytes of {@code bytes} are valid; only the first 15 are looked at
     * @throws UndecodableException when the bytes are no valid instruction, or fewer than it needs
     */
    public DecodedInstruction decode(byte[] bytes, int length) throws UndecodableException {
        int count = fillWindow(bytes, length);
        int status = ZydisNative.uhv_decode(nativeMode, window, count, slots);
        if (status != 0) {
            throw new UndecodableException(window, count, ZydisNames.statusName(status));
        }
        return DecodeLayout.read(slots);
    }

    /**
     * Decodes only the length and control flow of the instruction at {@code bytes[0]} (no operands).
     *
     * @throws UndecodableException as {@link #decode}
     */
    public InstructionFlow decodeFlow(byte[] bytes, int length) throws UndecodableException {
        int count = fillWindow(bytes, length);
        int status = ZydisNative.uhv_decode_flow(nativeMode, window, count, flowSlots);
        if (status != 0) {
            throw new UndecodableException(window, count, ZydisNames.statusName(status));
        }
        return new InstructionFlow((int) flowSlots[FLOW_LENGTH], ZydisNames.mnemonic(flowSlots[FLOW_MNEMONIC]),
                (int) flowSlots[FLOW_BITS], flowSlots[FLOW_DISPLACEMENT], (int) flowSlots[FLOW_OPERAND_WIDTH]);
    }

    /**
     * Intel-syntax text of the instruction at {@code bytes[0]}, e.g. {@code "mov rax, cr0"}, with
     * relative branch targets resolved against {@code runtimeAddress}; {@code "(bad)"} when the
     * bytes do not decode.
     */
    public String format(byte[] bytes, int length, long runtimeAddress) {
        int count = fillWindow(bytes, length);
        int textLength = ZydisNative.uhv_format(nativeMode, window, count, runtimeAddress, text, text.length);
        return textLength < 0 ? BAD : new String(text, 0, textLength, StandardCharsets.US_ASCII);
    }

    // Copying into the 15-byte window keeps JNA from copying a caller's whole (maybe page-sized) array.
    private int fillWindow(byte[] bytes, int length) {
        Objects.checkFromIndexSize(0, length, bytes.length);
        int count = Math.min(length, MAX_INSTRUCTION_LENGTH);
        System.arraycopy(bytes, 0, window, 0, count);
        return count;
    }
}
