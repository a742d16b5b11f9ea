package dev.uhv.exec;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.linux.HostCpu;
import dev.uhv.linux.HostSystem;

/**
 * What the host gives the guest natively, which the virtual CPU's initial state must agree with.
 *
 * @param initialCr4           CR4 at entry: PAE, plus the bits whose effect guest code sees natively
 *                             because the host has them on (SSE state, XSAVE, FSGSBASE)
 * @param xcr0                 the host's XCR0, which the child runs with
 * @param physicalAddressBits  MAXPHYADDR (CPUID 0x80000008 EAX[7:0])
 * @param lowestMappableAddress the lowest guest-physical address the child can map
 */
record HostFacts(long initialCr4, long xcr0, int physicalAddressBits, long lowestMappableAddress) {

    static HostFacts probe() {
        int[] leaf1 = HostCpu.cpuid(1, 0);
        boolean osxsave = (leaf1[2] & (1 << 27)) != 0;
        int[] leaf7 = HostCpu.cpuid(0, 0)[0] >= 7 ? HostCpu.cpuid(7, 0) : new int[4];
        boolean fsgsbase = (leaf7[1] & 1) != 0;
        long cr4 = ControlRegisters.CR4_PAE | ControlRegisters.CR4_OSFXSR | ControlRegisters.CR4_OSXMMEXCPT
                | (osxsave ? ControlRegisters.CR4_OSXSAVE : 0) | (fsgsbase ? ControlRegisters.CR4_FSGSBASE : 0);
        long xcr0 = osxsave ? HostCpu.xgetbv(0) : 0x3;
        int maxExtended = HostCpu.cpuid(0x80000000, 0)[0];
        int physBits = Integer.compareUnsigned(maxExtended, 0x80000008) >= 0
                ? HostCpu.cpuid(0x80000008, 0)[0] & 0xff : 36;
        return new HostFacts(cr4, xcr0, physBits, HostSystem.lowestMappableAddress());
    }
}
