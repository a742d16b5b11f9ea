package dev.uhv.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.emulate.Personality;
import dev.uhv.loader.BootModule;
import dev.uhv.loader.ImageFormat;
import dev.uhv.memory.SharedRam;
import dev.uhv.scan.SensitiveMode;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Guest RAM without --mem: 64 MiB, or what the image and --stack need (an i386 program at 0x8048000). */
class AutomaticRamSizeTest {
    private static VmConfig raw(long loadAddress, int length, Long stack) {
        return new VmConfig(new byte[length], "test", ImageFormat.RAW, loadAddress, null,
                VmConfig.AUTOMATIC_MEM_SIZE, stack, -1, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), false, null, 0, false, Personality.DEFAULT, "", List.of(), SensitiveMode.AUTO, null,
                TransportKind.PTRACE);
    }

    @Test
    void aSmallImageGetsTheDefault() {
        assertEquals(VmConfig.DEFAULT_MEM_SIZE, Vm.automaticRamSize(raw(0x100000, 4096, null)));
    }

    @Test
    void anImageAboveTheDefaultGetsRamUpToItPlusAStackRoundedTo2MiB() {
        // 0x8048000 + 0x2000 + 1 MiB of stack, rounded up to 2 MiB.
        assertEquals(0x8200000L, Vm.automaticRamSize(raw(0x8048000, 0x2000, null)));
    }

    @Test
    void theStackPointerCountsToo() {
        assertEquals(0x1000_0000L, Vm.automaticRamSize(raw(0x100000, 4096, 0x1000_0000L)));
    }

    @Test
    void neverMoreThanUhvSupports() {
        assertEquals(SharedRam.MAX_SIZE, Vm.automaticRamSize(raw(0x7000_0000L, 4096, null)));
    }

    @Test
    void aMultibootKernelGetsRoomForItsModules() {
        // A flat multiboot kernel (a.out kludge) at 0x100000 with bss up to 0x101800.
        byte[] kernel = new byte[0x100];
        int flags = 1 << 16;
        ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN).putInt(0x1BADB002).putInt(flags)
                .putInt(-(0x1BADB002 + flags)).putInt(0x100000).putInt(0x100000).putInt(0).putInt(0x101800)
                .putInt(0x100000);
        VmConfig config = new VmConfig(kernel, "test", null, 0x100000, null, VmConfig.AUTOMATIC_MEM_SIZE,
                null, -1, OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), false, null, 0, false,
                Personality.DEFAULT, "", List.of(new BootModule("initrd", new byte[100 << 20], "")), SensitiveMode.AUTO, null,
                TransportKind.PTRACE);

        // The module from 0x102000 to 0x6502000, 1 MiB of stack, rounded up to 2 MiB.
        assertEquals(0x6800000L, Vm.automaticRamSize(config));
    }

    @Test
    void anImageThatDoesNotParseGetsTheDefaultAndTheLoaderSaysWhy() {
        VmConfig notElf = new VmConfig(new byte[16], "test", ImageFormat.ELF, 0x100000, null,
                VmConfig.AUTOMATIC_MEM_SIZE, null, -1, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), false, null, 0, false, Personality.DEFAULT, "", List.of(), SensitiveMode.AUTO, null,
                TransportKind.PTRACE);
        assertEquals(VmConfig.DEFAULT_MEM_SIZE, Vm.automaticRamSize(notElf));
    }
}
