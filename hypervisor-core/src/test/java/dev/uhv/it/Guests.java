package dev.uhv.it;

import dev.uhv.emulate.Personality;
import dev.uhv.exec.VmConfig;

import dev.uhv.scan.SensitiveMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The guest images of the uhv-guests jar (guests/NAME.elf, guests/NAME.bin) on the test classpath. */
public final class Guests {
    private Guests() {
    }

    /** The bytes of guests/FILE, for example "demo.elf". */
    /**
     * The configuration `uhv run GUEST` would build, for tests that drive a {@link dev.uhv.exec.Vm}
     * directly (to put a test device on its bus): serial output to serial, debugcon dropped.
     */
    public static VmConfig config(String file, OutputStream serial, Duration timeout) {
        return new VmConfig(bytes(file), file, null, VmConfig.DEFAULT_LOAD_ADDRESS, null, VmConfig.AUTOMATIC_MEM_SIZE,
                null, -1, serial, OutputStream.nullOutputStream(), false, timeout, 0, false, Personality.DEFAULT, "",
                List.of(), SensitiveMode.AUTO, null, TestTransport.kind());
    }

    public static byte[] bytes(String file) {
        String resource = "guests/" + file;
        try (InputStream in = Guests.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath: build uhv-guests first");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    /**
     * The value of a symbol in an ELF64 or ELF32 guest's .symtab (guests/README.md names the labels
     * tests may use), so tests follow the code when it moves. Field offsets from the gABI: section
     * headers (sh_offset, sh_size, sh_link) and symbols (st_name, st_value) of each class.
     */
    public static long symbol(String file, String name) {
        ByteBuffer elf = ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        boolean is64 = elf.get(4) == 2;
        long shoff = is64 ? elf.getLong(0x28) : Integer.toUnsignedLong(elf.getInt(0x20));
        int shentsize = Short.toUnsignedInt(elf.getShort(is64 ? 0x3a : 0x2e));
        int shnum = Short.toUnsignedInt(elf.getShort(is64 ? 0x3c : 0x30));
        int symbolSize = is64 ? 24 : 16;
        for (int i = 0; i < shnum; i++) {
            int sh = (int) shoff + i * shentsize;
            if (elf.getInt(sh + 4) != SHT_SYMTAB) {
                continue;
            }
            int symbols = (int) word(elf, sh + (is64 ? 0x18 : 0x10), is64);
            int count = (int) (word(elf, sh + (is64 ? 0x20 : 0x14), is64) / symbolSize);
            int link = elf.getInt(sh + (is64 ? 0x28 : 0x18));
            int strtab = (int) word(elf, (int) shoff + link * shentsize + (is64 ? 0x18 : 0x10), is64);
            for (int j = 0; j < count; j++) {
                int sym = symbols + j * symbolSize;
                if (name.equals(cString(elf, strtab + elf.getInt(sym)))) {
                    return word(elf, sym + (is64 ? 8 : 4), is64);
                }
            }
        }
        throw new IllegalArgumentException(file + " has no symbol " + name);
    }

    private static long word(ByteBuffer elf, int at, boolean is64) {
        return is64 ? elf.getLong(at) : Integer.toUnsignedLong(elf.getInt(at));
    }

    private static final int SHT_SYMTAB = 2;

    private static String cString(ByteBuffer b, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = at; b.get(i) != 0; i++) {
            s.append((char) b.get(i));
        }
        return s.toString();
    }

    /** Copies guests/FILE into dir and returns the copy. */
    public static Path copy(String file, Path dir) {
        try {
            Path target = dir.resolve(file);
            Files.write(target, bytes(file));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
