package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The CPUID model against a fake host. An all-ones host shows exactly which bits pass; expected
 * values are written out from the SDM / APM bit lists, not from the model's masks.
 */
class CpuidModelTest {
    private static final long CR4_OSXSAVE = 1L << 18;
    private static final long APIC_ENABLED = 0xfee0_0000L | (1L << 11);
    private static final long APIC_DISABLED = 0xfee0_0000L;

    private final FakeHostCpuid host = new FakeHostCpuid();

    private CpuidResult query(int leaf, int subleaf) {
        return new CpuidModel(host).query(leaf, subleaf, 0, APIC_ENABLED);
    }

    private static void assertBit(int register, int bit, boolean expected, String name) {
        assertEquals(expected, (register >>> bit & 1) != 0, name + " (bit " + bit + ")");
    }

    @Test
    void leaf0CapsTheMaximumBasicLeafAndKeepsTheVendor() {
        host.set(0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69); // "GenuineIntel"

        assertEquals(new CpuidResult(0xd, 0x756e6547, 0x6c65746e, 0x49656e69), query(0, 0));
    }

    @Test
    void leaf0KeepsALowerHostMaximumAndLeavesAboveItReadZero() {
        host.set(0, 0, 0x7, 1, 2, 3);

        assertEquals(0x7, query(0, 0).eax());
        assertEquals(CpuidResult.ZERO, query(0xb, 0));
        assertEquals(CpuidResult.ZERO, query(0xd, 0));
    }

    @Test
    void leaf1EcxKeepsOnlyHonouredFeaturesAndSetsHypervisor() {
        int ecx = query(1, 0).ecx();

        assertEquals(0xf6fa3203, ecx);
        assertBit(ecx, 31, true, "hypervisor");
        assertBit(ecx, 3, false, "MONITOR");
        assertBit(ecx, 5, false, "VMX");
        assertBit(ecx, 6, false, "SMX");
        assertBit(ecx, 21, true, "x2APIC");
        assertBit(ecx, 24, false, "TSC-deadline");
        assertBit(ecx, 17, true, "PCID");
        assertBit(ecx, 26, true, "XSAVE");
        assertBit(ecx, 27, false, "OSXSAVE with CR4.OSXSAVE clear, though the host has it");
    }

    @Test
    void leaf1OsxsaveFollowsTheGuestCr4() {
        CpuidModel model = new CpuidModel(host.set(1, 0, 0, 0, 1 << 26, 0));

        assertBit(model.query(1, 0, CR4_OSXSAVE, APIC_ENABLED).ecx(), 27, true, "OSXSAVE");
        assertBit(model.query(1, 0, ~CR4_OSXSAVE, APIC_ENABLED).ecx(), 27, false, "OSXSAVE");
    }

    @Test
    void leaf1OsxsaveNeedsXsaveOnTheHost() {
        CpuidModel model = new CpuidModel(host.set(1, 0, 0, 0, ~(1 << 26), 0));

        int ecx = model.query(1, 0, CR4_OSXSAVE, APIC_ENABLED).ecx();

        assertBit(ecx, 26, false, "XSAVE");
        assertBit(ecx, 27, false, "OSXSAVE");
    }

    @Test
    void leaf1EdxKeepsHonouredFeaturesAndApicFollowsApicBase() {
        CpuidModel model = new CpuidModel(host);

        int enabled = model.query(1, 0, 0, APIC_ENABLED).edx();
        int disabled = model.query(1, 0, 0, APIC_DISABLED).edx();

        assertEquals(0x0f8ba9fd | (1 << 9), enabled);
        assertEquals(0x0f8ba9fd, disabled);
        assertBit(enabled, 0, true, "FPU");
        assertBit(enabled, 4, true, "TSC");
        assertBit(enabled, 5, true, "MSR");
        assertBit(enabled, 6, true, "PAE");
        assertBit(enabled, 22, false, "ACPI");
        assertBit(enabled, 28, false, "HTT");
        assertBit(enabled, 29, false, "TM");
        assertBit(enabled, 31, false, "PBE");
    }

    @Test
    void leaf1X2apicIsOfferedWhateverTheHostHasAndWhileTheApicIsDisabled() {
        CpuidModel model = new CpuidModel(host.set(1, 0, 0, 0, 0, 0));

        assertBit(model.query(1, 0, 0, APIC_ENABLED).ecx(), 21, true, "x2APIC");
        assertBit(model.query(1, 0, 0, APIC_DISABLED).ecx(), 21, true, "x2APIC");
    }

    @Test
    void leaf1ApicBitIsSetEvenWhenTheHostHidesItsOwn() {
        CpuidModel model = new CpuidModel(host.set(1, 0, 0, 0, 0, 0));

        assertEquals(1 << 9, model.query(1, 0, 0, APIC_ENABLED).edx());
    }

    @Test
    void leaf1DescribesOneLogicalProcessorWithApicId0() {
        host.set(1, 0, 0x00a50f00, 0x0a04_0800 | 0x05, 0, 0); // APIC ID 10, 4 logical, clflush 8, brand 5

        CpuidResult r = query(1, 0);

        assertEquals(0x00a50f00, r.eax(), "version kept");
        assertEquals(0x0001_0805, r.ebx());
    }

    @Test
    void leaf4KeepsCachesButSharesThemWithNoOtherCoreOrThread() {
        host.set(4, 1, 0xfc00_4122, 0x01c0_003f, 0x3f, 0);

        assertEquals(new CpuidResult(0x0000_0122, 0x01c0_003f, 0x3f, 0), query(4, 1));
        assertEquals(new CpuidResult(0x0000_3fff, -1, -1, -1), query(4, 2));
    }

    @Test
    void unmodelledBasicLeavesReadZero() {
        for (int leaf : new int[] {3, 5, 6, 8, 9, 0xa, 0xc}) {
            assertEquals(CpuidResult.ZERO, query(leaf, 0), "leaf 0x" + Integer.toHexString(leaf));
        }
    }

    @Test
    void leaf2IsTheHosts() {
        host.set(2, 0, 0x00feff01, 0xf0, 0, 0);

        assertEquals(new CpuidResult(0x00feff01, 0xf0, 0, 0), query(2, 0));
    }

    @Test
    void leaf7Subleaf0KeepsInstructionSetFeaturesOnly() {
        CpuidResult r = query(7, 0);

        assertEquals(1, r.eax(), "max subleaf capped at 1");
        assertEquals(0xfdaf2369, r.ebx());
        assertEquals(0x1a005f43, r.ecx());
        assertEquals(0x0080451c, r.edx());
        assertBit(r.ebx(), 0, true, "FSGSBASE");
        assertBit(r.ebx(), 2, false, "SGX");
        assertBit(r.ebx(), 4, false, "HLE");
        assertBit(r.ebx(), 11, false, "RTM");
        assertBit(r.ebx(), 20, false, "SMAP");
        assertBit(r.ebx(), 25, false, "PT");
        assertBit(r.ecx(), 5, false, "WAITPKG");
        assertBit(r.ecx(), 22, false, "RDPID");
    }

    @Test
    void leaf7KeepsALowerHostSubleafCount() {
        host.set(7, 0, 0, 0, 0, 0);

        assertEquals(0, query(7, 0).eax());
    }

    @Test
    void leaf7Subleaf1KeepsAvxVnniAndBf16AndLaterSubleavesReadZero() {
        assertEquals(new CpuidResult(0x1c30, 0, 0, 0), query(7, 1));
        assertEquals(CpuidResult.ZERO, query(7, 2));
    }

    @Test
    void leaf0bDescribesOneThreadOnOneCore() {
        assertEquals(new CpuidResult(0, 1, 0x100, 0), query(0xb, 0));
        assertEquals(new CpuidResult(0, 1, 0x201, 0), query(0xb, 1));
        assertEquals(new CpuidResult(0, 0, 2, 0), query(0xb, 2));
        assertEquals(new CpuidResult(0, 0, 0x34, 0), query(0xb, 0x134));
    }

    @Test
    void leaf0dOffersUserStateComponentsOnly() {
        host.set(0xd, 0, 0x2e7, 0x980, 0x2b00, 0x0).set(0xd, 2, 0x100, 0x240, 0, 0);

        assertEquals(new CpuidResult(0xe7, 0x980, 0x2b00, 0), query(0xd, 0));
        assertEquals(new CpuidResult(7, -1, 0, 0), query(0xd, 1), "XSAVES and XFD hidden, no IA32_XSS bits");
        assertEquals(new CpuidResult(0x100, 0x240, 0, 0), query(0xd, 2), "AVX state component");
        assertEquals(new CpuidResult(-1, -1, -1, -1), query(0xd, 7), "Hi16_ZMM state component");
        assertEquals(CpuidResult.ZERO, query(0xd, 3), "MPX");
        assertEquals(CpuidResult.ZERO, query(0xd, 9), "PKRU");
        assertEquals(CpuidResult.ZERO, query(0xd, 18), "AMX tile data");
        assertEquals(CpuidResult.ZERO, query(0xd, 33));
    }

    @Test
    void leaf0dIsZeroWithoutHostXsave() {
        host.set(1, 0, 0, 0, ~(1 << 26), 0);

        assertEquals(CpuidResult.ZERO, query(0xd, 0));
        assertEquals(CpuidResult.ZERO, query(0xd, 2));
    }

    @Test
    void hypervisorLeafCarriesTheSignature() {
        CpuidResult r = query(0x4000_0000, 0);

        assertEquals(new CpuidResult(0x4000_0001, 0x75766875, 0x68757668, 0x76687576), r);
        assertEquals("uhvuhvuhvuhv", CpuidModel.HYPERVISOR_SIGNATURE);
    }

    @Test
    void hypervisorFeatureLeafAndTheRestOfItsRangeReadZero() {
        assertEquals(CpuidResult.ZERO, query(0x4000_0001, 0));
        assertEquals(CpuidResult.ZERO, query(0x4000_0002, 0));
        assertEquals(CpuidResult.ZERO, query(0x4000_0100, 0));
    }

    @Test
    void extendedMaximumIsCapped() {
        host.set(0x8000_0000, 0, 0x8000_0021, 0x68747541, 0x444d4163, 0x69746e65); // "AuthenticAMD"

        assertEquals(new CpuidResult(0x8000_0008, 0x68747541, 0x444d4163, 0x69746e65), query(0x8000_0000, 0));
    }

    @Test
    void extendedLeavesAboveALowerHostMaximumReadZero() {
        host.set(0x8000_0000, 0, 0x8000_0004, 0, 0, 0);

        assertEquals(0x8000_0004, query(0x8000_0000, 0).eax());
        assertEquals(CpuidResult.ZERO, query(0x8000_0008, 0));
    }

    @Test
    void extendedFeaturesKeepLongModeAndHideSvm() {
        CpuidResult r = new CpuidModel(host).query(0x8000_0001, 0, 0, APIC_DISABLED);

        assertEquals(-1, r.eax());
        assertEquals(0x002109e1, r.ecx());
        assertEquals(0xedd3a9fd, r.edx());
        assertBit(r.ecx(), 0, true, "LAHF/SAHF");
        assertBit(r.ecx(), 2, false, "SVM");
        assertBit(r.ecx(), 22, false, "TopologyExtensions");
        assertBit(r.edx(), 11, true, "SYSCALL");
        assertBit(r.edx(), 20, true, "NX");
        assertBit(r.edx(), 27, true, "RDTSCP");
        assertBit(r.edx(), 29, true, "LM");
        assertBit(r.edx(), 25, false, "FFXSR");
        assertBit(r.edx(), 9, false, "APIC while IA32_APIC_BASE.EN is clear");
    }

    @Test
    void extendedApicBitMirrorsLeaf1OnlyWhereTheHostMirrorsIt() {
        CpuidModel amd = new CpuidModel(new FakeHostCpuid().set(0x8000_0001, 0, 0, 0, 0, 1 << 9));
        CpuidModel intel = new CpuidModel(new FakeHostCpuid().set(0x8000_0001, 0, 0, 0, 0, 1 << 29));

        assertEquals(1 << 9, amd.query(0x8000_0001, 0, 0, APIC_ENABLED).edx());
        assertEquals(1 << 29, intel.query(0x8000_0001, 0, 0, APIC_ENABLED).edx());
    }

    @Test
    void brandStringAndCacheLeavesAreTheHosts() {
        host.set(0x8000_0002, 0, 0x20766875, 0x74736574, 0x75706320, 0);

        assertEquals(new CpuidResult(0x20766875, 0x74736574, 0x75706320, 0), query(0x8000_0002, 0));
        assertEquals(new CpuidResult(-1, -1, -1, -1), query(0x8000_0006, 0));
    }

    @Test
    void powerManagementLeafKeepsOnlyInvariantTsc() {
        assertEquals(new CpuidResult(0, 0, 0, 0x100), query(0x8000_0007, 0));
    }

    @Test
    void addressSizesAreKeptAndCoreCountIsOne() {
        host.set(0x8000_0008, 0, 0x3030, 0x0300_0005 | (1 << 9), 0x7007, 0x10007);

        assertEquals(new CpuidResult(0x3030, 5, 0, 0), query(0x8000_0008, 0));
    }

    @Test
    void leavesOutsideEveryRangeReadZero() {
        for (int leaf : new int[] {0xe, 0x14, 0x1f, 0x3fff_ffff, 0x5000_0000, 0x8000_0009, 0x8000_001f,
                0x8fff_ffff, 0xc000_0000, 0xffff_ffff}) {
            assertEquals(CpuidResult.ZERO, query(leaf, 0), "leaf 0x" + Integer.toHexString(leaf));
        }
    }
}
