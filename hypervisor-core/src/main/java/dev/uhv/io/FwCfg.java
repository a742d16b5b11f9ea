package dev.uhv.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's firmware configuration device (docs/specs/fw_cfg.rst), traditional I/O port interface only:
 * a 16-bit write to 0x510 selects an item and rewinds it, each byte read from 0x511 returns the next
 * byte of the item, 0 past its end or for a selector with no item. As in QEMU the two ports are one
 * register pair (fw_cfg_comb_*): the port within it does not matter, only the width does; any other
 * width reads all ones and is dropped. Data writes are ignored, as QEMU has done since 2.4. FW_CFG_ID
 * says "traditional interface, no DMA", so there is nothing at 0x514.
 *
 * <p>Items: the signature "QEMU", the ID, a zero UUID, the RAM size, no graphics, one CPU (present
 * and possible), no boot menu, the kernel command line (size with its NUL, and the NUL-terminated
 * bytes), and a file directory holding "etc/e820": one RAM entry covering all of guest RAM, as QEMU's
 * pc machine writes for RAM below 4 GiB.
 */
public final class FwCfg implements PortDevice {
    public static final int BASE = 0x510;
    public static final int PORT_COUNT = 2;

    static final int SIGNATURE = 0x00, ID = 0x01, UUID = 0x02, RAM_SIZE = 0x03, NOGRAPHIC = 0x04, NB_CPUS = 0x05,
            BOOT_MENU = 0x0e, MAX_CPUS = 0x0f, CMDLINE_SIZE = 0x14, CMDLINE_DATA = 0x15, FILE_DIR = 0x19,
            FILE_FIRST = 0x20;
    /** Bit 14 asks for write access; reads ignore it (fw_cfg.rst, "Selector (Control) Register"). */
    static final int WRITE_CHANNEL = 0x4000;
    /** FW_CFG_ID bit 0: the traditional interface; bit 1 (DMA) stays clear. */
    static final int ID_TRADITIONAL = 0x01;
    static final int FILE_NAME_SIZE = 56;
    static final int E820_RAM = 1;
    static final String E820_FILE = "etc/e820";

    private static final Logger log = LoggerFactory.getLogger(FwCfg.class);
    private static final byte[] EMPTY = new byte[0];

    private final Map<Integer, byte[]> items = new HashMap<>();
    private byte[] selected = EMPTY;
    private int position;

    /**
     * @param ramSize     guest RAM in bytes, all of it from address 0
     * @param commandLine the kernel command line ("" for none)
     */
    public FwCfg(long ramSize, String commandLine) {
        byte[] cmdline = Objects.requireNonNull(commandLine, "commandLine").getBytes(StandardCharsets.UTF_8);
        items.put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(ID, le(4, ID_TRADITIONAL));
        items.put(UUID, new byte[16]);
        items.put(RAM_SIZE, le(8, ramSize));
        items.put(NOGRAPHIC, le(2, 1));
        items.put(NB_CPUS, le(2, 1));
        items.put(MAX_CPUS, le(2, 1));
        items.put(BOOT_MENU, le(2, 0));
        items.put(CMDLINE_SIZE, le(4, cmdline.length + 1L));
        items.put(CMDLINE_DATA, ByteBuffer.allocate(cmdline.length + 1).put(cmdline).array());
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put(E820_FILE, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(0).putLong(ramSize).putInt(E820_RAM).array());
        addFiles(files);
    }

    @Override
    public int read(int offset, int size) {
        if (size != 1) {
            return 0xffff_ffff;
        }
        return position < selected.length ? selected[position++] & 0xff : 0;
    }

    @Override
    public void write(int offset, int size, int value) {
        if (size == 2) {
            select(value);
        }
    }

    @Override
    public String name() {
        return "fw_cfg";
    }

    private void select(int key) {
        byte[] item = items.get(key & ~WRITE_CHANNEL);
        if (item == null && log.isDebugEnabled()) {
            log.debug("fw_cfg: no item for selector 0x{}: reads 0", Integer.toHexString(key));
        }
        selected = item == null ? EMPTY : item;
        position = 0;
    }

    /**
     * Gives each file a selector from FW_CFG_FILE_FIRST on in name order, as QEMU does, and writes
     * the directory: a big-endian count, then per file its big-endian size and selector, two
     * reserved bytes and the NUL-padded name.
     */
    private void addFiles(SortedMap<String, byte[]> files) {
        ByteBuffer dir = ByteBuffer.allocate(4 + files.size() * (8 + FILE_NAME_SIZE)).putInt(files.size());
        int key = FILE_FIRST;
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            items.put(key, file.getValue());
            byte[] name = file.getKey().getBytes(StandardCharsets.US_ASCII);
            dir.putInt(file.getValue().length).putShort((short) key).putShort((short) 0).put(name)
                    .put(new byte[FILE_NAME_SIZE - name.length]);
            key++;
        }
        items.put(FILE_DIR, dir.array());
    }

    private static byte[] le(int bytes, long value) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return b;
    }
}
