package dev.uhv.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The recursive-descent scan of one page over hand-assembled code in a heap {@link GuestMemory},
 * decoded by the real (Zydis) decoder: which sensitive instructions it reports (address, length,
 * text), which bytes it decodes and which it leaves alone, and which addresses it hands back as
 * entry points of other pages.
 */
class CodeScannerTest {
    private final GuestMemory memory = GuestMemory.allocate(0x20000);
    private CodeScanner scanner = new CodeScanner(new SensitiveInstructions(true), memory::readAvailable);
    private final List<CodeScanner.Site> sites = new ArrayList<>();
    private final List<Long> outside = new ArrayList<>();

    /** Writes the bytes of a disassembly listing ("0f a2") at address. */
    private void put(long address, String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        memory.write(address, bytes, 0, bytes.length);
    }

    private PageCode scan(long base, int bits, long... roots) {
        PageCode page = new PageCode(base);
        scanner.scan(page, roots, bits, sites, outside::add);
        return page;
    }

    private static CodeScanner.Site site(long address, int length, String text) {
        return new CodeScanner.Site(address, length, text);
    }

    /** What the scans found, by address (the order of discovery is not part of the contract). */
    private List<CodeScanner.Site> found() {
        List<CodeScanner.Site> sorted = new ArrayList<>(sites);
        sorted.sort(Comparator.comparingLong(CodeScanner.Site::address));
        return sorted;
    }

    private List<Long> left() {
        List<Long> sorted = new ArrayList<>(outside);
        sorted.sort(Comparator.naturalOrder());
        return sorted;
    }

    /** Every sensitive form of 64-bit code, in one straight line between harmless instructions. */
    private void straightLine64() {
        put(0x1000, "0f a2");          // cpuid
        put(0x1002, "9c");             // pushfq
        put(0x1003, "9d");             // popfq
        put(0x1004, "66 9c");          // pushf (16-bit)
        put(0x1006, "66 9d");          // popf  (16-bit)
        put(0x1008, "0f 01 00");       // sgdt [rax]
        put(0x100b, "0f 01 08");       // sidt [rax]
        put(0x100e, "0f 01 e0");       // smsw eax
        put(0x1011, "0f 00 c8");       // str eax
        put(0x1014, "0f 00 c0");       // sldt eax
        put(0x1017, "66 8c c8");       // mov ax, cs     (mov %cs,%ax)
        put(0x101a, "8c 08");          // mov [rax], cs  (mov %cs,(%rax))
        put(0x101c, "0f a0");          // push fs        (push %fs)
        put(0x101e, "0f a8");          // push gs
        put(0x1020, "48 89 c3");       // mov rbx, rax   -- not sensitive
        put(0x1023, "8e d8");          // mov ds, eax    -- a load of a segment register: not sensitive
        put(0x1025, "0f a1");          // pop fs         -- not sensitive
        put(0x1027, "0f 01 10");       // lgdt [rax]     -- faults at CPL3 by itself: not patched
        put(0x102a, "c3");             // ret
    }

    private static final List<CodeScanner.Site> STRAIGHT_LINE_64_NO_CPUID = List.of(
            site(0x1002, 1, "pushfq"),
            site(0x1003, 1, "popfq"),
            site(0x1004, 2, "pushf"),
            site(0x1006, 2, "popf"),
            site(0x1008, 3, "sgdt [rax]"),
            site(0x100b, 3, "sidt [rax]"),
            site(0x100e, 3, "smsw eax"),
            site(0x1011, 3, "str eax"),
            site(0x1014, 3, "sldt eax"),
            site(0x1017, 3, "mov ax, cs"),
            site(0x101a, 2, "mov [rax], cs"),
            site(0x101c, 2, "push fs"),
            site(0x101e, 2, "push gs"));

    @Test
    void straightLineCodeReportsEverySensitiveInstructionWithAddressLengthAndText() {
        straightLine64();

        PageCode page = scan(0x1000, 64, 0x1000);

        List<CodeScanner.Site> expected = new ArrayList<>();
        expected.add(site(0x1000, 2, "cpuid"));
        expected.addAll(STRAIGHT_LINE_64_NO_CPUID);
        assertEquals(expected, found());
        assertEquals(List.of(), outside, "ret ends the only path inside the page");
        assertEquals(19, page.instructions());
        assertEquals(19, scanner.instructionsDecoded());
        assertEquals(0x1000, page.base());
        for (long a = 0x1000; a <= 0x102a; a++) {
            assertTrue(page.isDecoded(a), "decoded byte " + Long.toHexString(a));
        }
        assertFalse(page.isDecoded(0x102b), "nothing past ret");
        assertTrue(page.isStart(0x1020));
        assertFalse(page.isStart(0x1021), "inside mov rbx, rax");
    }

    @Test
    void cpuidIsNotReportedWhenTheHardwareMakesItFault() {
        scanner = new CodeScanner(new SensitiveInstructions(false), memory::readAvailable);
        straightLine64();

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(STRAIGHT_LINE_64_NO_CPUID, found());
        assertTrue(page.isStart(0x1000), "cpuid is still decoded, only not reported");
        assertEquals(19, page.instructions());
        assertFalse(scanner.sensitive().includesCpuid());
    }

    @Test
    void aConditionalBranchTargetIsFollowed() {
        put(0x1000, "31 c0");          // xor eax, eax
        put(0x1002, "74 04");          // jz 0x1008
        put(0x1004, "c3");             // ret
        put(0x1005, "9c 9c 9c");       // data: never reached
        put(0x1008, "9c");             // pushfq        -- only the jz reaches it
        put(0x1009, "0f 85 03 00 00 00"); // jnz 0x1012 (rel32)
        put(0x100f, "c3");             // ret
        put(0x1010, "9c 9c");          // data
        put(0x1012, "9d");             // popfq         -- only the jnz reaches it
        put(0x1013, "c3");             // ret

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(site(0x1008, 1, "pushfq"), site(0x1012, 1, "popfq")), found());
        assertEquals(8, page.instructions());
        for (long data : new long[] {0x1005, 0x1006, 0x1007, 0x1010, 0x1011}) {
            assertFalse(page.isDecoded(data), "data at " + Long.toHexString(data));
        }
    }

    @Test
    void loopAndJrcxzTargetsAreFollowed() {
        put(0x1000, "e2 03");          // loop 0x1005
        put(0x1002, "c3");             // ret
        put(0x1003, "9c 9c");          // data
        put(0x1005, "9c");             // pushfq
        put(0x1006, "e3 02");          // jrcxz 0x100a
        put(0x1008, "c3");             // ret
        put(0x1009, "9c");             // data
        put(0x100a, "9d");             // popfq
        put(0x100b, "c3");             // ret

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(site(0x1005, 1, "pushfq"), site(0x100a, 1, "popfq")), found());
        assertEquals(7, page.instructions());
        assertFalse(page.isDecoded(0x1003));
        assertFalse(page.isDecoded(0x1004));
        assertFalse(page.isDecoded(0x1009));
    }

    @Test
    void bytesAfterRetAreNotScanned() {
        put(0x1000, "9c");             // pushfq
        put(0x1001, "c3");             // ret
        put(0x1002, "9c 9d 0f a2");    // data that would decode as pushfq; popfq; cpuid

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(site(0x1000, 1, "pushfq")), found());
        assertEquals(2, page.instructions());
        assertFalse(page.isDecoded(0x1002));
        assertEquals(2, scanner.instructionsDecoded());
    }

    @Test
    void bytesAfterAnUnconditionalJmpAreNotScannedButItsTargetIs() {
        put(0x1000, "eb 02");          // jmp 0x1004
        put(0x1002, "9c 9c");          // data
        put(0x1004, "9d");             // popfq
        put(0x1005, "c3");             // ret

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(site(0x1004, 1, "popfq")), found());
        assertEquals(3, page.instructions());
        assertFalse(page.isDecoded(0x1002));
        assertFalse(page.isDecoded(0x1003));
    }

    @Test
    void everyInstructionThatNeverFallsThroughEndsThePath() {
        put(0x1000, "0f 0b");          // ud2
        put(0x1002, "9c");
        put(0x1010, "ff e0");          // jmp rax
        put(0x1012, "9c");
        put(0x1020, "ff 20");          // jmp [rax]
        put(0x1022, "9c");
        put(0x1030, "48 cf");          // iretq
        put(0x1032, "9c");
        put(0x1040, "c2 08 00");       // ret 8
        put(0x1043, "9c");
        put(0x1050, "ff 28");          // jmp far [rax]
        put(0x1052, "9c");
        put(0x1060, "48 0f 07");       // sysretq
        put(0x1063, "9c");
        put(0x1070, "ff d0");          // call rax      -- returns: what follows is code
        put(0x1072, "9c");             // pushfq
        put(0x1073, "f4");             // hlt           -- resumes after an interrupt
        put(0x1074, "9d");             // popfq
        put(0x1075, "c3");             // ret

        PageCode page = scan(0x1000, 64, 0x1000, 0x1010, 0x1020, 0x1030, 0x1040, 0x1050, 0x1060, 0x1070);

        assertEquals(List.of(site(0x1072, 1, "pushfq"), site(0x1074, 1, "popfq")), found());
        assertEquals(12, page.instructions());
        assertEquals(List.of(), outside, "no direct target anywhere");
    }

    @Test
    void aCallTargetAndTheFallThroughAfterTheCallAreBothScanned() {
        put(0x1000, "e8 05 00 00 00"); // call 0x100a
        put(0x1005, "9c");             // pushfq        -- after the call returns
        put(0x1006, "c3");             // ret
        put(0x1007, "9c 9c 9c");       // data
        put(0x100a, "9d");             // popfq         -- the called function
        put(0x100b, "c3");             // ret

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(site(0x1005, 1, "pushfq"), site(0x100a, 1, "popfq")), found());
        assertEquals(5, page.instructions());
        assertFalse(page.isDecoded(0x1007));
    }

    @Test
    void targetsOutsideThePageGoToTheCallbackAndAreNotDecoded() {
        put(0x1000, "e8 fb 1f 00 00"); // call 0x3000
        put(0x1005, "0f 84 e5 ff ff ff"); // jz 0xff0
        put(0x100b, "e9 f0 0f 00 00"); // jmp 0x2000
        put(0x0ff0, "9c");             // sensitive bytes at every target, in other pages
        put(0x2000, "9c");
        put(0x3000, "9c");

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(), sites);
        assertEquals(List.of(0x0ff0L, 0x2000L, 0x3000L), left());
        assertEquals(3, page.instructions());
        assertEquals(3, scanner.instructionsDecoded(), "nothing decoded outside the page");
    }

    @Test
    void fallThroughOffThePageEndGoesToTheCallback() {
        put(0x1ffc, "90");             // nop
        put(0x1ffd, "90");             // nop
        put(0x1ffe, "0f a2");          // cpuid         -- the last bytes of the page
        put(0x2000, "9c");             // pushfq        -- next page: not this scan's business

        PageCode page = scan(0x1000, 64, 0x1ffc);

        assertEquals(List.of(site(0x1ffe, 2, "cpuid")), found());
        assertEquals(List.of(0x2000L), outside);
        assertEquals(3, page.instructions());
    }

    @Test
    void anInstructionThatRunsIntoTheNextPageIsDecodedWholeAndItsFallThroughHandedOn() {
        put(0x1ffe, "9c");             // pushfq
        put(0x1fff, "b8 44 33 22 11"); // mov eax, 0x11223344 -- four bytes in the next page
        put(0x2004, "c3");

        PageCode page = scan(0x1000, 64, 0x1ffe);

        assertEquals(List.of(site(0x1ffe, 1, "pushfq")), found());
        assertEquals(List.of(0x2004L), outside);
        assertTrue(page.isStart(0x1fff));
        assertEquals(2, page.instructions());
    }

    @Test
    void aRootInTheMiddleOfAnInstructionAlreadyDecodedIsDropped() {
        put(0x1000, "b8 9c 9c 9c 9c"); // mov eax, 0x9c9c9c9c
        put(0x1005, "c3");             // ret

        PageCode page = scan(0x1000, 64, 0x1000, 0x1001, 0x1003);

        assertEquals(List.of(), sites, "the immediate is no pushfq");
        assertEquals(2, page.instructions());
        assertFalse(page.isStart(0x1001));
        assertEquals(2, scanner.instructionsDecoded());
    }

    @Test
    void aBranchIntoTheMiddleOfAnInstructionAlreadyDecodedIsDropped() {
        put(0x1000, "b8 9c 9c 9c 9c"); // mov eax, 0x9c9c9c9c
        put(0x1005, "75 fa");          // jnz 0x1001   -- into the immediate
        put(0x1007, "c3");             // ret

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(), sites);
        assertEquals(3, page.instructions());
        assertFalse(page.isStart(0x1001));
    }

    @Test
    void theFirstDecodingWinsOverALaterOneThatWouldOverlapIt() {
        put(0x1000, "b8 9c 9c 9c 9c"); // from 0x1000: mov eax, 0x9c9c9c9c
        put(0x1005, "c3");             //               ret
        //                                from 0x1003: pushfq; pushfq; ret

        PageCode page = scan(0x1000, 64, 0x1003, 0x1000);

        assertEquals(List.of(site(0x1003, 1, "pushfq"), site(0x1004, 1, "pushfq")), found());
        assertFalse(page.isStart(0x1000), "mov would overlap the pushfq found first");
        assertFalse(page.isDecoded(0x1000));
        assertEquals(3, page.instructions());
    }

    @Test
    void aLoopBackToAnInstructionAlreadyFoundEnds() {
        put(0x1000, "9c");             // pushfq
        put(0x1001, "eb fd");          // jmp 0x1000

        PageCode page = scan(0x1000, 64, 0x1000, 0x1000);

        assertEquals(List.of(site(0x1000, 1, "pushfq")), sites, "reported once");
        assertEquals(2, page.instructions());
        assertEquals(2, scanner.instructionsDecoded());
    }

    @Test
    void thirtyTwoBitCodeDecodesAs32Bit() {
        put(0x1000, "9c");             // pushfd
        put(0x1001, "66 8c c8");       // mov ax, cs
        put(0x1004, "1e");             // push ds       -- no instruction in 64-bit mode
        put(0x1005, "0e");             // push cs
        put(0x1006, "48");             // dec eax       -- a REX prefix in 64-bit mode
        put(0x1007, "9d");             // popfd
        put(0x1008, "0f 01 00");       // sgdt [eax]
        put(0x100b, "c3");             // ret

        PageCode page = scan(0x1000, 32, 0x1000);

        assertEquals(List.of(
                site(0x1000, 1, "pushfd"),
                site(0x1001, 3, "mov ax, cs"),
                site(0x1004, 1, "push ds"),
                site(0x1005, 1, "push cs"),
                site(0x1007, 1, "popfd"),
                site(0x1008, 3, "sgdt [eax]")), found());
        assertEquals(8, page.instructions());
    }

    @Test
    void undecodableBytesStopThePath() {
        put(0x1000, "9c");             // pushfq
        put(0x1001, "66 8c c8");       // mov ax, cs
        put(0x1004, "1e");             // push ds in 32-bit mode; no instruction in 64-bit mode
        put(0x1005, "9d");             // popfq
        put(0x1006, "c3");

        PageCode page = scan(0x1000, 64, 0x1000);

        assertEquals(List.of(site(0x1000, 1, "pushfq"), site(0x1001, 3, "mov ax, cs")), found());
        assertEquals(2, page.instructions());
        assertFalse(page.isDecoded(0x1004));
        assertFalse(page.isDecoded(0x1005));
    }

    @Test
    void anInstructionCutOffByTheEndOfRamIsNotDecoded() {
        GuestMemory small = GuestMemory.allocate(0x2000);
        small.write(0x1ffe, new byte[] {0x0f, 0x01}, 0, 2); // sgdt without its ModRM byte
        scanner = new CodeScanner(new SensitiveInstructions(true), small::readAvailable);

        PageCode page = scan(0x1000, 64, 0x1ffe);
        PageCode beyond = scan(0x2000, 64, 0x2000); // no bytes at all

        assertEquals(List.of(), sites);
        assertEquals(0, page.instructions());
        assertEquals(0, beyond.instructions());
        assertEquals(0, scanner.instructionsDecoded());
    }

    /** Code bytes of a page at 0xfffff000, the top of the 32-bit space, kept at 0x1000 in memory. */
    private int topOfFourGigabytes(long address, byte[] window) {
        return address >= 0xffff_f000L && address < 0x1_0000_0000L
                ? memory.readAvailable(address - 0xffff_f000L + 0x1000, window) : 0;
    }

    @Test
    void aBranchIn32BitCodeWrapsAt4Gigabytes() {
        scanner = new CodeScanner(new SensitiveInstructions(true), this::topOfFourGigabytes);
        put(0x1ff0, "e9 1b 10 00 00"); // at 0xfffffff0: jmp 0x1010 (0x1_0000_1010 wrapped)

        PageCode page = scan(0xffff_f000L, 32, 0xffff_fff0L);

        assertEquals(List.of(0x1010L), outside);
        assertEquals(1, page.instructions());
    }

    @Test
    void theSameBranchIn64BitCodeDoesNotWrap() {
        scanner = new CodeScanner(new SensitiveInstructions(true), this::topOfFourGigabytes);
        put(0x1ff0, "e9 1b 10 00 00"); // at 0xfffffff0: jmp 0x1_0000_1010

        scan(0xffff_f000L, 64, 0xffff_fff0L);

        assertEquals(List.of(0x1_0000_1010L), outside);
    }

    @Test
    void aBackwardBranchPastZeroIn32BitCodeWrapsToTheTop() {
        put(0x1000, "e9 fb df ff ff"); // jmp 0xfffff000: 0x1005 + 0xffffdffb, wrapped

        scan(0x1000, 32, 0x1000);

        assertEquals(List.of(0xffff_f000L), outside);
    }

    @Test
    void aBranchWith16BitOperandSizeWrapsAt64Kilobytes() {
        put(0x12000, "66 e9 00 10");   // jmp 0x3004: ip = (0x12004 + 0x1000) & 0xffff
        put(0x12004, "9c");            // data after the jmp

        PageCode page = scan(0x12000, 32, 0x12000);

        assertEquals(List.of(0x3004L), outside);
        assertEquals(List.of(), sites);
        assertEquals(1, page.instructions());
    }

    @Test
    void instructionsDecodedAddsUpOverScansAndCountsNothingTwice() {
        put(0x1000, "90");             // nop
        put(0x1001, "9c");             // pushfq
        put(0x1002, "c3");             // ret
        put(0x2000, "0f a2");          // cpuid
        put(0x2002, "c3");             // ret

        PageCode first = scan(0x1000, 64, 0x1000);
        assertEquals(3, scanner.instructionsDecoded());
        scan(0x2000, 64, 0x2000);
        assertEquals(5, scanner.instructionsDecoded());
        scanner.scan(first, new long[] {0x1000, 0x1001}, 64, sites, outside::add);
        assertEquals(5, scanner.instructionsDecoded(), "a page scanned again from known starts decodes nothing");
        assertEquals(List.of(site(0x1001, 1, "pushfq"), site(0x2000, 2, "cpuid")), found());
    }

    @Test
    void aLaterRootContinuesTheSamePageWithoutRedoingIt() {
        put(0x1000, "9c");             // pushfq
        put(0x1001, "c3");             // ret
        put(0x1002, "9d");             // popfq         -- reached only from a later entry
        put(0x1003, "c3");             // ret
        PageCode page = scan(0x1000, 64, 0x1000);
        assertEquals(List.of(site(0x1000, 1, "pushfq")), found());

        scanner.scan(page, new long[] {0x1002}, 64, sites, outside::add);

        assertEquals(List.of(site(0x1000, 1, "pushfq"), site(0x1002, 1, "popfq")), found());
        assertEquals(4, page.instructions());
        assertEquals(4, scanner.instructionsDecoded());
    }

    @Test
    void pageCodeClaimsRefuseOverlapAndClipAtThePageEnd() {
        PageCode page = new PageCode(0x5000);
        assertTrue(page.claim(0x5010, 4));
        assertFalse(page.claim(0x500e, 3), "runs into the instruction at 0x5010");
        assertFalse(page.claim(0x5013, 1), "its last byte");
        assertTrue(page.claim(0x500e, 2), "ends right before it");
        assertTrue(page.claim(0x5ffe, 5), "the tail in the next page is not this page's");
        assertTrue(page.isDecoded(0x5fff));
        assertTrue(page.contains(0x5fff));
        assertFalse(page.contains(0x6000));
        assertFalse(page.contains(0x4fff));
        assertEquals(3, page.instructions());
        assertEquals(0x5000L, page.base());
    }
}
