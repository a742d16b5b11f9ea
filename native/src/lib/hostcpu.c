/*
 * Host CPU facts for dev.uhv.linux.HostCpu: the three instructions Java cannot execute itself.
 * No logic here; the Java side decides what to do with the values.
 */
#include <cpuid.h>
#include <stdint.h>

void uhv_host_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
uint64_t uhv_host_xgetbv(uint32_t xcr);
uint64_t uhv_host_rdtsc(void);

/* cpuid with the subleaf in ecx (leaves 4, 7, 0xB, 0xD read it; others ignore it). */
void uhv_host_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	__cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
}

/*
 * xgetbv raises #UD unless the OS set CR4.OSXSAVE (CPUID.1:ECX.OSXSAVE[27], SDM Vol. 2B XGETBV):
 * callers check that bit first. Inline asm rather than _xgetbv(), which needs -mxsave.
 */
uint64_t uhv_host_xgetbv(uint32_t xcr)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t uhv_host_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
