package dev.uhv.io;

import dev.uhv.emulate.ExitReason;
import java.util.Objects;

/**
 * The PC platform's fixed port devices, created and registered on a port bus: the 8259 pair and its
 * ELCR, the 8254 and port 0x61, the CMOS RTC, the i8042, PCI configuration mechanism #1 with the
 * reset control register, QEMU's fw_cfg, the POST code port, the Bochs shutdown port, QEMU's
 * isa-debug-exit and the VGA's registers (text mode 3). Devices that end the run (debug exit, reset, shutdown) do so through one
 * {@link StopRequest}. The character devices (COM1, debugcon) belong to the VM, which owns their
 * host streams.
 */
public final class PcPlatform {
    private final PostCodePort postCode = new PostCodePort();
    private final VgaCrtc vga = new VgaCrtc();

    /**
     * @param bus         the port bus to register on; the platform's ports must be free
     * @param ramSize     guest RAM in bytes (CMOS memory bytes, fw_cfg RAM size and e820)
     * @param clock       host time for the PIT, port 0x61 and the RTC
     * @param commandLine the kernel command line fw_cfg offers ("" for none)
     * @param stop        where debug exit, reset and shutdown requests go
     */
    public PcPlatform(PortBus bus, long ramSize, HostClock clock, String commandLine, StopRequest stop) {
        Objects.requireNonNull(stop, "stop");
        Runnable reset = () -> stop.stop(ExitReason.RESET, ExitReason.RESET.status(),
                "the guest pulsed the reset line (i8042 keyboard controller)");
        Runnable resetControl = () -> stop.stop(ExitReason.RESET, ExitReason.RESET.status(),
                "the guest wrote the reset control register (port 0xcf9)");
        Runnable shutdown = () -> stop.stop(ExitReason.SHUTDOWN, ExitReason.SHUTDOWN.status(),
                "the guest wrote \"Shutdown\" to port 0x8900");

        Pic8259 master = new Pic8259("pic-master", IrqLine.NONE);
        Pic8259 slave = new Pic8259("pic-slave", master.irqLine(Pic8259.CASCADE_IRQ));
        Pit8254 pit = new Pit8254(clock::monotonicNanos);
        I8042 keyboardController = new I8042(reset);

        bus.register(Pic8259.MASTER_BASE, Pic8259.PORT_COUNT, master);
        bus.register(Pic8259.SLAVE_BASE, Pic8259.PORT_COUNT, slave);
        bus.register(Elcr.BASE, Elcr.PORT_COUNT, new Elcr());
        bus.register(Pit8254.BASE, Pit8254.PORT_COUNT, pit);
        bus.register(SystemControlPortB.PORT, 1, new SystemControlPortB(pit, clock::monotonicNanos));
        bus.register(I8042.DATA_PORT, 1, keyboardController.dataPort());
        bus.register(I8042.COMMAND_PORT, 1, keyboardController.commandPort());
        bus.register(CmosRtc.BASE, CmosRtc.PORT_COUNT, new CmosRtc(ramSize, clock::wallClockNanos));
        bus.register(PostCodePort.PORT, 1, postCode);
        bus.register(PciConfigPorts.BASE, PciConfigPorts.PORT_COUNT,
                new PciConfigPorts(new ResetControlRegister(resetControl)));
        bus.register(FwCfg.BASE, FwCfg.PORT_COUNT, new FwCfg(ramSize, commandLine));
        bus.register(BochsShutdownPort.PORT, 1, new BochsShutdownPort(shutdown));
        bus.register(IsaDebugExit.PORT, IsaDebugExit.SIZE,
                new IsaDebugExit(status -> stop.stop(ExitReason.DEBUG_EXIT, status, "")));
        bus.register(VgaCrtc.BASE, VgaCrtc.PORT_COUNT, vga);
    }

    /** The last POST code the guest wrote to port 0x80, or {@link PostCodePort#NONE}. */
    public int postCode() {
        return postCode.lastCode();
    }

    /** The VGA's registers: the cursor and display start the text screen renderers read. */
    public VgaCrtc vga() {
        return vga;
    }
}
