/* The vkern system calls of vkern.h. */
#include "vkern.h"

void vk_print(const char *s)
{
    int nr = VK_PRINT;
    /*
     * eax is an output too: the contract leaves registers unchanged, but a guest must not depend on
     * that to print correctly (vkern64.s checks it). "memory": uhv reads the string from RAM.
     */
    __asm__ volatile("int $0x80" : "+a"(nr) : "b"(s) : "memory");
}

void vk_exit(void)
{
    __asm__ volatile("int $0x80" : : "a"(VK_EXIT) : "memory");
    /* Reached only if uhv let the exit call return: ud2 ends the run as a crash, never as success. */
    __builtin_trap();
}
