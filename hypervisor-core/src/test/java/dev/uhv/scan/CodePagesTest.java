package dev.uhv.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The table of scanned pages over a heap {@link GuestMemory} and a protector that records what the
 * child would be told: the first fetch scans, patches and makes the page read-execute; writes
 * (native and emulated) undo the patches; entry points pass between pages; patch bytes stay hidden
 * from uhv's own reads.
 */
class CodePagesTest {
    private static final int R = PageProtector.READ, W = PageProtector.WRITE, X = PageProtector.EXECUTE;
    private static final long RAM_START = 0x1000, RAM_END = 0x9000;
    private static final int PAGE = 4096;

    record Protection(long address, long length, int prot) {
    }

    private final GuestMemory memory = GuestMemory.allocate((int) RAM_END);
    private final List<Protection> protections = new ArrayList<>();
    private final SensitiveInstructions sensitive = new SensitiveInstructions(true);
    private final CodePages pages = new CodePages(memory, RAM_START, RAM_END,
            (address, length, prot) -> protections.add(new Protection(address, length, prot)), sensitive);

    /**
     * The code of page 0x2000:
     * <pre>
     * 2000: 9c              pushfq                  patched
     * 2001: 48 89 c3        mov rbx, rax
     * 2004: 0f a2           cpuid                   patched
     * 2006: b8 9c 9c 9c 9c  mov eax, 0x9c9c9c9c     (no pushfq inside)
     * 200b: 9d              popfq                   patched
     * 200c: c3              ret
     * 200d: 9c 9d c3        pushfq; popfq; ret      reached by no direct branch
     * </pre>
     */
    private static final String CODE = "9c 48 89 c3 0f a2 b8 9c 9c 9c 9c 9d c3 9c 9d c3";
    private static final String PATCHED = "f4 48 89 c3 f4 a2 b8 9c 9c 9c 9c f4 c3 9c 9d c3";
    private static final int CODE_INSTRUCTIONS = 6;

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private void put(long address, String hex) {
        byte[] bytes = hex(hex);
        memory.write(address, bytes, 0, bytes.length);
    }

    private byte[] bytes(long address, int length) {
        byte[] out = new byte[length];
        memory.read(address, out, 0, length);
        return out;
    }

    private void assertBytes(String expected, long address) {
        byte[] want = hex(expected);
        assertEquals(HexFormat.ofDelimiter(" ").formatHex(want),
                HexFormat.ofDelimiter(" ").formatHex(bytes(address, want.length)),
                "bytes at " + Long.toHexString(address));
    }

    private void scanCode() {
        put(0x2000, CODE);
        pages.scanForExecution(0x2abc, 0x2000, 64);
    }

    private static Protection protection(long address, int prot) {
        return new Protection(address, PAGE, prot);
    }

    @Test
    void nothingIsScannedOrPatchedBeforeTheFirstFetch() {
        put(0x2000, CODE);
        assertFalse(pages.isScanned(0x2000));
        assertNull(pages.siteAt(0x2000));
        assertEquals(List.of(), pages.patches());
        assertEquals(0x1234_5678L, pages.hidePatches(0x2000, 4, 0x1234_5678L));
        ScanStatistics s = pages.statistics();
        assertEquals(0, s.pagesScanned());
        assertEquals(0, s.rescans());
        assertEquals(0, s.invalidations());
        assertEquals(0, s.instructionsDecoded());
        assertSame(sensitive, pages.sensitive());
    }

    @Test
    void theFirstFetchPatchesTheSensitiveInstructionsAndMakesThePageReadExecuteOnce() {
        scanCode();

        assertBytes(PATCHED, 0x2000);
        assertEquals(List.of(protection(0x2000, R | X)), protections);
        assertTrue(pages.isScanned(0x2000));
        assertTrue(pages.isScanned(0x2fff));
        assertFalse(pages.isScanned(0x1fff));
        assertFalse(pages.isScanned(0x3000));
        ScanStatistics s = pages.statistics();
        assertEquals(1, s.pagesScanned());
        assertEquals(0, s.rescans());
        assertEquals(0, s.invalidations());
        assertEquals(CODE_INSTRUCTIONS, s.instructionsDecoded());
        assertTrue(s.scanSeconds() >= 0);
    }

    @Test
    void siteAtGivesThePatchThatStartsThere() {
        scanCode();

        PatchSite pushf = pages.siteAt(0x2000);
        assertNotNull(pushf);
        assertEquals(0x2000, pushf.address());
        assertEquals(1, pushf.length());
        assertEquals("pushfq", pushf.text());
        assertEquals(0x9c, pushf.originalByte());
        assertEquals(0, pushf.traps());
        PatchSite cpuid = pages.siteAt(0x2004);
        assertEquals(0x2004, cpuid.address());
        assertEquals(2, cpuid.length());
        assertEquals("cpuid", cpuid.text());
        assertEquals(0x0f, cpuid.originalByte());
        PatchSite popf = pages.siteAt(0x200b);
        assertEquals("popfq", popf.text());
        assertEquals(0x9d, popf.originalByte());
        for (long notAPatch : new long[] {0x2001, 0x2005, 0x2006, 0x2007, 0x200c, 0x200d, 0x3000}) {
            assertNull(pages.siteAt(notAPatch), Long.toHexString(notAPatch));
        }
        assertEquals(PatchSite.TRAP_OPCODE, memory.readU8(0x2004));
    }

    @Test
    void hidePatchesPutsTheOriginalBytesIntoAReadThatSpansPatches() {
        put(0x1ff8, "11 22 33 44 55 66 77 88");
        scanCode();

        byte[] buf = bytes(0x1ff8, 24);
        pages.hidePatches(0x1ff8, buf, 24);

        assertArrayEquals(hex("11 22 33 44 55 66 77 88 " + CODE), buf);
        assertBytes(PATCHED, 0x2000); // memory itself keeps the patches
    }

    @Test
    void hidePatchesLeavesAReadThatTouchesNoPatchAlone() {
        put(0x5000, "f4 9c");          // the guest's own hlt and pushfq in a page not scanned
        scanCode();

        byte[] inside = bytes(0x2005, 6); // a2 b8 9c 9c 9c 9c: between the patches
        pages.hidePatches(0x2005, inside, 6);
        assertArrayEquals(hex("a2 b8 9c 9c 9c 9c"), inside);

        byte[] other = bytes(0x5000, 2);
        pages.hidePatches(0x5000, other, 2);
        assertArrayEquals(hex("f4 9c"), other);
    }

    @Test
    void hidePatchesLooksOnlyAtTheFirstNBytes() {
        scanCode();

        byte[] buf = bytes(0x2001, 15); // 0x2001..0x200f, with the patches at 0x2004 and 0x200b
        pages.hidePatches(0x2001, buf, 3);

        assertArrayEquals(hex("48 89 c3 f4 a2 b8 9c 9c 9c 9c f4 c3 9c 9d c3"), buf);
        byte[] whole = bytes(0x2001, 15);
        pages.hidePatches(0x2001, whole, 15);
        assertArrayEquals(hex("48 89 c3 0f a2 b8 9c 9c 9c 9c 9d c3 9c 9d c3"), whole);
    }

    @Test
    void hidePatchesOfAValueReplacesEveryPatchByteInIt() {
        scanCode();

        long read = memory.read(0x2000, 8);
        assertEquals(0x9cb8_a2f4_c389_48f4L, read); // f4 48 89 c3 f4 a2 b8 9c, little-endian
        assertEquals(0x9cb8_a20f_c389_489cL, pages.hidePatches(0x2000, 8, read));
        assertEquals(0x0fc3L, pages.hidePatches(0x2003, 2, memory.read(0x2003, 2)));
        assertEquals(0x9dL, pages.hidePatches(0x200b, 1, memory.read(0x200b, 1)));
        assertEquals(0xc389L, pages.hidePatches(0x2002, 2, memory.read(0x2002, 2)), "no patch in it");
        assertEquals(0xf4L, pages.hidePatches(0x3000, 1, 0xf4), "not a patch");
    }

    @Test
    void originalBytesReadsRamWithThePatchesUndone() {
        put(0x0ff8, "11 22 33 44 55 66 77 88"); // in memory, below the RAM the table manages
        put(0x8ff8, "01 02 03 04 05 06 07 08");
        scanCode();

        byte[] window = new byte[16];
        assertEquals(16, pages.originalBytes(0x2000, window));
        assertArrayEquals(hex(CODE), window);
        assertBytes(PATCHED, 0x2000);

        byte[] end = new byte[16];
        assertEquals(8, pages.originalBytes(0x8ff8, end), "stops at the end of RAM");
        assertArrayEquals(hex("01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00"), end);

        byte[] below = new byte[8];
        assertEquals(0, pages.originalBytes(0x0ff8, below));
        assertArrayEquals(new byte[8], below);
        assertEquals(0, pages.originalBytes(RAM_END, new byte[8]));
    }

    @Test
    void coversIsTheRamGivenToTheConstructor() {
        assertFalse(pages.covers(RAM_START - 1));
        assertTrue(pages.covers(RAM_START));
        assertTrue(pages.covers(RAM_END - 1));
        assertFalse(pages.covers(RAM_END));
        assertFalse(pages.covers(-1));
        assertEquals(0x2000, CodePages.pageOf(0x2fff));
        assertEquals(0x3000, CodePages.pageOf(0x3000));
    }

    @Test
    void aNativeWriteRestoresTheOriginalBytesAndMakesThePageReadWrite() {
        scanCode();

        pages.invalidate(0x2008, false);

        assertBytes(CODE, 0x2000);
        assertEquals(List.of(protection(0x2000, R | X), protection(0x2000, R | W)), protections);
        assertFalse(pages.isScanned(0x2000));
        assertNull(pages.siteAt(0x2000));
        assertNull(pages.siteAt(0x2004));
        long read = memory.read(0x2000, 8);
        assertEquals(read, pages.hidePatches(0x2000, 8, read), "nothing left to hide");
        ScanStatistics s = pages.statistics();
        assertEquals(1, s.pagesScanned());
        assertEquals(1, s.invalidations());
        assertEquals(0, s.rescans());
    }

    @Test
    void aWriterInThePageItWritesRunsOnceWithTheProtectionReadWriteExecute() {
        scanCode();

        pages.invalidate(0x2ff0, true);
        assertBytes(CODE, 0x2000);
        assertEquals(List.of(protection(0x2000, R | X), protection(0x2000, R | W | X)), protections);

        pages.afterStep(0x2123);
        assertEquals(List.of(protection(0x2000, R | X), protection(0x2000, R | W | X), protection(0x2000, R | W)),
                protections);
        assertFalse(pages.isScanned(0x2000));
    }

    @Test
    void theNextFetchAfterAWriteRescans() {
        scanCode();
        pages.invalidate(0x2000, false);

        pages.scanForExecution(0x2000, 0x2000, 64);

        assertBytes(PATCHED, 0x2000);
        assertTrue(pages.isScanned(0x2000));
        assertEquals(List.of(protection(0x2000, R | X), protection(0x2000, R | W), protection(0x2000, R | X)),
                protections);
        ScanStatistics s = pages.statistics();
        assertEquals(2, s.pagesScanned());
        assertEquals(1, s.rescans());
        assertEquals(1, s.invalidations());
        assertEquals(2 * CODE_INSTRUCTIONS, s.instructionsDecoded());
    }

    @Test
    void patchesAWriteTookOutAreReportedInactiveAndARescanResumesTheirCounts() {
        scanCode();
        for (int i = 0; i < 3; i++) {
            pages.siteAt(0x2004).countTrap();
        }
        pages.siteAt(0x2000).countTrap();
        assertEquals(List.of(
                new PatchReport(0x2000, 1, "pushfq", 1, true),
                new PatchReport(0x2004, 2, "cpuid", 3, true),
                new PatchReport(0x200b, 1, "popfq", 0, true)), pages.patches());

        pages.invalidate(0x2000, false);
        assertEquals(List.of(
                new PatchReport(0x2000, 1, "pushfq", 1, false),
                new PatchReport(0x2004, 2, "cpuid", 3, false),
                new PatchReport(0x200b, 1, "popfq", 0, false)), pages.patches());

        pages.scanForExecution(0x2000, 0x2000, 64);
        assertEquals(List.of(
                new PatchReport(0x2000, 1, "pushfq", 1, true),
                new PatchReport(0x2004, 2, "cpuid", 3, true),
                new PatchReport(0x200b, 1, "popfq", 0, true)), pages.patches());
        assertEquals(3, pages.siteAt(0x2004).traps());
        pages.siteAt(0x2004).countTrap();

        // The guest rewrites its code: cpuid becomes two nops, popfq a pushfq.
        pages.invalidate(0x2004, false);
        put(0x2004, "90 90");
        put(0x200b, "9c");
        pages.scanForExecution(0x2000, 0x2000, 64);
        assertEquals(List.of(
                new PatchReport(0x2000, 1, "pushfq", 1, true),
                new PatchReport(0x2004, 2, "cpuid", 4, false),
                new PatchReport(0x200b, 1, "pushfq", 0, true)), pages.patches());
        assertBytes("f4 48 89 c3 90 90 b8 9c 9c 9c 9c f4 c3", 0x2000);
        assertEquals(0x9c, pages.siteAt(0x200b).originalByte());
    }

    @Test
    void anEmulatedWriteToDataBesideCodeKeepsTheScan() {
        scanCode();

        memory.writeU8(0x200e, 0x90);  // after ret: bytes no path decoded
        pages.onEmulatedWrite(0x200e, 1);
        memory.write(0x2010, 8, 0x1122_3344_5566_7788L);
        pages.onEmulatedWrite(0x2010, 8);
        memory.write(0x1ff8, 8, -1L);   // the page before, up to the first byte of this one
        pages.onEmulatedWrite(0x1ff8, 8);
        pages.onEmulatedWrite(0x3000, 8); // a page not scanned

        assertTrue(pages.isScanned(0x2000));
        assertBytes("f4 48 89 c3 f4 a2 b8 9c 9c 9c 9c f4 c3 9c 90 c3", 0x2000);
        assertEquals(List.of(protection(0x2000, R | X)), protections);
        assertEquals(0, pages.statistics().invalidations());
        assertNotNull(pages.siteAt(0x2004));
    }

    @Test
    void anEmulatedWriteToADecodedInstructionByteDropsTheScan() {
        scanCode();

        memory.writeU8(0x2009, 0x00); // the immediate of mov eax, 0x9c9c9c9c: mov eax, 0x9c009c9c
        pages.onEmulatedWrite(0x2009, 1);

        assertFalse(pages.isScanned(0x2000));
        assertBytes("9c 48 89 c3 0f a2 b8 9c 9c 00 9c 9d c3 9c 9d c3", 0x2000);
        assertEquals(List.of(protection(0x2000, R | X), protection(0x2000, R | W)), protections);
        assertEquals(1, pages.statistics().invalidations());
        assertNull(pages.siteAt(0x2000));
        assertFalse(pages.patches().get(0).active());
    }

    /**
     * uhv writes guest RAM first and tells the table after (Machine.write): where the write covers a
     * patched byte, memory already holds the guest's new byte, which dropping the scan must not
     * overwrite with the byte the patch replaced.
     */
    @Test
    void anEmulatedWriteOverAPatchedByteKeepsTheBytesItWrote() {
        scanCode();

        memory.write(0x2000, 8, 0x9cb8_9090_9090_9090L); // 90 90 90 90 90 90 b8 9c: pushfq and cpuid become nops
        pages.onEmulatedWrite(0x2000, 8);

        assertBytes("90 90 90 90 90 90 b8 9c 9c 9c 9c 9d c3 9c 9d c3", 0x2000);
        assertFalse(pages.isScanned(0x2000));
        assertEquals(List.of(protection(0x2000, R | X), protection(0x2000, R | W)), protections);
        long read = memory.read(0x2000, 8);
        assertEquals(read, pages.hidePatches(0x2000, 8, read));

        pages.scanForExecution(0x2000, 0x2000, 64);
        assertBytes("90 90 90 90 90 90 b8 9c 9c 9c 9c f4 c3", 0x2000);
        assertEquals(List.of(
                new PatchReport(0x2000, 1, "pushfq", 0, false),
                new PatchReport(0x2004, 2, "cpuid", 0, false),
                new PatchReport(0x200b, 1, "popfq", 0, true)), pages.patches());
    }

    @Test
    void anEmulatedWriteOfOneByteOverAPatchKeepsIt() {
        scanCode();

        memory.writeU8(0x200b, 0x9c);  // popfq becomes pushfq
        pages.onEmulatedWrite(0x200b, 1);

        assertBytes("9c 48 89 c3 0f a2 b8 9c 9c 9c 9c 9c c3", 0x2000);
        pages.scanForExecution(0x2000, 0x2000, 64);
        assertBytes("f4 48 89 c3 f4 a2 b8 9c 9c 9c 9c f4 c3", 0x2000);
        assertEquals("pushfq", pages.siteAt(0x200b).text());
        assertEquals(0x9c, pages.siteAt(0x200b).originalByte());
    }

    @Test
    void anEmulatedWriteFromThePageBeforeIntoDecodedBytesDropsTheScan() {
        scanCode();

        memory.write(0x1ffe, 4, 0x489c_0000L); // 00 00 | 9c 48: the same code bytes written again
        pages.onEmulatedWrite(0x1ffe, 4);

        assertFalse(pages.isScanned(0x2000));
        assertBytes("00 00 " + CODE, 0x1ffe);
        assertEquals(List.of(protection(0x2000, R | X), protection(0x2000, R | W)), protections);
    }

    /**
     * <pre>
     * 4000: e8 fb 10 00 00  call 0x5100
     * 4005: c3              ret
     *
     * 5000: 0f a2           cpuid
     * 5002: c3              ret
     * 5100: 9c              pushfq      a function only page 0x4000 calls
     * 5101: 9d              popfq
     * 5102: c3              ret
     * </pre>
     */
    private void callerAndCallee() {
        put(0x4000, "e8 fb 10 00 00 c3");
        put(0x5000, "0f a2 c3");
        put(0x5100, "9c 9d c3");
    }

    @Test
    void aCallIntoAnotherPageMakesAnEntryThatItsScanStartsFromToo() {
        callerAndCallee();

        pages.scanForExecution(0x4000, 0x4000, 64);
        assertBytes("9c 9d c3", 0x5100);
        assertFalse(pages.isScanned(0x5000));
        assertEquals(List.of(protection(0x4000, R | X)), protections);

        pages.scanForExecution(0x5000, 0x5000, 64);
        assertBytes("f4 a2 c3", 0x5000);
        assertBytes("f4 f4 c3", 0x5100);
        assertEquals(List.of(protection(0x4000, R | X), protection(0x5000, R | X)), protections);
        assertEquals(List.of(
                new PatchReport(0x5000, 2, "cpuid", 0, true),
                new PatchReport(0x5100, 1, "pushfq", 0, true),
                new PatchReport(0x5101, 1, "popfq", 0, true)), pages.patches());
        assertEquals(2 + 2 + 3, pages.statistics().instructionsDecoded());
    }

    @Test
    void aScanWithNoEntryOfItsOwnStartsFromTheEntriesOtherPagesGaveIt() {
        callerAndCallee();
        pages.scanForExecution(0x4000, 0x4000, 64);

        pages.scanForExecution(0x5abc, -1, 64);

        assertBytes("0f a2 c3", 0x5000);
        assertBytes("f4 f4 c3", 0x5100);
        assertEquals(2 + 3, pages.statistics().instructionsDecoded());
    }

    @Test
    void anEntryOutsideTheFaultingPageIsNotARootOfIt() {
        put(0x5000, "9c c3");          // pushfq; ret
        put(0x4ffe, "9d c3");          // popfq; ret

        pages.scanForExecution(0x5000, 0x4ffe, 64);

        assertBytes("9c c3", 0x5000);
        assertBytes("9d c3", 0x4ffe);
        assertEquals(0, pages.statistics().instructionsDecoded());
        assertEquals(List.of(protection(0x5000, R | X)), protections);

        pages.scanForExecution(0x4000, -1, 64);
        assertBytes("9d c3", 0x4ffe); // nor an entry of its own page
        assertEquals(0, pages.statistics().instructionsDecoded());
    }

    @Test
    void fallingThroughIntoTheNextPageMakesAnEntryThere() {
        put(0x4ffe, "90");             // nop
        put(0x4fff, "9c");             // pushfq      -- falls through into the next page
        put(0x5000, "9d");             // popfq
        put(0x5001, "c3");             // ret

        pages.scanForExecution(0x4ffe, 0x4ffe, 64);
        assertBytes("90 f4 9d c3", 0x4ffe);
        pages.scanForExecution(0x5000, -1, 64);
        assertBytes("90 f4 f4 c3", 0x4ffe);

        byte[] buf = bytes(0x4ffe, 4);
        pages.hidePatches(0x4ffe, buf, 4);
        assertArrayEquals(hex("90 9c 9d c3"), buf, "patches of both pages hidden");
        assertEquals(0x9d9cL, pages.hidePatches(0x4fff, 2, memory.read(0x4fff, 2)));
        byte[] window = new byte[4];
        assertEquals(4, pages.originalBytes(0x4ffe, window));
        assertArrayEquals(hex("90 9c 9d c3"), window);
    }

    @Test
    void aLaterPageCallingIntoAScannedPageHasItsCalleeScannedAtOnce() {
        put(0x6000, "c3");             // 6000: ret
        put(0x6200, "9d c3");          // 6200: popfq; ret              -- called from 0x5101 only
        put(0x5000, "0f a2 c3");       // 5000: cpuid; ret
        put(0x5100, "9c");             // 5100: pushfq                  -- called from 0x4000 only
        put(0x5101, "e8 fa 10 00 00"); // 5101: call 0x6200
        put(0x5106, "c3");             // 5106: ret
        put(0x4000, "e8 fb 10 00 00"); // 4000: call 0x5100
        put(0x4005, "c3");             // 4005: ret
        pages.scanForExecution(0x6000, 0x6000, 64);
        pages.scanForExecution(0x5000, 0x5000, 64);
        assertBytes("9c", 0x5100);
        assertBytes("9d", 0x6200);

        pages.scanForExecution(0x4000, 0x4000, 64);

        assertBytes("f4", 0x5100);
        assertBytes("f4 c3", 0x6200);
        assertNotNull(pages.siteAt(0x5100));
        assertEquals("popfq", pages.siteAt(0x6200).text());
        assertEquals(List.of(protection(0x6000, R | X), protection(0x5000, R | X), protection(0x4000, R | X)),
                protections, "no page changes protection for a new entry");
        ScanStatistics s = pages.statistics();
        assertEquals(3, s.pagesScanned());
        assertEquals(1 + 2 + 2 + 3 + 2, s.instructionsDecoded());
    }

    @Test
    void noteEntryScansOnFromANewEntryInAScannedPage() {
        scanCode();

        pages.noteEntry(0x200d, 64);

        assertBytes("f4 f4 c3", 0x200d);
        assertEquals("pushfq", pages.siteAt(0x200d).text());
        assertEquals("popfq", pages.siteAt(0x200e).text());
        assertEquals(CODE_INSTRUCTIONS + 3, pages.statistics().instructionsDecoded());
        assertEquals(List.of(protection(0x2000, R | X)), protections);
        assertEquals(1, pages.statistics().pagesScanned());

        pages.invalidate(0x2000, false);
        assertBytes(CODE, 0x2000);
    }

    @Test
    void noteEntryIntoTheMiddleOfAKnownInstructionOrAtOneDoesNothing() {
        scanCode();

        pages.noteEntry(0x2007, 64); // inside mov eax, 0x9c9c9c9c: would be pushfq
        pages.noteEntry(0x2009, 64);
        pages.noteEntry(0x2004, 64); // at cpuid, known

        assertBytes(PATCHED, 0x2000);
        assertNull(pages.siteAt(0x2007));
        assertEquals(CODE_INSTRUCTIONS, pages.statistics().instructionsDecoded());
        assertEquals(List.of(protection(0x2000, R | X)), protections);
    }

    @Test
    void noteEntryInAPageNotScannedDoesNothing() {
        put(0x2000, CODE);

        pages.noteEntry(0x2000, 64);
        pages.noteEntry(0x0100, 64); // outside RAM

        assertBytes(CODE, 0x2000);
        assertFalse(pages.isScanned(0x2000));
        assertEquals(0, pages.statistics().instructionsDecoded());
        assertEquals(List.of(), protections);
    }

    @Test
    void thirtyTwoBitCodeIsScannedAs32Bit() {
        put(0x3000, "1e 9c 48 9d c3"); // push ds; pushfd; dec eax; popfd; ret

        pages.scanForExecution(0x3000, 0x3000, 32);

        assertBytes("f4 f4 48 f4 c3", 0x3000);
        assertEquals(List.of(
                new PatchReport(0x3000, 1, "push ds", 0, true),
                new PatchReport(0x3001, 1, "pushfd", 0, true),
                new PatchReport(0x3003, 1, "popfd", 0, true)), pages.patches());
    }

    @Test
    void cpuidIsLeftAloneWhenTheHardwareMakesItFault() {
        CodePages noCpuid = new CodePages(memory, RAM_START, RAM_END,
                (address, length, prot) -> protections.add(new Protection(address, length, prot)),
                new SensitiveInstructions(false));
        put(0x2000, CODE);

        noCpuid.scanForExecution(0x2000, 0x2000, 64);

        assertBytes("f4 48 89 c3 0f a2 b8 9c 9c 9c 9c f4 c3", 0x2000);
        assertNull(noCpuid.siteAt(0x2004));
    }
}
