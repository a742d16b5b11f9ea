/*
 * The vkern system call ABI (uhv --personality vkern) for 32-bit guests: `int $0x80` with the call
 * number in eax and its argument in ebx. uhv serves the call itself; nothing reaches the host.
 */
#ifndef VKERN_H
#define VKERN_H

enum {
    VK_EXIT = 0,  /* ends the run: exit reason "guest exit", status 0 */
    VK_PRINT = 1, /* ebx = a NUL-terminated string, written to the serial output as it is */
};

/* Prints s, of any length, to the serial output. */
void vk_print(const char *s);

/* Ends the run. */
__attribute__((noreturn)) void vk_exit(void);

#endif
