package dev.uhv.io;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The i8042 keyboard controller (data port 0x60, status/command port 0x64) with no keyboard or mouse
 * behind it, in the state a BIOS leaves it: self-test passed (status SYS flag set), command byte
 * 0x61 (keyboard interrupt on, translation on, mouse port disabled, as SeaBIOS sets it). Commands
 * follow QEMU's hw/input/pckbd.c: 0x20/0x60 read/write the command byte, 0xA7/0xA8 and 0xAD/0xAE
 * disable/enable the mouse and keyboard ports (command byte bits 5 and 4), 0xA9/0xAB port tests and
 * 0xAA self-test (answers 0x00, 0x00 and 0x55), 0xC0/0xD0 read the input/output port, 0xD1 writes
 * the output port (bit 0 clear resets the machine; the A20 bit is stored, uhv has no A20 gate),
 * 0xD2/0xD3 echo a byte as keyboard/mouse data, 0xDD/0xDF A20 off/on, 0xF0-0xFF pulse output bits:
 * an even value pulses bit 0, the reset line (0xFE). Bytes for the keyboard or mouse (0x60 writes
 * with no command waiting, 0xD4) are dropped: nothing answers, and no IRQ 1 or 12 is raised.
 *
 * <p>The output buffer holds one byte, as on the chip: a new answer replaces an unread one. Reading
 * 0x60 with nothing there returns the last byte again.
 */
public final class I8042 {
    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;

    static final int STATUS_OUTPUT_FULL = 0x01, STATUS_SYSTEM = 0x04, STATUS_LAST_WAS_COMMAND = 0x08,
            STATUS_UNLOCKED = 0x10, STATUS_MOUSE_DATA = 0x20;
    static final int CTR_KEYBOARD_DISABLED = 0x10, CTR_MOUSE_DISABLED = 0x20;
    static final int INITIAL_COMMAND_BYTE = 0x61;
    static final int OUTPUT_PORT_NOT_RESET = 0x01, OUTPUT_PORT_A20 = 0x02;
    /** QEMU's initial output port: not in reset, A20 on, both buffer-full lines idle high. */
    static final int INITIAL_OUTPUT_PORT = 0xcf;
    /** QEMU's input port: keyboard not inhibited. */
    static final int INPUT_PORT = 0x80;
    static final int SELF_TEST_OK = 0x55, PORT_TEST_OK = 0x00;

    static final int READ_COMMAND_BYTE = 0x20, WRITE_COMMAND_BYTE = 0x60, DISABLE_MOUSE = 0xa7,
            ENABLE_MOUSE = 0xa8, TEST_MOUSE_PORT = 0xa9, SELF_TEST = 0xaa, TEST_KEYBOARD_PORT = 0xab,
            DISABLE_KEYBOARD = 0xad, ENABLE_KEYBOARD = 0xae, READ_INPUT_PORT = 0xc0, READ_OUTPUT_PORT = 0xd0,
            WRITE_OUTPUT_PORT = 0xd1, WRITE_KEYBOARD_BUFFER = 0xd2, WRITE_MOUSE_BUFFER = 0xd3,
            WRITE_TO_MOUSE = 0xd4, DISABLE_A20 = 0xdd, ENABLE_A20 = 0xdf, PULSE_OUTPUT_BITS = 0xf0;

    private static final Logger log = LoggerFactory.getLogger(I8042.class);

    private final Runnable reset;
    private final PortDevice dataPort = new Port("i8042-data", true);
    private final PortDevice commandPort = new Port("i8042-command", false);

    private int status = STATUS_SYSTEM | STATUS_UNLOCKED;
    private int outputBuffer;
    private int commandByte = INITIAL_COMMAND_BYTE;
    private int outputPort = INITIAL_OUTPUT_PORT;
    /** The command whose data byte the next 0x60 write is, or 0. */
    private int pendingCommand;

    /** @param reset called when the guest pulses the reset line */
    public I8042(Runnable reset) {
        this.reset = Objects.requireNonNull(reset, "reset");
    }

    /** The device to register at {@link #DATA_PORT}. */
    public PortDevice dataPort() {
        return dataPort;
    }

    /** The device to register at {@link #COMMAND_PORT}: status on read, commands on write. */
    public PortDevice commandPort() {
        return commandPort;
    }

    private int readData() {
        status &= ~(STATUS_OUTPUT_FULL | STATUS_MOUSE_DATA);
        return outputBuffer;
    }

    private void writeData(int v) {
        status &= ~STATUS_LAST_WAS_COMMAND;
        int command = pendingCommand;
        pendingCommand = 0;
        switch (command) {
            case WRITE_COMMAND_BYTE -> commandByte = v;
            case WRITE_OUTPUT_PORT -> writeOutputPort(v);
            case WRITE_KEYBOARD_BUFFER -> answer(v, false);
            case WRITE_MOUSE_BUFFER -> answer(v, true);
            default -> {
                if (log.isDebugEnabled()) {
                    log.debug("i8042: byte 0x{} for the {} dropped: nothing is attached", Integer.toHexString(v),
                            command == WRITE_TO_MOUSE ? "mouse" : "keyboard");
                }
            }
        }
    }

    private void writeCommand(int v) {
        status |= STATUS_LAST_WAS_COMMAND;
        pendingCommand = 0;
        if ((v & PULSE_OUTPUT_BITS) == PULSE_OUTPUT_BITS) {
            // Bits 3-0 low pulse the output port bits; bit 0 is the CPU reset line (0xfe).
            if ((v & OUTPUT_PORT_NOT_RESET) == 0) {
                reset.run();
            }
            return;
        }
        switch (v) {
            case READ_COMMAND_BYTE -> answer(commandByte, false);
            case WRITE_COMMAND_BYTE, WRITE_OUTPUT_PORT, WRITE_KEYBOARD_BUFFER, WRITE_MOUSE_BUFFER, WRITE_TO_MOUSE ->
                    pendingCommand = v;
            case DISABLE_MOUSE -> commandByte |= CTR_MOUSE_DISABLED;
            case ENABLE_MOUSE -> commandByte &= ~CTR_MOUSE_DISABLED;
            case DISABLE_KEYBOARD -> commandByte |= CTR_KEYBOARD_DISABLED;
            case ENABLE_KEYBOARD -> commandByte &= ~CTR_KEYBOARD_DISABLED;
            case TEST_MOUSE_PORT, TEST_KEYBOARD_PORT -> answer(PORT_TEST_OK, false);
            case SELF_TEST -> {
                status |= STATUS_SYSTEM;
                answer(SELF_TEST_OK, false);
            }
            case READ_INPUT_PORT -> answer(INPUT_PORT, false);
            case READ_OUTPUT_PORT -> answer(outputPort, false);
            case DISABLE_A20 -> outputPort &= ~OUTPUT_PORT_A20;
            case ENABLE_A20 -> outputPort |= OUTPUT_PORT_A20;
            default -> {
                if (log.isDebugEnabled()) {
                    log.debug("i8042: command 0x{} ignored", Integer.toHexString(v));
                }
            }
        }
    }

    private void writeOutputPort(int v) {
        outputPort = v;
        if ((v & OUTPUT_PORT_NOT_RESET) == 0) {
            reset.run();
        }
    }

    private void answer(int v, boolean fromMouse) {
        outputBuffer = v & 0xff;
        status = (status & ~STATUS_MOUSE_DATA) | STATUS_OUTPUT_FULL | (fromMouse ? STATUS_MOUSE_DATA : 0);
    }

    /** One of the two ports; every register is a byte, a wider access uses the low byte. */
    private final class Port implements PortDevice {
        private final String name;
        private final boolean data;

        Port(String name, boolean data) {
            this.name = name;
            this.data = data;
        }

        @Override
        public int read(int offset, int size) {
            return data ? readData() : status;
        }

        @Override
        public void write(int offset, int size, int value) {
            if (data) {
                writeData(value & 0xff);
            } else {
                writeCommand(value & 0xff);
            }
        }

        @Override
        public String name() {
            return name;
        }
    }
}
