package dev.uhv.cpu;

/**
 * Which host feature bits the guest may see: allow-lists, so a feature bit a future CPU adds is
 * hidden until someone decides uhv can honour it. A bit is kept when the feature works for guest
 * code running natively at host CPL3 (instruction-set extensions, informational bits) or when uhv
 * emulates what it implies. Bit names and positions: Intel SDM Vol. 2A, CPUID (Tables 3-8 to
 * 3-11), and AMD APM Vol. 3, Appendix E.
 */
final class CpuidFeatures {

    private CpuidFeatures() {
    }

    private static int bits(int... positions) {
        int mask = 0;
        for (int p : positions) {
            mask |= 1 << p;
        }
        return mask;
    }

    // ---- Leaf 1 ECX -----------------------------------------------------------------------
    static final int LEAF1_ECX_OSXSAVE = 1 << 27;
    static final int LEAF1_ECX_XSAVE = 1 << 26;
    /** Reserved on hardware, set by hypervisors (SDM Table 3-10 bit 31; AMD APM E.3.2). */
    static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
    /** uhv's local APIC has x2APIC mode, whatever the host's has (as KVM, it does not follow APIC_BASE.EN). */
    static final int LEAF1_ECX_X2APIC = 1 << 21;

    /**
     * SSE3 0, PCLMULQDQ 1, SSSE3 9, FMA 12, CMPXCHG16B 13, PCID 17, SSE4.1 19, SSE4.2 20, MOVBE 22,
     * POPCNT 23, AES 25, XSAVE 26, AVX 28, F16C 29, RDRAND 30. Hidden, with why: DTES64 2, DS-CPL 4,
     * PDCM 15 (debug store and perf capabilities are not modelled); MONITOR 3 (mwait is not
     * emulated); VMX 5, SMX 6 (no nested virtualization); EIST 7, TM2 8 (power and thermal MSRs);
     * CNXT-ID 10, SDBG 11, xTPR 14, DCA 18 (their MSRs are not modelled); TSC-deadline 24 (not
     * modelled yet). OSXSAVE 27 follows the guest's CR4; x2APIC 21 and HYPERVISOR 31 are always set.
     */
    static final int LEAF1_ECX_KEEP = bits(0, 1, 9, 12, 13, 17, 19, 20, 22, 23, 25, 26, 28, 29, 30);

    // ---- Leaf 1 EDX -----------------------------------------------------------------------
    static final int LEAF1_EDX_APIC = 1 << 9;

    /**
     * FPU 0, DE 2, PSE 3, TSC 4, MSR 5, PAE 6, MCE 7, CX8 8, SEP 11, PGE 13, CMOV 15, PAT 16,
     * PSE-36 17, CLFSH 19, MMX 23, FXSR 24, SSE 25, SSE2 26, SS 27. Hidden: VME 1 (virtual-8086 mode
     * is not emulated); MTRR 12, MCA 14 (their MSRs are not modelled; Linux runs without them);
     * PSN 18 (retired); DS 21, ACPI 22, TM 29, PBE 31 (debug store, thermal, power: not modelled);
     * HTT 28 (one logical processor). APIC 9 follows IA32_APIC_BASE.EN.
     */
    static final int LEAF1_EDX_KEEP = bits(0, 2, 3, 4, 5, 6, 7, 8, 11, 13, 15, 16, 17, 19, 23, 24, 25, 26, 27);

    // ---- Leaf 7 subleaf 0 -----------------------------------------------------------------
    /**
     * FSGSBASE 0 (the host kernel enables it for user mode, so rd/wrfsbase run natively), BMI1 3,
     * AVX2 5, FDP_EXCPTN_ONLY 6, BMI2 8, ERMS 9, FCS/FDS deprecation 13, AVX512F 16, AVX512DQ 17,
     * RDSEED 18, ADX 19, AVX512_IFMA 21, CLFLUSHOPT 23, CLWB 24, AVX512PF 26, AVX512ER 27,
     * AVX512CD 28, SHA 29, AVX512BW 30, AVX512VL 31. Hidden: TSC_ADJUST 1 (MSR not modelled); SGX 2;
     * HLE 4, RTM 11 (TSX is deprecated and off on most hosts); SMEP 7 (not enforced: guest code runs
     * at host CPL3 on user pages); INVPCID 10 (not emulated); RDT 12, 15; MPX 14; SMAP 20 (stac/clac
     * are #UD at CPL3); PT 25 (processor trace).
     */
    static final int LEAF7_EBX_KEEP =
            bits(0, 3, 5, 6, 8, 9, 13, 16, 17, 18, 19, 21, 23, 24, 26, 27, 28, 29, 30, 31);

    /**
     * PREFETCHWT1 0, AVX512_VBMI 1, AVX512_VBMI2 6, GFNI 8, VAES 9, VPCLMULQDQ 10, AVX512_VNNI 11,
     * AVX512_BITALG 12, AVX512_VPOPCNTDQ 14, CLDEMOTE 25, MOVDIRI 27, MOVDIR64B 28. Hidden: UMIP 2
     * (the host's UMIP emulation answers sgdt/sidt, so the guest's CR4.UMIP cannot be honoured);
     * PKU 3, OSPKE 4 (PKRU belongs to the host process); WAITPKG 5 (umwait/tpause would sleep the
     * child natively, and IA32_UMWAIT_CONTROL is not modelled); CET_SS 7; TME 13; LA57 16 (5-level
     * paging); MAWAU 17-21 (MPX); RDPID 22 (cannot be made to fault, so it would return the host's
     * IA32_TSC_AUX); KL 23; BUS_LOCK_DETECT 24; ENQCMD 29; SGX_LC 30; PKS 31.
     */
    static final int LEAF7_ECX_KEEP = bits(0, 1, 6, 8, 9, 10, 11, 12, 14, 25, 27, 28);

    /**
     * AVX512_4VNNIW 2, AVX512_4FMAPS 3, FSRM 4, AVX512_VP2INTERSECT 8, MD_CLEAR 10 (verw runs
     * natively), SERIALIZE 14, AVX512_FP16 23. Hidden: UINTR 5; SRBDS_CTRL 9, RTM_ALWAYS_ABORT 11,
     * RTM_FORCE_ABORT 13, TSXLDTRK 16 (TSX); HYBRID 15 (leaf 0x1A is not offered); PCONFIG 18;
     * ARCH_LBR 19; CET_IBT 20; AMX 22, 24, 25 (Linux makes a process ask for AMX state with
     * arch_prctl, which the child does not); IBRS/IBPB 26, STIBP 27, L1D_FLUSH 28,
     * ARCH_CAPABILITIES 29, CORE_CAPABILITIES 30, SSBD 31 (speculation-control MSRs not modelled).
     */
    static final int LEAF7_EDX_KEEP = bits(2, 3, 4, 8, 10, 14, 23);

    /** Subleaf 1 EAX: AVX-VNNI 4, AVX512_BF16 5, fast zero-length/short REP MOVSB, STOSB, CMPSB 10-12. */
    static final int LEAF7_1_EAX_KEEP = bits(4, 5, 10, 11, 12);

    // ---- Leaf 0xD (XSAVE) -----------------------------------------------------------------
    /**
     * XCR0 state components offered: x87 0, SSE 1, AVX 2, AVX-512 opmask/ZMM_Hi256/Hi16_ZMM 5-7 (SDM
     * Vol. 1 13.1). Hidden: MPX 3-4, PKRU 9, AMX 17-18 and everything above (their features are).
     * XSAVE runs natively with the host's XCR0, so the host must have these enabled too.
     */
    static final int XCR0_KEEP = bits(0, 1, 2, 5, 6, 7);

    /**
     * Subleaf 1 EAX: XSAVEOPT 0, XSAVEC 1, XGETBV with ECX=1 2. Hidden: XSAVES 3 (a CPL0 instruction
     * using IA32_XSS, not modelled); XFD 4 (AMX only).
     */
    static final int XSAVE_1_EAX_KEEP = bits(0, 1, 2);

    // ---- Leaf 0x8000_0001 -----------------------------------------------------------------
    /**
     * LAHF/SAHF 0, ABM/LZCNT 5, SSE4A 6, MisAlignSse 7, PREFETCHW 8, XOP 11, FMA4 16, TBM 21. Hidden:
     * CmpLegacy 1 (one core); SVM 2 (no nested virtualization); ExtApicSpace 3; AltMovCr8 4 (lock
     * mov cr0 is not emulated as cr8); OSVW 9, IBS 10, SKINIT 12, WDT 13, LWP 15, TCE 17, NodeId 19,
     * TopologyExtensions 22, PerfCtrExt 23, 24, 28, DataBkptExt 26, PerfTsc 27, AddrMaskExt 30
     * (their MSRs and leaves are not modelled); MONITORX 29 (mwaitx would sleep the child natively).
     */
    static final int EXT1_ECX_KEEP = bits(0, 5, 6, 7, 8, 11, 16, 21);

    /**
     * AMD repeats leaf 1's EDX bits 0-9, 12-17, 23, 24 here (APM E.4.2); Intel leaves them 0. Those
     * follow leaf 1's allow-list. Own bits: SYSCALL 11, NX 20, MmxExt 22, Page1GB 26, RDTSCP 27, LM 29,
     * 3DNowExt 30, 3DNow 31. Hidden: FFXSR 25 (fast fxsave applies only at CPL0, and guest code runs
     * at host CPL3, so EFER.FFXSR cannot be honoured).
     */
    static final int EXT1_EDX_KEEP = (LEAF1_EDX_KEEP & bits(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 23, 24))
            | bits(11, 20, 22, 26, 27, 29, 30, 31);

    // ---- Leaf 0x8000_0007 / 0x8000_0008 ---------------------------------------------------
    /** EDX: invariant TSC 8 (rdtsc is emulated from the host's TSC). Power and RAS bits: not modelled. */
    static final int EXT7_EDX_KEEP = bits(8);

    /**
     * EBX (AMD): CLZERO 0, XSaveErPtr 2. Hidden: IRPERF 1, INVLPGB 3, RDPRU 4, MCOMMIT 8, WBNOINVD 9
     * and the speculation-control bits 12 and up (MSRs and privileged instructions not modelled).
     */
    static final int EXT8_EBX_KEEP = bits(0, 2);
}
