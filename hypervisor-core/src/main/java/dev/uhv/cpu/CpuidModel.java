package dev.uhv.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The guest's CPUID: the host's leaves filtered to what uhv's virtual CPU can honour (see
 * {@link CpuidFeatures} for each bit kept or hidden), one core with one thread, and uhv's own
 * hypervisor leaves. Each answer is computed from the host's leaves once and then remembered, by
 * leaf, subleaf (for the leaves that have subleaves) and the two guest bits that answers follow
 * (CR4.OSXSAVE, IA32_APIC_BASE.EN), so a guest that asks the same leaves over and over costs no host
 * cpuid and no allocation; the guest sees the same answer for the same question for the whole run.
 *
 * <p>A leaf above the maximum of its range (basic, hypervisor 0x4000_0000, extended 0x8000_0000),
 * or in no range, returns all zeros. That follows AMD (APM Vol. 3, CPUID: reserved functions return
 * 0); Intel instead returns the data of the highest basic leaf (SDM Vol. 2A, CPUID, "INPUT EAX = 0").
 */
public final class CpuidModel {

    /** The signature in leaf 0x4000_0000 EBX, ECX, EDX (like KVM's "KVMKVMKVM\0\0\0"). */
    public static final String HYPERVISOR_SIGNATURE = "uhvuhvuhvuhv";

    /** Highest basic leaf offered: everything up to XSAVE (0xD); 0xE and above are not modelled. */
    public static final int MAX_BASIC_LEAF = 0xd;
    public static final int HYPERVISOR_BASE = 0x4000_0000;
    public static final int MAX_HYPERVISOR_LEAF = 0x4000_0001;
    public static final int EXTENDED_BASE = 0x8000_0000;
    /** Highest extended leaf offered: address sizes (0x8000_0008); above is SVM and AMD-only detail. */
    public static final int MAX_EXTENDED_LEAF = 0x8000_0008;

    private static final long CR4_OSXSAVE = 1L << 18;
    /** "Auth" of "AuthenticAMD" in leaf 0's ebx. */
    private static final int AMD_VENDOR_EBX = 0x68747541;
    /** Leaf 7 subleaves offered: 0 and 1. */
    private static final int MAX_LEAF7_SUBLEAF = 1;
    /** Leaf 0xB level types (SDM Vol. 2A, CPUID leaf 0BH, ECX[15:8]). */
    private static final int LEVEL_SMT = 1;
    private static final int LEVEL_CORE = 2;

    private static final CpuidResult HYPERVISOR_INFO = hypervisorInfo();
    /** Remembered answers: a direct-mapped table of 2^6 entries, as a guest asks few distinct leaves. */
    private static final int MEMO_BITS = 6, MEMO_ENTRIES = 1 << MEMO_BITS;

    private final HostCpuid host;
    private final int maxBasicLeaf;
    private final int maxExtendedLeaf;
    private final boolean amd;
    /** Per entry: leaf and subleaf (high and low half), the guest bits (OSXSAVE, APIC EN), the answer. */
    private final long[] memoKeys = new long[MEMO_ENTRIES];
    private final int[] memoGuestBits = new int[MEMO_ENTRIES];
    private final CpuidResult[] memoAnswers = new CpuidResult[MEMO_ENTRIES];

    public CpuidModel(HostCpuid host) {
        this.host = host;
        this.maxBasicLeaf = minUnsigned(host.query(0, 0).eax(), MAX_BASIC_LEAF);
        int hostMaxExtended = host.query(EXTENDED_BASE, 0).eax();
        // A host with no extended leaves reports something below 0x8000_0000: offer only the base.
        this.maxExtendedLeaf = Integer.compareUnsigned(hostMaxExtended, EXTENDED_BASE) < 0
                ? EXTENDED_BASE : minUnsigned(hostMaxExtended, MAX_EXTENDED_LEAF);
        this.amd = host.query(0, 0).ebx() == AMD_VENDOR_EBX;
    }

    /**
     * What cpuid returns to the guest for eax = leaf, ecx = subleaf, given the guest's CR4 and
     * IA32_APIC_BASE (the bits that follow guest state: OSXSAVE and APIC).
     */
    public CpuidResult query(int leaf, int subleaf, long cr4, long apicBase) {
        int sub = hasSubleaves(leaf) ? subleaf : 0;
        long key = (long) leaf << 32 | Integer.toUnsignedLong(sub);
        int guestBits = ((cr4 & CR4_OSXSAVE) != 0 ? 1 : 0) | ((apicBase & ApicMsrs.BASE_EN) != 0 ? 2 : 0);
        int index = (int) (((key ^ guestBits) * 0x9e37_79b9_7f4a_7c15L) >>> (64 - MEMO_BITS)); // Fibonacci hashing
        CpuidResult answer = memoAnswers[index];
        if (answer != null && memoKeys[index] == key && memoGuestBits[index] == guestBits) {
            return answer;
        }
        answer = compute(leaf, sub, cr4, apicBase);
        memoKeys[index] = key;
        memoGuestBits[index] = guestBits;
        memoAnswers[index] = answer;
        return answer;
    }

    /** The leaves whose answer depends on ecx; every other leaf ignores it. */
    private static boolean hasSubleaves(int leaf) {
        return leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd;
    }

    private CpuidResult compute(int leaf, int subleaf, long cr4, long apicBase) {
        if (Integer.compareUnsigned(leaf, maxBasicLeaf) <= 0) {
            return basic(leaf, subleaf, cr4, apicBase);
        }
        if (leaf == HYPERVISOR_BASE) {
            return HYPERVISOR_INFO;
        }
        if (Integer.compareUnsigned(leaf, EXTENDED_BASE) >= 0 && Integer.compareUnsigned(leaf, maxExtendedLeaf) <= 0) {
            return extended(leaf, apicBase);
        }
        // Includes 0x4000_0001: no paravirtual features.
        return CpuidResult.ZERO;
    }

    private CpuidResult basic(int leaf, int subleaf, long cr4, long apicBase) {
        return switch (leaf) {
            case 0 -> vendor();
            case 1 -> features(cr4, apicBase);
            case 2 -> host.query(2, 0);
            case 4 -> cacheParameters(subleaf);
            case 7 -> structuredExtendedFeatures(subleaf);
            case 0xb -> topology(subleaf);
            case 0xd -> xsave(subleaf);
            // 3 serial number, 5 monitor/mwait, 6 thermal and power, 8 reserved, 9 DCA,
            // 0xA architectural perfmon, 0xC reserved: none modelled.
            default -> CpuidResult.ZERO;
        };
    }

    private CpuidResult extended(int leaf, long apicBase) {
        return switch (leaf) {
            case EXTENDED_BASE -> {
                CpuidResult h = host.query(leaf, 0);
                // EBX/ECX/EDX: AMD repeats its vendor string here; Intel returns 0.
                yield new CpuidResult(maxExtendedLeaf, h.ebx(), h.ecx(), h.edx());
            }
            case 0x8000_0001 -> extendedFeatures(apicBase);
            // Brand string, then L1 and L2/L3 cache and TLB descriptions.
            case 0x8000_0002, 0x8000_0003, 0x8000_0004, 0x8000_0005, 0x8000_0006 -> host.query(leaf, 0);
            case 0x8000_0007 -> new CpuidResult(0, 0, 0, host.query(leaf, 0).edx() & CpuidFeatures.EXT7_EDX_KEEP);
            case 0x8000_0008 -> addressSizes();
            default -> CpuidResult.ZERO;
        };
    }

    /** Whether the guest sees an AMD CPU ("AuthenticAMD"), whose SYSCALL/SYSENTER rules differ from Intel's. */
    public boolean isAmd() {
        return amd;
    }

    private CpuidResult vendor() {
        CpuidResult h = host.query(0, 0);
        return new CpuidResult(maxBasicLeaf, h.ebx(), h.ecx(), h.edx());
    }

    /** Leaf 1: version, one logical processor with initial APIC ID 0, filtered features. */
    private CpuidResult features(long cr4, long apicBase) {
        CpuidResult h = host.query(1, 0);
        // EBX: brand index 7:0 and CLFLUSH line size 15:8 kept; 23:16 logical processors = 1; 31:24 APIC ID 0.
        int ebx = (h.ebx() & 0xffff) | (1 << 16);
        int ecx = (h.ecx() & CpuidFeatures.LEAF1_ECX_KEEP) | CpuidFeatures.LEAF1_ECX_X2APIC
                | CpuidFeatures.LEAF1_ECX_HYPERVISOR;
        // OSXSAVE mirrors CR4.OSXSAVE (SDM Vol. 2A Table 3-10); meaningless without XSAVE itself.
        if ((cr4 & CR4_OSXSAVE) != 0 && (h.ecx() & CpuidFeatures.LEAF1_ECX_XSAVE) != 0) {
            ecx |= CpuidFeatures.LEAF1_ECX_OSXSAVE;
        }
        int edx = (h.edx() & CpuidFeatures.LEAF1_EDX_KEEP) | apicBit(apicBase);
        return new CpuidResult(h.eax(), ebx, ecx, edx);
    }

    /**
     * The APIC feature bit reads 0 while IA32_APIC_BASE.EN (bit 11) is clear (SDM Vol. 3A 11.4.3).
     * The APIC is uhv's virtual one, so the host's bit does not matter.
     */
    private static int apicBit(long apicBase) {
        return (apicBase & ApicMsrs.BASE_EN) != 0 ? CpuidFeatures.LEAF1_EDX_APIC : 0;
    }

    /** Leaf 4: the host's caches, each shared by one thread of a one-core package. */
    private CpuidResult cacheParameters(int subleaf) {
        CpuidResult h = host.query(4, subleaf);
        // EAX[31:26] cores per package - 1, EAX[25:14] threads sharing this cache - 1: both 0.
        int eax = h.eax() & ~(0x3f << 26) & ~(0xfff << 14);
        return new CpuidResult(eax, h.ebx(), h.ecx(), h.edx());
    }

    private CpuidResult structuredExtendedFeatures(int subleaf) {
        CpuidResult h = host.query(7, subleaf);
        return switch (subleaf) {
            case 0 -> new CpuidResult(minUnsigned(h.eax(), MAX_LEAF7_SUBLEAF), h.ebx() & CpuidFeatures.LEAF7_EBX_KEEP,
                    h.ecx() & CpuidFeatures.LEAF7_ECX_KEEP, h.edx() & CpuidFeatures.LEAF7_EDX_KEEP);
            case 1 -> new CpuidResult(h.eax() & CpuidFeatures.LEAF7_1_EAX_KEEP, 0, 0, 0);
            default -> CpuidResult.ZERO;
        };
    }

    /**
     * Leaf 0xB: an SMT level and a core level, each with one logical processor and a shift of 0,
     * then invalid levels (type 0, ECX[7:0] echoing the subleaf). EDX is the x2APIC ID, 0.
     */
    private static CpuidResult topology(int subleaf) {
        return switch (subleaf) {
            case 0 -> new CpuidResult(0, 1, (LEVEL_SMT << 8) | subleaf, 0);
            case 1 -> new CpuidResult(0, 1, (LEVEL_CORE << 8) | subleaf, 0);
            default -> new CpuidResult(0, 0, subleaf & 0xff, 0);
        };
    }

    /**
     * Leaf 0xD, only when the host has XSAVE. The sizes in EBX/ECX are the host's: the guest's
     * xsave instructions run natively against the host's XCR0, so those are the sizes they use.
     */
    private CpuidResult xsave(int subleaf) {
        if ((host.query(1, 0).ecx() & CpuidFeatures.LEAF1_ECX_XSAVE) == 0) {
            return CpuidResult.ZERO;
        }
        CpuidResult h = host.query(0xd, subleaf);
        return switch (subleaf) {
            // EDX:EAX = the XCR0 bits the guest may set; XCR0[63:32] has nothing offered.
            case 0 -> new CpuidResult(h.eax() & CpuidFeatures.XCR0_KEEP, h.ebx(), h.ecx(), 0);
            // ECX/EDX = the IA32_XSS bits supported: none, as XSAVES is hidden.
            case 1 -> new CpuidResult(h.eax() & CpuidFeatures.XSAVE_1_EAX_KEEP, h.ebx(), 0, 0);
            // Subleaf n >= 2 describes state component n: only for components offered in XCR0.
            default -> Integer.compareUnsigned(subleaf, 32) < 0 && (CpuidFeatures.XCR0_KEEP & (1 << subleaf)) != 0
                    ? h : CpuidResult.ZERO;
        };
    }

    private CpuidResult extendedFeatures(long apicBase) {
        CpuidResult h = host.query(0x8000_0001, 0);
        int edx = h.edx() & CpuidFeatures.EXT1_EDX_KEEP;
        // AMD mirrors leaf 1's APIC bit here; Intel reserves the bit, so follow the host's choice.
        if ((h.edx() & CpuidFeatures.LEAF1_EDX_APIC) != 0) {
            edx |= apicBit(apicBase);
        }
        // EAX: family/model/stepping; EBX (AMD): brand ID and package type.
        return new CpuidResult(h.eax(), h.ebx(), h.ecx() & CpuidFeatures.EXT1_ECX_KEEP, edx);
    }

    /** Leaf 0x8000_0008: the host's address sizes; ECX (AMD core count - 1, APIC ID size) = 0. */
    private CpuidResult addressSizes() {
        CpuidResult h = host.query(0x8000_0008, 0);
        return new CpuidResult(h.eax(), h.ebx() & CpuidFeatures.EXT8_EBX_KEEP, 0, 0);
    }

    private static CpuidResult hypervisorInfo() {
        ByteBuffer sig = ByteBuffer.wrap(HYPERVISOR_SIGNATURE.getBytes(StandardCharsets.US_ASCII))
                .order(ByteOrder.LITTLE_ENDIAN);
        return new CpuidResult(MAX_HYPERVISOR_LEAF, sig.getInt(0), sig.getInt(4), sig.getInt(8));
    }

    private static int minUnsigned(int a, int b) {
        return Integer.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
