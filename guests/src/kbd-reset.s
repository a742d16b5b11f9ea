# kbd-reset: prints a line, then pulses the reset line through the i8042 (command 0xfe to port
# 0x64), as Linux's reboot=kbd does. uhv ends the run with exit reason "reset".
    .include "uhv.inc"

.set KBC_COMMAND, 0x64
.set KBC_PULSE_RESET, 0xfe

    GUEST_ENTRY
    PRINTLN "resetting through the i8042"
    mov $KBC_PULSE_RESET, %al
    out %al, $KBC_COMMAND
    PRINTLN "not reached"
    ud2
