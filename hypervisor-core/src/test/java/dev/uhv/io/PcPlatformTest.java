package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.uhv.emulate.ExitReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The platform's wiring: which ports it claims, and where the stop requests go. */
class PcPlatformTest {
    private record Stop(ExitReason reason, int status, String detail) {
    }

    private PortBus bus;
    private PcPlatform platform;
    private final List<Stop> stops = new ArrayList<>();

    @BeforeEach
    void setUp() {
        bus = new PortBus();
        platform = new PcPlatform(bus, 32L << 20, new FakeClock(0), "root=/dev/vda",
                (reason, status, detail) -> stops.add(new Stop(reason, status, detail)));
    }

    @Test
    void claimsThePcPortsAndLeavesTheCharacterDevicesAlone() {
        int[] claimed = {0x20, 0x21, 0x40, 0x43, 0x60, 0x61, 0x64, 0x70, 0x71, 0x80, 0xa0, 0xa1, 0xf4, 0xf7, 0x4d0,
            0x4d1, 0x510, 0x511, 0xcf8, 0xcf9, 0xcfc, 0xcff, 0x8900, 0x3c0, 0x3d4, 0x3d5, 0x3da, 0x3df};
        for (int port : claimed) {
            assertNotNull(bus.deviceAt(port), () -> String.format("port 0x%x", port));
        }
        for (int port : new int[] {0x3f8, 0xe9, 0x514, 0x81, 0x62}) {
            assertNull(bus.deviceAt(port), () -> String.format("port 0x%x", port));
        }
    }

    @Test
    void keyboardControllerResetEndsTheRunWithReset() {
        bus.write(0x64, 1, 0xfe);
        assertEquals(List.of(new Stop(ExitReason.RESET, 0,
                "the guest pulsed the reset line (i8042 keyboard controller)")), stops);
    }

    @Test
    void resetControlRegisterEndsTheRunWithReset() {
        bus.write(0xcf9, 1, 0x06);
        assertEquals(List.of(new Stop(ExitReason.RESET, 0,
                "the guest wrote the reset control register (port 0xcf9)")), stops);
    }

    @Test
    void shutdownStringEndsTheRunWithShutdown() {
        for (char c : "Shutdown".toCharArray()) {
            bus.write(0x8900, 1, c);
        }
        assertEquals(List.of(new Stop(ExitReason.SHUTDOWN, 0, "the guest wrote \"Shutdown\" to port 0x8900")), stops);
    }

    @Test
    void debugExitCarriesTheDevicesStatus() {
        bus.write(0xf4, 1, 0x21);
        assertEquals(List.of(new Stop(ExitReason.DEBUG_EXIT, 0x43, "")), stops);
    }

    @Test
    void theVgaRegistersOnTheBusAreTheOnesThePlatformGives() {
        bus.write(0x3d4, 2, 0x050e);
        assertEquals(0x500, platform.vga().state().cursorLocation());
    }

    @Test
    void postCodeIsTheLastByteAtPort80() {
        assertEquals(PostCodePort.NONE, platform.postCode());
        bus.write(0x80, 1, 0x42);
        assertEquals(0x42, platform.postCode());
    }

    @Test
    void ramSizeAndCommandLineReachTheDevices() {
        bus.write(0x70, 1, 0x35); // CMOS: memory above 16 MiB in 64 KiB units, high byte
        assertEquals(1, bus.read(0x71, 1), "16 MiB = 0x100 units");
        bus.write(0x510, 2, 0x14); // fw_cfg: command line size
        assertEquals(14, bus.read(0x511, 1));
    }

    @Test
    void port61GatesThePitsCounter2() {
        bus.write(0x43, 1, 0xb0); // counter 2, mode 0
        bus.write(0x42, 1, 0x10);
        bus.write(0x42, 1, 0x00);
        assertEquals(0, bus.read(0x61, 1) & 0x20, "OUT2 low in mode 0 before terminal count");
        bus.write(0x61, 1, 0x01);
        assertEquals(1, bus.read(0x61, 1) & 0x01);
    }
}
