/*
 * gdb-target: a 64-bit C guest for the gdb stub's tests, built with debug information and no
 * optimisation so that gdb finds its lines and variables. It prints a line, writes IA32_LSTAR,
 * adds 42 to the global `counter` in add_to_counter (the function the tests break on), prints a
 * second line and exits with value 2 (status 5). Expected output: guests/README.md.
 */
#include <stdint.h>

#define MSR_LSTAR 0xc0000082u
#define LSTAR_VALUE 0xffffffff81000000ull
#define EXIT_VALUE 2

/* Read by gdb (`print counter`): 42 after add_to_counter's first line. */
volatile uint64_t counter;

/* lib/uhv.s's puts: the string at rsi to COM1; it keeps every register. */
static void print(const char *s)
{
    __asm__ volatile("call puts" : : "S"(s) : "memory", "cc");
}

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

uint64_t add_to_counter(uint64_t amount)
{
    counter += amount;
    return counter;
}

int main(void)
{
    print("gdb-target start\n");
    wrmsr(MSR_LSTAR, LSTAR_VALUE);
    add_to_counter(42);
    print("gdb-target done\n");
    return EXIT_VALUE;
}
