package dev.uhv.it;

import dev.uhv.exec.StateDump;
import dev.uhv.it.InProcess.GuestRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Year;
import java.time.ZoneOffset;

import static dev.uhv.it.Checks.assertLines;
import static dev.uhv.it.Checks.summaryText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The PC platform's port devices as a guest sees them (guests devices and kbd-reset), and the two
 * ways a guest ends the run through them: the Bochs shutdown port and the i8042 reset line.
 */
class DevicesTest {
    private static final long RAM = 48L << 20;

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    private static String bcd(int value) {
        return String.format("0x%02x", (value / 10) << 4 | value % 10);
    }

    @Test
    void devicesGuestReadsThePlatformAndShutsDown() {
        GuestRun run = InProcess.run(dir, "devices-mb.elf", "--mem", "48M"); // the multiboot build: 32-bit entry, then long mode
        int year = Year.now(ZoneOffset.UTC).getValue(); // the RTC runs on UTC, as QEMU's default -rtc base=utc
        long extendedKib = (RAM >> 10) - 1024;
        long above16m = (RAM - (16L << 20)) >> 16;
        assertLines(run.serial(),
                "pic master mask=0xfb",
                "pic slave mask=0xff",
                "pic irr=0x00",
                "pic isr=0x00",
                "elcr=0x00",
                "pit counter 0 decreasing",
                "pit read-back status=0x30",
                "pit calibration loop done",
                "rtc status b=0x02",
                "rtc status d=0x80",
                "rtc status a=0x26",
                "rtc century=" + bcd(year / 100),
                "rtc year=" + bcd(year % 100),
                String.format("cmos extended memory kib=0x%04x", extendedKib),
                String.format("cmos memory above 16m=0x%04x", above16m),
                "pci config address=0x80000000",
                "pci config data=0xffffffff",
                "fw_cfg signature=QEMU",
                "fw_cfg id=0x00000001",
                "fw_cfg cpus=0x0001",
                String.format("fw_cfg ram size=0x%016x", RAM),
                "fw_cfg files=0x00000001",
                "fw_cfg file select=0x0020",
                "fw_cfg file name=etc/e820",
                "e820 address=0x0000000000000000",
                String.format("e820 length=0x%016x", RAM),
                "e820 type=0x00000001",
                "i8042 status=0x14",
                "i8042 self-test=0x55",
                "i8042 command byte=0x61",
                "crlf\r",
                "devices done: Shutdown");
        assertEquals(0, run.status(), "exit status");
        StateDump d = run.dump();
        assertEquals("shutdown", d.exitReason());
        assertEquals(0, d.exitStatus());
        assertEquals("0x42", d.postCode());
        assertEquals("shutdown: the guest wrote \"Shutdown\" to port 0x8900", summaryText(run.summary(), d));
    }

    @Test
    void keyboardControllerResetEndsTheRunWithReset() {
        GuestRun run = InProcess.run(dir, "kbd-reset.elf");
        assertLines(run.serial(), "resetting through the i8042");
        assertEquals(0, run.status(), "exit status");
        StateDump d = run.dump();
        assertEquals("reset", d.exitReason());
        assertEquals("reset: the guest pulsed the reset line (i8042 keyboard controller)",
                summaryText(run.summary(), d));
        assertNull(d.postCode(), "nothing was written to port 0x80");
    }
}
