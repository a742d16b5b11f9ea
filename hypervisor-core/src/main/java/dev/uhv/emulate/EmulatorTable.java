package dev.uhv.emulate;

import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;

import java.util.ArrayList;
import java.util.List;

/** Dispatch from a decoded instruction to the family that emulates it: an array by mnemonic. */
public final class EmulatorTable {
    private final Emulator[][] byMnemonic = new Emulator[Mnemonic.values().length][];

    public EmulatorTable(List<Emulator> emulators) {
        List<List<Emulator>> lists = new ArrayList<>();
        for (int i = 0; i < byMnemonic.length; i++) {
            lists.add(new ArrayList<>());
        }
        for (Emulator e : emulators) {
            for (Mnemonic mn : e.mnemonics()) {
                lists.get(mn.ordinal()).add(e);
            }
        }
        for (int i = 0; i < byMnemonic.length; i++) {
            byMnemonic[i] = lists.get(i).toArray(new Emulator[0]);
        }
    }

    /** Every family uhv emulates, with the hardware's system calls. */
    public static EmulatorTable standard() {
        return standard(null);
    }

    /** Every family uhv emulates; personality (or null) serves the guest's system calls. */
    public static EmulatorTable standard(SystemCallPersonality personality) {
        return new EmulatorTable(List.of(new ControlRegisterEmulator(), new DebugRegisterEmulator(),
                new MsrEmulator(), new CpuidEmulator(), new PortIoEmulator(), new DescriptorTableEmulator(),
                new SystemEmulator(), new TimeStampEmulator(), new SystemCallEmulator(personality),
                new InterruptEmulator(personality), new SegmentLoadEmulator(), new SegmentReadEmulator(),
                new FarTransferEmulator(), new FlagsEmulator()));
    }

    /** The emulator for insn, or null when uhv does not emulate it. */
    public Emulator find(DecodedInstruction insn) {
        for (Emulator e : byMnemonic[insn.mnemonic().ordinal()]) {
            if (e.accepts(insn)) {
                return e;
            }
        }
        return null;
    }
}
