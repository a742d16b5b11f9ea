package dev.uhv.loader;

import dev.uhv.memory.GuestMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds multiboot headers and small kernels for tests (Multiboot 0.6.96 3.1, Multiboot2 2.0 3.1). */
final class MultibootImages {
    static final int V1_MAGIC = 0x1BADB002;
    static final int V2_MAGIC = 0xE85250D6;
    static final int KLUDGE = 1 << 16;

    private MultibootImages() {
    }

    /** magic, flags, checksum. */
    static byte[] v1Header(int flags) {
        return le(V1_MAGIC, flags, -(V1_MAGIC + flags));
    }

    /** A header with the a.out kludge address fields (flags bit 16 added). */
    static byte[] v1Kludge(int flags, long headerAddr, long loadAddr, long loadEndAddr, long bssEndAddr, long entry) {
        int f = flags | KLUDGE;
        return le(V1_MAGIC, f, -(V1_MAGIC + f), (int) headerAddr, (int) loadAddr, (int) loadEndAddr, (int) bssEndAddr,
                (int) entry);
    }

    /** A copy of image (grown if needed) with bytes at offset. */
    static byte[] with(byte[] image, int offset, byte[] bytes) {
        byte[] out = Arrays.copyOf(image, Math.max(image.length, offset + bytes.length));
        System.arraycopy(bytes, 0, out, offset, bytes.length);
        return out;
    }

    /**
     * A flat kludge kernel for 0x100000: the header at file offset 0 (header_addr 0x100000), then
     * code bytes 0xf4 (hlt) up to size; loaded whole (load_end_addr 0), bss to bssEnd, entry 0x100020.
     */
    static byte[] flatKernel(int flags, int size, long bssEnd) {
        byte[] image = new byte[size];
        Arrays.fill(image, (byte) 0xf4);
        return with(image, 0, v1Kludge(flags, 0x100000, 0x100000, 0, bssEnd, 0x100020));
    }

    /** The NUL-terminated UTF-8 string at address. */
    static String cString(GuestMemory ram, long address) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long at = address; ram.readU8(at) != 0; at++) {
            bytes.write(ram.readU8(at));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Little-endian 32-bit words. */
    static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    /** A multiboot2 header: tags added in order, each padded to 8 bytes, then the end tag. */
    static final class V2 {
        private final ByteArrayOutputStream tags = new ByteArrayOutputStream();
        private int architecture;
        private Integer lengthOverride;

        V2 architecture(int a) {
            architecture = a;
            return this;
        }

        V2 headerLength(int length) {
            lengthOverride = length;
            return this;
        }

        /** A tag of type with flags (bit 0: optional) and 32-bit body words. */
        V2 tag(int type, int flags, int... body) {
            int size = 8 + 4 * body.length;
            ByteBuffer b = ByteBuffer.allocate((size + 7) & -8).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) type).putShort((short) flags).putInt(size);
            for (int w : body) {
                b.putInt(w);
            }
            tags.writeBytes(b.array());
            return this;
        }

        V2 address(long headerAddr, long loadAddr, long loadEndAddr, long bssEndAddr) {
            return tag(2, 0, (int) headerAddr, (int) loadAddr, (int) loadEndAddr, (int) bssEndAddr);
        }

        V2 entry(long entry) {
            return tag(3, 0, (int) entry);
        }

        byte[] build() {
            byte[] body = tags.toByteArray();
            int length = lengthOverride != null ? lengthOverride : 16 + body.length + 8;
            ByteBuffer b = ByteBuffer.allocate(16 + body.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(V2_MAGIC).putInt(architecture).putInt(length).putInt(-(V2_MAGIC + architecture + length));
            b.put(body);
            b.putShort((short) 0).putShort((short) 0).putInt(8);
            return b.array();
        }
    }
}
