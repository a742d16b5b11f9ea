package dev.uhv.gdb;

import dev.uhv.cpu.GuestFault;
import dev.uhv.emulate.Machine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The commands of gdb's remote serial protocol, for one connection, while the guest stands still:
 * registers by {@link TargetDescription}, guest memory (with gdb's breakpoints lifted and the code
 * scanner's patches hidden, so gdb sees the guest's own bytes), software breakpoints, resume and
 * step, detach and kill, the thread queries of a one-CPU target, the target description and
 * `monitor` commands. Anything else gets the empty reply that tells gdb it is not supported.
 * Hardware breakpoints and watchpoints (Z1-Z4) are not: gdb falls back to software ones.
 */
public final class GdbStub {
    private static final Logger log = LoggerFactory.getLogger(GdbStub.class);
    /** The largest packet uhv takes and sends, in bytes (qSupported's PacketSize, in hex). */
    public static final int PACKET_SIZE = 0x4000;
    /** The one thread of a one-CPU target. */
    private static final String THREAD = "01";
    /** Errors as QEMU writes them: EFAULT's and EINVAL's numbers (gdb shows only that it failed). */
    private static final String EFAULT = "E14", EINVAL = "E22";
    private static final String TARGET_XML = "qXfer:features:read:target.xml:";

    /** How the guest goes on after gdb's command. */
    public enum Resume {
        CONTINUE, STEP,
        /** gdb detached (or went away): the guest runs on without it. */
        DETACH,
        /** gdb killed the target: the run ends. */
        KILL,
        /** uhv ends the run (a timeout, Ctrl-C to uhv) while gdb holds the guest. */
        RUN_ENDING
    }

    /** Why the guest stands still for gdb, and the signal gdb is told. */
    public enum Stop {
        /** gdb connected (QEMU reports SIGTRAP too). */
        ATTACHED(5),
        /** gdb's Ctrl-C. */
        INTERRUPTED(2),
        BREAKPOINT(5),
        STEPPED(5);

        private final int signal;

        Stop(int signal) {
            this.signal = signal;
        }

        /** The stop reply packet: "T05thread:01;", with swbreak for a breakpoint. */
        String reply() {
            return String.format("T%02x%sthread:%s;", signal, this == BREAKPOINT ? "swbreak:;" : "", THREAD);
        }
    }

    private final GdbTarget target;
    private final SoftwareBreakpoints breakpoints;
    private final RspConnection connection;
    private final TargetDescription description = TargetDescription.X86_64;
    private Stop lastStop = Stop.ATTACHED;
    /** Whether gdb resumed the guest and waits for a stop reply. */
    private boolean awaitingStop;

    public GdbStub(GdbTarget target, SoftwareBreakpoints breakpoints, RspConnection connection) {
        this.target = target;
        this.breakpoints = breakpoints;
        this.connection = connection;
    }

    /** The guest stopped: gdb hears why when it waits for that (its ? asks otherwise). */
    public void stopped(Stop why) throws IOException {
        lastStop = why;
        if (awaitingStop) {
            awaitingStop = false;
            connection.send(why.reply());
        }
    }

    /** Whether gdb resumed the guest and waits to hear how it stops or ends. */
    public boolean awaitingStop() {
        return awaitingStop;
    }

    /**
     * Tells a waiting gdb that the guest ended: "W" with its exit status when it ended itself, "X"
     * with the signal that stands for the way uhv ended it.
     */
    public void ended(String packet) throws IOException {
        if (awaitingStop) {
            awaitingStop = false;
            connection.send(packet);
        }
    }

    /** Answers one packet; returns how the guest goes on when the packet resumes it, else null. */
    public Resume handle(String packet) throws IOException {
        Resume resume;
        try {
            resume = dispatch(packet);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            log.debug("malformed gdb packet {}: {}", packet, e.getMessage());
            connection.send(EINVAL);
            return null;
        }
        if (resume == Resume.CONTINUE || resume == Resume.STEP) {
            awaitingStop = true;
        }
        return resume;
    }

    private Resume dispatch(String packet) throws IOException {
        if (packet.isEmpty()) {
            connection.send("");
            return null;
        }
        char command = packet.charAt(0);
        String args = packet.substring(1);
        switch (command) {
            case '?' -> connection.send(lastStop.reply());
            case 'g' -> connection.send(readAllRegisters());
            case 'G' -> {
                writeAllRegisters(args);
                connection.send("OK");
            }
            case 'p' -> {
                GdbRegister reg = description.register((int) Hex.number(args));
                connection.send(reg == null ? EINVAL : registerHex(reg));
            }
            case 'P' -> {
                int eq = args.indexOf('=');
                GdbRegister reg = description.register((int) Hex.number(args.substring(0, eq)));
                String value = args.substring(eq + 1);
                boolean ok = reg != null && value.length() >= 2 * Math.min(reg.bytes(), Long.BYTES)
                        && GuestRegisters.write(target.machine().cpu(), reg,
                        Hex.littleEndian(value, 0, reg.bytes()));
                connection.send(ok ? "OK" : EINVAL);
            }
            case 'm' -> connection.send(readMemory(args));
            case 'M' -> {
                int colon = args.indexOf(':');
                connection.send(writeMemory(args.substring(0, colon), Hex.decode(args.substring(colon + 1))));
            }
            case 'X' -> {
                int colon = args.indexOf(':');
                connection.send(writeMemory(args.substring(0, colon),
                        args.substring(colon + 1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            }
            case 'Z', 'z' -> connection.send(breakpoint(command == 'Z', args));
            case 'c', 's' -> {
                if (!args.isEmpty()) {
                    target.machine().regs().setRip(Hex.number(args));
                }
                return command == 'c' ? Resume.CONTINUE : Resume.STEP;
            }
            case 'C', 'S' -> {
                // A signal gdb would pass on: the guest has no signals to take it; resume as c/s.
                int semi = args.indexOf(';');
                if (semi >= 0) {
                    target.machine().regs().setRip(Hex.number(args.substring(semi + 1)));
                }
                return command == 'C' ? Resume.CONTINUE : Resume.STEP;
            }
            case 'D' -> {
                connection.send("OK");
                return Resume.DETACH;
            }
            case 'k' -> {
                return Resume.KILL;
            }
            case 'H', 'T' -> connection.send("OK"); // the one thread is every thread
            case 'q' -> query(args);
            case 'Q' -> {
                if (args.equals("StartNoAckMode")) {
                    connection.send("OK");
                    connection.startNoAckMode();
                } else {
                    connection.send("");
                }
            }
            case 'v' -> {
                return verbose(args);
            }
            default -> connection.send("");
        }
        return null;
    }

    private void query(String args) throws IOException {
        if (args.startsWith("Supported")) {
            connection.send(String.format("PacketSize=%x;qXfer:features:read+;swbreak+;QStartNoAckMode+;"
                    + "vContSupported+", PACKET_SIZE));
        } else if (args.startsWith(TARGET_XML.substring(1))) {
            connection.send(targetXml(args.substring(TARGET_XML.length() - 1)));
        } else if (args.startsWith("Xfer:features:read:")) {
            connection.send(EINVAL); // an annex other than target.xml: uhv's description is one document
        } else if (args.equals("C")) {
            connection.send("QC" + THREAD);
        } else if (args.equals("fThreadInfo")) {
            connection.send("m" + THREAD);
        } else if (args.equals("sThreadInfo")) {
            connection.send("l");
        } else if (args.equals("Attached")) {
            connection.send("1"); // gdb detaches on quit rather than killing: the guest was there before it
        } else if (args.startsWith("Rcmd,")) {
            monitor(Hex.decodeText(args.substring(5)));
        } else {
            connection.send("");
        }
    }

    private Resume verbose(String args) throws IOException {
        if (args.equals("Cont?")) {
            connection.send("vCont;c;C;s;S");
            return null;
        }
        if (args.startsWith("Cont;")) {
            // One thread: its action is the first one; a step anywhere in the list is a step.
            for (String action : args.substring(5).split(";")) {
                char kind = action.isEmpty() ? 'c' : action.charAt(0);
                if (kind == 's' || kind == 'S') {
                    return Resume.STEP;
                }
            }
            return Resume.CONTINUE;
        }
        if (args.startsWith("Kill")) {
            connection.send("OK");
            return Resume.KILL;
        }
        connection.send(""); // vMustReplyEmpty and everything uhv does not do
        return null;
    }

    /** The description from offset, at most length bytes: 'm' when more follows, 'l' for the last part. */
    private String targetXml(String range) {
        int comma = range.indexOf(',');
        long offset = Hex.number(range.substring(0, comma));
        long length = Math.min(Hex.number(range.substring(comma + 1)), PACKET_SIZE - 8);
        String xml = description.xml();
        if (offset >= xml.length()) {
            return "l";
        }
        int end = (int) Math.min(xml.length(), offset + length);
        return (end == xml.length() ? "l" : "m") + xml.substring((int) offset, end);
    }

    private void monitor(String command) throws IOException {
        String text = MonitorCommands.run(command, target);
        // O packets hold what gdb prints as it arrives; each fits the packet size with its hex doubling.
        int chunk = PACKET_SIZE / 2 - 8;
        for (int i = 0; i < text.length(); i += chunk) {
            connection.send("O" + Hex.text(text.substring(i, Math.min(text.length(), i + chunk))));
        }
        connection.send("OK");
    }

    private String readAllRegisters() {
        StringBuilder out = new StringBuilder(description.gPacketBytes() * 2);
        for (GdbRegister reg : description.registers()) {
            Hex.appendLittleEndian(out, GuestRegisters.read(target.machine().cpu(), reg), reg.bytes());
        }
        return out.toString();
    }

    private String registerHex(GdbRegister reg) {
        StringBuilder out = new StringBuilder();
        Hex.appendLittleEndian(out, GuestRegisters.read(target.machine().cpu(), reg), reg.bytes());
        return out.toString();
    }

    /** G: the registers gdb may write take its values; the others keep theirs (gdb sends back what it read). */
    private void writeAllRegisters(String hex) {
        int offset = 0;
        for (GdbRegister reg : description.registers()) {
            if (offset + 2 * reg.bytes() > hex.length()) {
                break;
            }
            GuestRegisters.write(target.machine().cpu(), reg, Hex.littleEndian(hex, offset, reg.bytes()));
            offset += 2 * reg.bytes();
        }
    }

    /** m ADDR,LENGTH: the bytes up to the first one outside guest RAM; E14 when that is the first. */
    private String readMemory(String args) {
        int comma = args.indexOf(',');
        long address = Hex.number(args.substring(0, comma));
        int length = (int) Math.min(Hex.number(args.substring(comma + 1)), PACKET_SIZE / 2 - 4);
        Machine m = target.machine();
        StringBuilder out = new StringBuilder(2 * length);
        for (int i = 0; i < length && m.isMapped(address + i, 1); i++) {
            try {
                Hex.appendLittleEndian(out, m.read(address + i, 1), 1);
            } catch (GuestFault e) {
                break; // not RAM after all
            }
        }
        return out.length() == 0 && length > 0 ? EFAULT : out.toString();
    }

    /** M/X ADDR,LENGTH: writes through the emulators' path, so a scan of code it changes is dropped. */
    private String writeMemory(String range, byte[] data) {
        int comma = range.indexOf(',');
        long address = Hex.number(range.substring(0, comma));
        long length = Hex.number(range.substring(comma + 1));
        if (length != data.length) {
            return EINVAL;
        }
        Machine m = target.machine();
        if (length > 0 && !m.isMapped(address, data.length)) {
            return EFAULT;
        }
        try {
            for (int i = 0; i < data.length; i++) {
                m.write(address + i, 1, data[i]);
            }
        } catch (GuestFault e) {
            return EFAULT;
        }
        return "OK";
    }

    /** Z0/z0 ADDR,KIND: software breakpoints; other kinds get the empty reply (not supported). */
    private String breakpoint(boolean insert, String args) {
        String[] parts = args.split(",");
        if (!parts[0].equals("0")) {
            return "";
        }
        long address = Hex.number(parts[1]);
        if (!insert) {
            breakpoints.remove(address);
            return "OK";
        }
        if (!target.machine().isMapped(address, 1)) {
            return EFAULT;
        }
        return breakpoints.add(address) ? "OK" : EINVAL;
    }
}
