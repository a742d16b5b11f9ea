package dev.uhv.gdb;

/** gdb's `monitor` commands (qRcmd): `info registers|cr|msrs|gdt|idt|cpuid|traps` and `help`. */
public final class MonitorCommands {
    static final String HELP = "uhv monitor commands:\n"
            + "  info registers  general and segment registers (with their descriptors), rip, rflags, CPL\n"
            + "  info cr         CR0, CR2, CR3, CR4, CR8 and EFER, with their bits by name\n"
            + "  info msrs       every MSR uhv models, with its value\n"
            + "  info gdt        the guest's GDT, decoded\n"
            + "  info idt        the guest's IDT, its present gates decoded\n"
            + "  info cpuid      the CPUID leaves the guest sees\n"
            + "  info traps      traps so far by instruction family\n";

    private MonitorCommands() {
    }

    /** What the command prints, ended by a newline. */
    public static String run(String command, GdbTarget target) {
        String[] words = command.trim().split("\\s+");
        if (words.length == 2 && words[0].equals("info")) {
            var m = target.machine();
            switch (words[1]) {
                case "registers":
                    return MonitorTables.registers(m);
                case "cr":
                    return MonitorTables.controlRegisters(m.cpu());
                case "msrs":
                    return MonitorTables.msrs(m.cpu().msrs());
                case "gdt":
                    return MonitorTables.gdt(m.cpu(), m);
                case "idt":
                    return MonitorTables.idt(m.cpu(), m);
                case "cpuid":
                    return MonitorTables.cpuid(m.cpu());
                case "traps":
                    return MonitorTables.traps(target.trapsByFamily());
                default:
                    break;
            }
        }
        if (words.length == 1 && (words[0].equals("help") || words[0].isEmpty())) {
            return HELP;
        }
        return "unknown monitor command '" + command.trim() + "'\n" + HELP;
    }
}
