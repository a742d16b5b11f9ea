package dev.uhv.decoder;

import static dev.uhv.decoder.DecodeAssertions.assertDecodes64;
import static dev.uhv.decoder.DecodeAssertions.long64;
import static dev.uhv.decoder.DecodeAssertions.reg;
import static dev.uhv.decoder.Register.CR0;
import static dev.uhv.decoder.Register.CR4;
import static dev.uhv.decoder.Register.CR8;
import static dev.uhv.decoder.Register.DR7;
import static dev.uhv.decoder.Register.RAX;
import static dev.uhv.decoder.Register.RBX;

import org.junit.jupiter.api.Test;

/** mov to and from control and debug registers, MSR access and cpuid in 64-bit mode. */
class SystemRegisterDecodeTest {

    @Test
    void movToCr0() throws UndecodableException {
        assertDecodes64("0f 22 c0", long64(Mnemonic.MOV, 3, 64, 0, reg(CR0, 64), reg(RAX, 64)));
    }

    @Test
    void movFromCr0() throws UndecodableException {
        assertDecodes64("0f 20 c0", long64(Mnemonic.MOV, 3, 64, 0, reg(RAX, 64), reg(CR0, 64)));
    }

    @Test
    void movToCr8NeedsRexR() throws UndecodableException {
        assertDecodes64("44 0f 22 c0", long64(Mnemonic.MOV, 4, 64, 0, reg(CR8, 64), reg(RAX, 64)));
    }

    @Test
    void movToCr4FromRbx() throws UndecodableException {
        assertDecodes64("0f 22 e3", long64(Mnemonic.MOV, 3, 64, 0, reg(CR4, 64), reg(RBX, 64)));
    }

    @Test
    void movToDr7() throws UndecodableException {
        assertDecodes64("0f 23 f8", long64(Mnemonic.MOV, 3, 64, 0, reg(DR7, 64), reg(RAX, 64)));
    }

    @Test
    void msrAccessAndCpuidHaveOnlyImplicitOperands() throws UndecodableException {
        assertDecodes64("0f 32", long64(Mnemonic.RDMSR, 2, 32, 0));
        assertDecodes64("0f 30", long64(Mnemonic.WRMSR, 2, 32, 0));
        assertDecodes64("0f a2", long64(Mnemonic.CPUID, 2, 32, 0));
    }
}
