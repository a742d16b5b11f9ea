/*
 * The Zydis shim: a few flat functions over Zydis 4 so that Java (dev.uhv.decoder, JNA direct
 * mapping) never maps Zydis's large, version-dependent structs. Everything crosses the boundary as
 * bytes, int64 slots, ints and C strings.
 */
#ifndef UHV_ZYDIS_SHIM_H
#define UHV_ZYDIS_SHIM_H

#include <stdint.h>

/* Modes, in dev.uhv.decoder.MachineMode order. */
#define UHV_MODE_LONG_64 0
#define UHV_MODE_LEGACY_32 1
#define UHV_MODE_LEGACY_16 2

/* The shim's own failures; every Zydis error status is a different (large) negative int32. */
#define UHV_STATUS_BAD_MODE (-1)
#define UHV_STATUS_BAD_ARGUMENT (-2)
#define UHV_STATUS_NOT_INITIALISED (-3)

/*
 * uhv_decode's output: UHV_DECODE_SLOTS int64 slots. Header first, then UHV_MAX_OPERANDS groups of
 * UHV_OPERAND_SLOTS slots, one per visible operand in Intel order (destination first); groups past
 * the operand count are left as they were.
 */
#define UHV_SLOT_STATUS 0         /* 0, or the failure also returned */
#define UHV_SLOT_MNEMONIC 1       /* Zydis mnemonic id: name it with uhv_mnemonic_name */
#define UHV_SLOT_LENGTH 2         /* bytes, 1..15 */
#define UHV_SLOT_OPERAND_WIDTH 3  /* effective operand size in bits */
#define UHV_SLOT_ADDRESS_WIDTH 4  /* effective address size in bits */
#define UHV_SLOT_PREFIXES 5       /* UHV_PREFIX_* bits */
#define UHV_SLOT_ATTRIBUTES 6     /* UHV_ATTRIBUTE_* bits */
#define UHV_SLOT_OPERAND_COUNT 7  /* visible operands, 0..UHV_MAX_OPERANDS */
#define UHV_SLOT_FIRST_OPERAND 8
#define UHV_MAX_OPERANDS 5        /* ZYDIS_MAX_OPERAND_COUNT_VISIBLE */

/* Offsets inside one operand group. */
#define UHV_OPERAND_TYPE 0        /* UHV_OPERAND_* */
#define UHV_OPERAND_SIZE 1        /* bits */
#define UHV_OPERAND_REGISTER 2    /* register: its id; memory: segment id; pointer: selector */
#define UHV_OPERAND_BASE 3        /* memory: base register id (0 = none) */
#define UHV_OPERAND_INDEX 4       /* memory: index register id (0 = none) */
#define UHV_OPERAND_SCALE 5       /* memory: 0 (no index), 1, 2, 4, 8 */
#define UHV_OPERAND_VALUE 6       /* memory: displacement; immediate: the value, sign- or
                                     zero-extended to 64 bits as Zydis says; pointer: offset */
#define UHV_OPERAND_SLOTS 7

#define UHV_DECODE_SLOTS (UHV_SLOT_FIRST_OPERAND + UHV_MAX_OPERANDS * UHV_OPERAND_SLOTS)

/* Operand types (the shim's own numbers, so Java does not depend on Zydis's enum). */
#define UHV_OPERAND_TYPE_REGISTER 1
#define UHV_OPERAND_TYPE_MEMORY 2
#define UHV_OPERAND_TYPE_POINTER 3   /* far pointer immediate: selector:offset */
#define UHV_OPERAND_TYPE_IMMEDIATE 4

/* Prefix bits: the same values as dev.uhv.decoder.DecodedInstruction.PREFIX_*. */
#define UHV_PREFIX_REP 1              /* F3 as rep or repe */
#define UHV_PREFIX_REPNE (1 << 1)     /* F2 as repne */
#define UHV_PREFIX_LOCK (1 << 2)
#define UHV_PREFIX_OPERAND_SIZE (1 << 3)  /* 66 changing the operand size */
#define UHV_PREFIX_ADDRESS_SIZE (1 << 4)  /* 67 */
#define UHV_PREFIX_REX_W (1 << 5)
#define UHV_PREFIX_SEGMENT_FS (1 << 6)    /* some memory operand, visible or hidden (movs's source), */
#define UHV_PREFIX_SEGMENT_GS (1 << 7)    /* is addressed through FS / GS by an override prefix */

/* Attribute bits: the same values as dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_*. */
#define UHV_ATTRIBUTE_FAR_BRANCH 1        /* ZYDIS_BRANCH_TYPE_FAR: far jmp, call, ret */
#define UHV_ATTRIBUTE_WRITES_MEMORY (1 << 1) /* some memory operand, visible or hidden (push's
                                                stack slot, stos's [rdi]), is or may be written */

/* Decodes one instruction from bytes[0..len). Returns 0, or a UHV_STATUS_* / ZyanStatus (< 0). */
int uhv_decode(int mode, const uint8_t *bytes, int len, int64_t *out);

/*
 * uhv_decode_flow's output: UHV_FLOW_SLOTS int64 slots, for the code scanner, which only needs where
 * an instruction ends and where control goes: no operands are decoded (several times faster).
 */
#define UHV_FLOW_LENGTH 0         /* 1..15 */
#define UHV_FLOW_MNEMONIC 1       /* ZydisMnemonic */
#define UHV_FLOW_BITS 2           /* UHV_FLOW_* below */
#define UHV_FLOW_DISPLACEMENT 3   /* a relative branch's displacement from the next instruction */
#define UHV_FLOW_OPERAND_WIDTH 4  /* effective operand size in bits */
#define UHV_FLOW_SLOTS 5

#define UHV_FLOW_RELATIVE 1          /* a direct near branch: jmp, call, jcc, loop, jrcxz rel */
#define UHV_FLOW_CONDITIONAL (1 << 1) /* ZYDIS_CATEGORY_COND_BR: falls through too */
#define UHV_FLOW_FAR (1 << 2)        /* ZYDIS_BRANCH_TYPE_FAR */
#define UHV_FLOW_SEGMENT_READ (1 << 3) /* mov r/m, Sreg (8C) or push Sreg: reads a selector */

/* Decodes one instruction's length and control flow from bytes[0..len). 0 or a status (< 0). */
int uhv_decode_flow(int mode, const uint8_t *bytes, int len, int64_t *out);

/*
 * Formats one instruction in Intel syntax into buf (always NUL-terminated when buflen > 0);
 * address is where it runs, so relative branches show absolute targets. Returns the text's
 * length, or a UHV_STATUS_* / ZyanStatus (< 0).
 */
int uhv_format(int mode, const uint8_t *bytes, int len, uint64_t address, char *buf, int buflen);

/* The number of slots uhv_decode writes at most: a caller checks it matches its own layout. */
int uhv_decode_slot_count(void);

/* Name lookups for building id -> name tables once. NULL for ids with no name. */
const char *uhv_mnemonic_name(int id);
const char *uhv_register_name(int id);
int uhv_mnemonic_max(void);
int uhv_register_max(void);

/* "ZYDIS_STATUS_DECODING_ERROR" and friends for a status returned above; NULL if unknown. */
const char *uhv_status_name(int status);

#endif
