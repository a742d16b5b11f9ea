/*
 * vkern32: a 32-bit C guest of the vkern system call ABI (run with --personality vkern). Prints a
 * greeting, one 5000-character line (printing has no length limit), then "vkern32 done", and exits
 * through the vkern exit call. Expected output: guests/README.md.
 */
#include "vkern.h"

#define LONG_LINE 5000

/* In .bss, which the loader zeroes: the byte after the '\n' stays 0 and ends the string. */
static char line[LONG_LINE + 2];

int main(void)
{
    vk_print("hello from a 32-bit vkern guest\n");
    const volatile char *bss = line; /* volatile: the check must read RAM, not C's zero-initialisation */
    for (unsigned i = 0; i < sizeof line; i++) {
        if (bss[i] != 0) {
            vk_print("FAIL: .bss not zeroed\n");
            break;
        }
    }
    for (unsigned i = 0; i < LONG_LINE; i++) {
        line[i] = (char)('a' + i % 26);
    }
    line[LONG_LINE] = '\n';
    vk_print(line);
    vk_print("vkern32 done\n");
    return 0;
}
