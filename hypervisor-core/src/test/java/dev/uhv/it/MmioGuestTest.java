package dev.uhv.it;

import static dev.uhv.it.Checks.assertHex;
import static dev.uhv.it.Checks.assertLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.exec.RunResult;
import dev.uhv.exec.StateDump;
import dev.uhv.exec.Vm;
import dev.uhv.exec.VmConfig;
import dev.uhv.io.RecordingMmioDevice;
import dev.uhv.loader.ImageLoadException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mmio guest (guests/README.md) against a recording device registered on the VM's MMIO bus,
 * in this JVM through the Vm API (the CLI has no way to add a test device): the native accesses
 * fault in the child, are emulated, and reach the device; values and flags come back to the guest;
 * the unclaimed page after the device is still the guest's #PF.
 */
class MmioGuestTest {
    private static final long DEV = 0xfed0_0000L;
    private static final int DEV_SIZE = 0x2000;
    private static final String GUEST = "mmio.elf";

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    private record Run(RunResult result, StateDump dump, String serial) {
    }

    private static Run run(RecordingMmioDevice device) throws ImageLoadException, InterruptedException {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        VmConfig config = Guests.config(GUEST, serial, Duration.ofSeconds(30));
        try (Vm vm = Vm.create(config)) {
            if (device != null) {
                vm.mmio().register(DEV, DEV_SIZE, device);
            }
            RunResult result = vm.run();
            vm.flushOutput();
            return new Run(result, vm.dump(result), serial.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void nativeAccessesReachTheDeviceAndTheUnclaimedPageAfterItFaults() throws Exception {
        RecordingMmioDevice device = new RecordingMmioDevice("testdev", DEV_SIZE);

        Run run = run(device);

        assertLines(run.serial(),
                "mmio: device at 0xfed00000",
                "mov eax=0x0000000012345678",
                "movabs rax=0x8877665544332211",
                "stores=0x075abeefcafef00d",
                "movsxd=0xffffffff80000000",
                "add flags=0x0055",
                "cmp flags=0x0095",
                "sub flags=0x0810",
                "test flags=0x0080",
                "inc flags=0x0895",
                "or and xor add=0x00002134",
                "movsq to ram=0xa5a5a5a5a5a5a5a5",
                "movsb backward=0x64636261",
                "mmio checks done; reading the unclaimed page after the device");
        assertEquals(ExitReason.UNHANDLED_EXCEPTION, run.result().reason(), run.result().summary());
        assertEquals("unhandled guest exception #PF", run.dump().exitReason());
        assertHex(DEV + DEV_SIZE, run.dump().controlRegisters().get("cr2"), "cr2");
        assertHex(Guests.symbol(GUEST, "unclaimed_read"), run.dump().registers().get("rip"), "rip at the read");
        assertEquals(expectedAccesses(), device.accesses());
        assertEquals(0xcccc_cccc_cccc_ccccL, device.peek(DEV_SIZE - 8, 8), "the long rep stosb reached the end");
        // One trap per instruction, the long rep stosb too (uhv's bounded steps run within its trap).
        long instructions = 48;
        assertEquals(instructions, run.result().trapsByFamily().get(InstructionFamily.MMIO));
        assertTrue(run.dump().trapsByFamily().containsKey("mmio"), run.dump().trapsByFamily().toString());
    }

    /** What the device sees, in order: every access the guest's instructions make to it. */
    private static List<String> expectedAccesses() {
        List<String> a = new ArrayList<>(List.of(
                // mov
                "w10/4=12345678", "r10/4", "r10/1", "r11/1", "r12/2", "w18/8=8877665544332211", "r18/8",
                "w20/4=cafef00d", "w24/2=beef", "w26/1=5a", "w27/1=7", "r20/8",
                // movzx, movsx, movsxd
                "w28/1=80", "r28/1", "r28/1", "w2c/4=80000000", "r2c/4",
                // add, cmp, sub, test, adc, sbb, inc, neg, not
                "w30/4=ffffffff", "r30/4", "w30/4=0", "r30/4", "r30/4",
                "w34/1=80", "r34/1", "w34/1=7f", "w35/1=81", "r35/1",
                "w38/4=ffffffff", "r38/4", "w38/4=0", "r38/4", "w38/4=ffffffff", "r38/4",
                "w3c/4=7fffffff", "r3c/4", "w3c/4=80000000", "r3c/4", "w3c/4=80000000", "r3c/4",
                "w3c/4=7fffffff", "r3c/4",
                // or, and, xor, add into eax
                "w40/4=f0f0", "r40/4", "w40/4=fff0", "r40/2", "w40/2=ff0", "r40/4", "w40/4=f00", "r40/4",
                // xchg, bt
                "r40/4", "w40/4=abcdef01", "r40/4", "r40/4", "r40/4",
                // rep stosl, rep movsq to RAM, rep movsb backward from RAM
                "w100/4=a5a5a5a5", "w104/4=a5a5a5a5", "w108/4=a5a5a5a5", "w10c/4=a5a5a5a5", "r100/8", "r108/8",
                "w203/1=64", "w202/1=63", "w201/1=62", "w200/1=61", "r200/4"));
        for (int offset = 0x800; offset < DEV_SIZE; offset++) {
            a.add("w" + Integer.toHexString(offset) + "/1=cc");
        }
        return a;
    }

    @Test
    void withoutTheDeviceTheFirstAccessIsThePageFaultItAlwaysWas() throws Exception {
        Run run = run(null);

        assertLines(run.serial(), "mmio: device at 0xfed00000");
        assertEquals("unhandled guest exception #PF", run.dump().exitReason());
        assertHex(DEV + 0x10, run.dump().controlRegisters().get("cr2"), "cr2");
        assertFalse(run.result().trapsByFamily().containsKey(InstructionFamily.MMIO));
    }
}
