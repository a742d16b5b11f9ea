package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MSR file driven directly: WRMSR's #GP(0) rules per MSR (SDM Vol. 2B WRMSR, Vol. 4) and where
 * each value lives. The rdmsr/wrmsr register plumbing is in MsrEmulatorTest.
 */
class MsrFileTest {
    private static final long EFER = 0xd01;
    private static final long NON_CANONICAL = 0x0000_8000_0000_0000L;

    private final RegisterFile regs = RegisterFile.allocate();
    private long hostTsc = 5_000;
    private final MsrFile msrs = new MsrFile(regs, () -> hostTsc, EFER, 48);

    private GuestFault gp(Msr msr, long value) {
        GuestFault f = assertThrows(GuestFault.class, () -> msrs.write(msr.index(), value),
                () -> String.format("wrmsr %s = 0x%x", msr, value));
        assertEquals(GuestFault.GP, f.vector());
        return f;
    }

    private long read(Msr msr) throws GuestFault {
        return msrs.read(msr.index());
    }

    @Test
    void resetValues() throws GuestFault {
        assertEquals(0x0007_0406_0007_0406L, read(Msr.PAT));
        assertEquals(0x508L, read(Msr.MTRRCAP));
        assertEquals(0x1801L, read(Msr.MISC_ENABLE));
        assertEquals(EFER, read(Msr.EFER));
        assertEquals(0, read(Msr.MTRR_DEF_TYPE));
        assertEquals(0, read(Msr.LSTAR));
    }

    @Test
    void tscReadsHostTscPlusTheOffsetAWriteSets() throws GuestFault {
        assertEquals(5_000, read(Msr.TSC));
        assertFalse(msrs.tscWritten());

        msrs.write(Msr.TSC.index(), 100);
        hostTsc += 250;

        assertEquals(350, read(Msr.TSC));
        assertEquals(350, msrs.guestTsc());
        assertTrue(msrs.tscWritten());
    }

    @Test
    void fsAndGsBaseLiveInTheRegisterFile() throws GuestFault {
        msrs.write(Msr.FS_BASE.index(), 0x7fff_0000_1000L);
        msrs.write(Msr.GS_BASE.index(), 0x5000_2000L);

        assertEquals(0x7fff_0000_1000L, regs.fsBase());
        assertEquals(0x5000_2000L, regs.gsBase());

        regs.setFsBase(0x1234);
        assertEquals(0x1234, read(Msr.FS_BASE));
    }

    /** The host refuses bases at or above its user limit; the guest's value is kept and reads back. */
    @Test
    void aHigherHalfBaseIsKeptVirtuallyAndFaultsAreExplained() throws GuestFault {
        msrs.write(Msr.GS_BASE.index(), 0xffff_8880_0000_0000L);

        assertEquals(0xffff_8880_0000_0000L, read(Msr.GS_BASE));
        assertEquals(MsrFile.UNREPRESENTABLE_BASE_PLACEHOLDER, regs.gsBase(), "never handed to the host");
        String why = msrs.explainFault(MsrFile.UNREPRESENTABLE_BASE_PLACEHOLDER + 0x10);
        assertTrue(why != null && why.contains("GS base 0xffff888000000000"), why);
        assertEquals(null, msrs.explainFault(0x1000));

        msrs.write(Msr.GS_BASE.index(), 0x6000);
        assertEquals(0x6000, regs.gsBase(), "a user-range base is real again");
        assertEquals(0x6000, read(Msr.GS_BASE));
        assertEquals(null, msrs.explainFault(MsrFile.UNREPRESENTABLE_BASE_PLACEHOLDER + 0x10));
    }

    @Test
    void theLastUserPageIsTheLimit() throws GuestFault {
        msrs.write(Msr.FS_BASE.index(), MsrFile.HOST_USER_LIMIT - 1);
        assertEquals(MsrFile.HOST_USER_LIMIT - 1, regs.fsBase());
        msrs.write(Msr.FS_BASE.index(), MsrFile.HOST_USER_LIMIT);
        assertEquals(MsrFile.UNREPRESENTABLE_BASE_PLACEHOLDER, regs.fsBase());
        assertEquals(MsrFile.HOST_USER_LIMIT, read(Msr.FS_BASE));
    }

    @ParameterizedTest
    @EnumSource(names = {"SYSENTER_ESP", "SYSENTER_EIP", "LSTAR", "CSTAR", "FS_BASE", "GS_BASE", "KERNEL_GS_BASE"})
    void addressMsrsRejectNonCanonicalValues(Msr msr) throws GuestFault {
        msrs.write(msr.index(), 0xffff_8000_0000_0000L);

        gp(msr, NON_CANONICAL);
        gp(msr, 0x0001_0000_0000_0000L);

        assertEquals(0xffff_8000_0000_0000L, read(msr));
    }

    @ParameterizedTest
    @EnumSource(names = {"SFMASK", "TSC_AUX"})
    void thirtyTwoBitMsrsRejectBits63To32(Msr msr) throws GuestFault {
        msrs.write(msr.index(), 0xffff_ffffL);

        gp(msr, 1L << 32);

        assertEquals(0xffff_ffffL, read(msr));
    }

    @Test
    void sysenterCsKeepsASelector() throws GuestFault {
        msrs.write(Msr.SYSENTER_CS.index(), 0x10);

        assertEquals(0x10, read(Msr.SYSENTER_CS));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 1, 1L << 9, 1L << 12, 1L << 14, 1L << 15, 1L << 32, 1L << 63})
    void eferReservedBitsAreGp(long bit) throws GuestFault {
        gp(Msr.EFER, EFER | bit);

        assertEquals(EFER, read(Msr.EFER));
    }

    @Test
    void eferLmeCannotChangeWhilePagingIsOn() throws GuestFault {
        gp(Msr.EFER, EFER & ~MsrFile.EFER_LME);

        assertEquals(EFER, read(Msr.EFER));
    }

    @Test
    void eferLmaIsKeptWhateverTheWriteSays() throws GuestFault {
        msrs.write(Msr.EFER.index(), MsrFile.EFER_LME | MsrFile.EFER_SCE);

        assertEquals(0x501, read(Msr.EFER));
        assertEquals(0x501, msrs.efer());
    }

    @Test
    void eferNxeAndSceCanBeCleared() throws GuestFault {
        msrs.write(Msr.EFER.index(), 0x500);

        assertEquals(0x500, read(Msr.EFER));
    }

    /** An APIC that answers every read with its index and records writes. */
    private static final class RecordingApic implements ApicMsrs {
        final List<String> writes = new ArrayList<>();

        @Override
        public long read(int index) {
            return 0x1_0000_0000L | index;
        }

        @Override
        public void write(int index, long value) {
            writes.add(String.format("0x%x=0x%x", index, value));
        }

        @Override
        public long apicBase() {
            return 0xfee0_0d00L;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x1b, 0x800, 0x802, 0x830, 0x8ff})
    void apicMsrsGoToTheAttachedApic(int index) throws GuestFault {
        RecordingApic apic = new RecordingApic();
        msrs.attachApic(apic);

        msrs.write(index, 0x1234_5678_9abcL);

        assertEquals(0x1_0000_0000L | index, msrs.read(index));
        assertEquals(List.of(String.format("0x%x=0x123456789abc", index)), apic.writes);
        assertTrue(MsrFile.isModelled(index), "--ignore-msrs must leave it to the APIC");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7ff, 0x900, 0xbff})
    void onlyTheX2apicRangeUhvModelsGoesToTheApic(int index) {
        RecordingApic apic = new RecordingApic();
        msrs.attachApic(apic);

        assertFalse(MsrFile.isModelled(index));
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> msrs.write(index, 0)).vector());
        assertEquals(List.of(), apic.writes);
    }

    @Test
    void withoutAnApicItsMsrsAreGpAndTheBaseReadsZero() {
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> read(Msr.APIC_BASE)).vector());
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> msrs.write(0x1b, ApicMsrs.BASE_DEFAULT)).vector());
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> msrs.read(0x802)).vector());
        assertEquals(0, msrs.apicBase());
        assertEquals(0L, msrs.snapshot().get("APIC_BASE"));
    }

    @Test
    void apicBaseIsTheApicsInTheSnapshot() {
        msrs.attachApic(new RecordingApic());

        assertEquals(0xfee0_0d00L, msrs.apicBase());
        assertEquals(0xfee0_0d00L, msrs.snapshot().get("APIC_BASE"));
    }

    @Test
    void patTakesEveryValidMemoryType() throws GuestFault {
        long value = 0x0706_0504_0100_0406L;

        msrs.write(Msr.PAT.index(), value);

        assertEquals(value, read(Msr.PAT));
    }

    @ParameterizedTest
    @ValueSource(longs = {0x2L, 0x3L << 24, 0x8L << 56, 0xffL << 32})
    void patEntryWithAnInvalidTypeIsGp(long entry) throws GuestFault {
        gp(Msr.PAT, entry);

        assertEquals(MsrFile.PAT_DEFAULT, read(Msr.PAT));
    }

    @Test
    void mtrrDefTypeKeepsTypeFeAndE() throws GuestFault {
        msrs.write(Msr.MTRR_DEF_TYPE.index(), 0xc06);

        assertEquals(0xc06, read(Msr.MTRR_DEF_TYPE));
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 7, 0xff})
    void mtrrDefTypeWithAnInvalidTypeIsGp(long type) throws GuestFault {
        gp(Msr.MTRR_DEF_TYPE, 0x800 | type);

        assertEquals(0, read(Msr.MTRR_DEF_TYPE));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 8, 1L << 9, 1L << 12, 1L << 32})
    void mtrrDefTypeReservedBitsAreGp(long bit) {
        gp(Msr.MTRR_DEF_TYPE, 0x806 | bit);
    }

    @Test
    void mtrrCapIsReadOnly() throws GuestFault {
        gp(Msr.MTRRCAP, MsrFile.MTRRCAP_VALUE);

        assertEquals(MsrFile.MTRRCAP_VALUE, read(Msr.MTRRCAP));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0, 0x8b, 0x3a, 0x1d9, 0xc0000104, 0x4b564d00})
    void unmodelledMsrsAreGpOnReadAndWrite(int index) {
        assertFalse(MsrFile.isModelled(index));
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> msrs.read(index)).vector());
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> msrs.write(index, 0)).vector());
    }

    @Test
    void everyMsrOfTheEnumIsModelledAndFoundByIndex() {
        for (Msr m : Msr.values()) {
            assertTrue(MsrFile.isModelled(m.index()), m.name());
            assertEquals(m, Msr.byIndex(m.index()));
        }
        assertNull(Msr.byIndex(0x8b));
    }

    @Test
    void mtrrRangesHoldValidValuesAndRefuseReservedBitsAndBadTypes() throws GuestFault {
        msrs.write(Msr.MTRR_PHYSBASE3.index(), 0x8000_0006L);
        msrs.write(Msr.MTRR_PHYSMASK3.index(), 0xffff_c000_0800L & ((1L << 48) - 1));
        msrs.write(Msr.MTRR_FIX4K_F8000.index(), 0x0606_0606_0505_0404L);
        assertEquals(0x8000_0006L, read(Msr.MTRR_PHYSBASE3));
        assertEquals(0xffff_c000_0800L & ((1L << 48) - 1), read(Msr.MTRR_PHYSMASK3));
        assertEquals(0x0606_0606_0505_0404L, read(Msr.MTRR_FIX4K_F8000));
        assertEquals(0, read(Msr.MTRR_PHYSBASE0));

        gp(Msr.MTRR_PHYSBASE0, 0x8000_0002L); // type 2 is reserved
        gp(Msr.MTRR_PHYSBASE0, 0x8000_0106L); // bits 11:8 reserved
        gp(Msr.MTRR_PHYSMASK0, 0xffff_f000_0801L); // bits 10:0 reserved
        gp(Msr.MTRR_PHYSMASK0, 1L << 48); // above MAXPHYADDR
        gp(Msr.MTRR_FIX64K_00000, 0x0606_0606_0606_0607L); // 7 is UC- in PAT only
    }

    @Test
    void snapshotListsEveryMsrInEnumOrderWithItsValue() throws GuestFault {
        msrs.write(Msr.LSTAR.index(), 0xffff_ffff_8180_0000L);
        regs.setGsBase(0x4000);

        Map<String, Long> snap = msrs.snapshot();

        List<String> names = new ArrayList<>();
        for (Msr m : Msr.values()) {
            names.add(m.name());
        }
        assertEquals(names, new ArrayList<>(snap.keySet()));
        assertEquals(List.of("TSC", "APIC_BASE", "MTRRCAP", "SYSENTER_CS", "SYSENTER_ESP", "SYSENTER_EIP",
                "MISC_ENABLE"), names.subList(0, 7));
        assertEquals(16 + 11, names.stream().filter(n -> n.startsWith("MTRR_PHYS") || n.startsWith("MTRR_FIX"))
                .count(), "8 variable pairs and 11 fixed ranges, as MTRRcap advertises");
        assertEquals(List.of("PAT", "MTRR_DEF_TYPE", "EFER", "STAR", "LSTAR", "CSTAR", "SFMASK", "FS_BASE",
                "GS_BASE", "KERNEL_GS_BASE", "TSC_AUX"), names.subList(names.size() - 11, names.size()));
        assertEquals(0xffff_ffff_8180_0000L, snap.get("LSTAR"));
        assertEquals(0x4000L, snap.get("GS_BASE"));
        assertEquals(5_000L, snap.get("TSC"));
        assertEquals(EFER, snap.get("EFER"));
    }

    @Test
    void kernelGsBaseSetterBypassesTheCheckForSwapgs() {
        msrs.setKernelGsBase(0xffff_8880_0000_0000L);

        assertEquals(0xffff_8880_0000_0000L, msrs.kernelGsBase());
    }
}
