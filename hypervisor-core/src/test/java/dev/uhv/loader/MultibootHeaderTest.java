package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static dev.uhv.loader.MultibootImages.le;
import static dev.uhv.loader.MultibootImages.v1Header;
import static dev.uhv.loader.MultibootImages.v1Kludge;
import static dev.uhv.loader.MultibootImages.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ImageLoadException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finding and checking a multiboot v1 header (Multiboot 0.6.96, 3.1.1-3.1.3). */
class MultibootHeaderTest {
    private static final byte[] BLANK = new byte[16384];

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 0x40, 0x1000, 8192 - 12})
    void isFoundAtAny4ByteAlignedOffsetWithinTheFirst8KiB(int offset) {
        MultibootHeader h = MultibootHeader.find(with(BLANK, offset, v1Header(3)));

        assertNotNull(h);
        assertEquals(offset, h.offset());
        assertEquals(3, h.flags());
        assertNull(h.addresses(), "no address fields without flags bit 16");
        assertEquals(ImageFormat.MULTIBOOT, ImageFormat.detect(with(BLANK, offset, v1Header(3))));
    }

    @Test
    void isNotFoundPastTheFirst8KiBOrMisaligned() {
        assertNull(MultibootHeader.find(with(BLANK, 8192 - 8, v1Header(3))), "the header must end within 8 KiB");
        assertNull(MultibootHeader.find(with(BLANK, 8192, v1Header(3))));
        assertNull(MultibootHeader.find(with(BLANK, 2, v1Header(3))), "must be 4-byte aligned");
        assertEquals(ImageFormat.RAW, ImageFormat.detect(with(BLANK, 2, v1Header(3))));
    }

    @Test
    void aMagicWithAWrongChecksumIsSkippedAndTheSearchGoesOn() {
        byte[] bad = le(MultibootImages.V1_MAGIC, 3, 0x12345678);
        assertNull(MultibootHeader.find(with(BLANK, 0x20, bad)));
        assertEquals(0x20, MultibootHeader.magicOffset(with(BLANK, 0x20, bad), false));

        MultibootHeader h = MultibootHeader.find(with(with(BLANK, 0x20, bad), 0x80, v1Header(0)));

        assertEquals(0x80, h.offset());
    }

    @Test
    void readsTheKludgeAddressFields() throws Exception {
        MultibootHeader h = MultibootHeader.find(with(BLANK, 8, v1Kludge(1, 0x100008, 0x100000, 0x101000, 0x102000,
                0x100020))).check();

        assertTrue(h.hasAoutKludge());
        assertEquals(new MultibootAddresses(0x100008, 0x100000, 0x101000, 0x102000), h.addresses());
        assertEquals(0x100020, h.entry());
    }

    @Test
    void unknownRequiredFlagsAreRefused() {
        MultibootHeader h = MultibootHeader.find(with(BLANK, 0, v1Header(0x8003)));

        String message = assertRefused(Reason.MULTIBOOT_UNSUPPORTED, h::check);

        assertEquals("the multiboot header at 0x0 requires flags 0x8000 (bits 0-15 of flags 0x8003), which uhv does"
                + " not know; it knows bits 0 (page-aligned modules), 1 (memory information) and 2 (video mode, given"
                + " no video)", message);
    }

    @Test
    void theVideoModeAndUnknownOptionalFlagsAreAccepted() throws Exception {
        MultibootHeader h = MultibootHeader.find(with(BLANK, 0, v1Header(0x0002_0007))).check();

        assertTrue(h.wantsVideoMode());
    }

    @Test
    void aKludgeHeaderCutShortIsRefused() {
        byte[] image = with(new byte[0], 0, java.util.Arrays.copyOf(v1Kludge(0, 0, 0, 0, 0, 0), 20));
        MultibootHeader h = MultibootHeader.find(image);

        assertRefused(Reason.BAD_MULTIBOOT_HEADER, h::check);
        MultibootHeader atEnd = MultibootHeader.find(with(BLANK, 8192 - 12, v1Kludge(0, 0, 0, 0, 0, 0)));
        assertRefused(Reason.BAD_MULTIBOOT_HEADER, atEnd::check);
    }
}
