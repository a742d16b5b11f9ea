/* The Zydis shim; the layout and the contract of every function are in zydis_shim.h. */
#include "zydis_shim.h"

#include <string.h>

#include <Zydis/Zydis.h>

#define UHV_MODE_COUNT 3

/* Decoders and formatter are read-only after the constructor runs (at dlopen, before any call),
 * so every thread may share them without locking. */
static ZydisDecoder decoders[UHV_MODE_COUNT];
static ZydisFormatter formatter;
static ZyanStatus init_status = UHV_STATUS_NOT_INITIALISED;

__attribute__((constructor)) static void uhv_zydis_init(void)
{
    static const ZydisMachineMode machine_modes[UHV_MODE_COUNT] = {
        [UHV_MODE_LONG_64] = ZYDIS_MACHINE_MODE_LONG_64,
        /* LEGACY rather than COMPAT/REAL: decode everything; the emulator decides what faults. */
        [UHV_MODE_LEGACY_32] = ZYDIS_MACHINE_MODE_LEGACY_32,
        [UHV_MODE_LEGACY_16] = ZYDIS_MACHINE_MODE_LEGACY_16,
    };
    static const ZydisStackWidth stack_widths[UHV_MODE_COUNT] = {
        [UHV_MODE_LONG_64] = ZYDIS_STACK_WIDTH_64,
        [UHV_MODE_LEGACY_32] = ZYDIS_STACK_WIDTH_32,
        [UHV_MODE_LEGACY_16] = ZYDIS_STACK_WIDTH_16,
    };
    for (int mode = 0; mode < UHV_MODE_COUNT; mode++) {
        ZyanStatus status = ZydisDecoderInit(&decoders[mode], machine_modes[mode], stack_widths[mode]);
        if (ZYAN_FAILED(status)) {
            init_status = status;
            return;
        }
    }
    ZyanStatus status = ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
    /* "gs:[0x10]" rather than Zydis's default "gs:[0x0000000000000010]" in messages and traces */
    if (ZYAN_SUCCESS(status)) {
        status = ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_DISP_PADDING, ZYDIS_PADDING_DISABLED);
    }
    if (ZYAN_SUCCESS(status)) {
        status = ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_IMM_PADDING, ZYDIS_PADDING_DISABLED);
    }
    if (ZYAN_SUCCESS(status)) {
        status = ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE,
                                           ZYDIS_PADDING_DISABLED);
    }
    init_status = ZYAN_FAILED(status) ? status : 0;
}

/* Decodes into the caller's structs; 0 or a negative status. */
static int decode_full(int mode, const uint8_t *bytes, int len, ZydisDecodedInstruction *instruction,
                       ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT])
{
    if (init_status != 0) {
        return (int)init_status;
    }
    if (mode < 0 || mode >= UHV_MODE_COUNT) {
        return UHV_STATUS_BAD_MODE;
    }
    if (bytes == NULL || len < 0) {
        return UHV_STATUS_BAD_ARGUMENT;
    }
    ZyanStatus status = ZydisDecoderDecodeFull(&decoders[mode], bytes, (ZyanUSize)len, instruction, operands);
    return ZYAN_FAILED(status) ? (int)status : 0;
}

static int64_t prefix_bits(const ZydisDecodedInstruction *instruction)
{
    ZydisInstructionAttributes attributes = instruction->attributes;
    int64_t bits = 0;
    if (attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE)) {
        bits |= UHV_PREFIX_REP;
    }
    if (attributes & ZYDIS_ATTRIB_HAS_REPNE) {
        bits |= UHV_PREFIX_REPNE;
    }
    if (attributes & ZYDIS_ATTRIB_HAS_LOCK) {
        bits |= UHV_PREFIX_LOCK;
    }
    if (attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE) {
        bits |= UHV_PREFIX_OPERAND_SIZE;
    }
    if (attributes & ZYDIS_ATTRIB_HAS_ADDRESSSIZE) {
        bits |= UHV_PREFIX_ADDRESS_SIZE;
    }
    if ((attributes & ZYDIS_ATTRIB_HAS_REX) && instruction->raw.rex.W) {
        bits |= UHV_PREFIX_REX_W;
    }
    return bits;
}

/* FS and GS, the overrides that change an address in 64-bit mode, as the effective segment of any
 * memory operand: hidden ones count, so movs's and outs's source shows its override. */
static int64_t segment_override_bits(const ZydisDecodedInstruction *instruction,
                                     const ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT])
{
    int64_t bits = 0;
    for (int i = 0; i < instruction->operand_count; i++) {
        const ZydisDecodedOperand *operand = &operands[i];
        if (operand->type != ZYDIS_OPERAND_TYPE_MEMORY) {
            continue;
        }
        if (operand->mem.segment == ZYDIS_REGISTER_FS) {
            bits |= UHV_PREFIX_SEGMENT_FS;
        } else if (operand->mem.segment == ZYDIS_REGISTER_GS) {
            bits |= UHV_PREFIX_SEGMENT_GS;
        }
    }
    return bits;
}

/* Whether the instruction is a far branch, and whether it writes memory through any operand:
 * hidden ones count (push writes its stack slot), address-only ones (lea's) do not. */
static int64_t attribute_bits(const ZydisDecodedInstruction *instruction,
                              const ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT])
{
    int64_t bits = 0;
    if (instruction->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR) {
        bits |= UHV_ATTRIBUTE_FAR_BRANCH;
    }
    for (int i = 0; i < instruction->operand_count; i++) {
        const ZydisDecodedOperand *operand = &operands[i];
        if (operand->type == ZYDIS_OPERAND_TYPE_MEMORY && operand->mem.type != ZYDIS_MEMOP_TYPE_AGEN
            && (operand->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) {
            bits |= UHV_ATTRIBUTE_WRITES_MEMORY;
        }
    }
    return bits;
}

static void flatten_operand(const ZydisDecodedOperand *operand, int64_t *slots)
{
    slots[UHV_OPERAND_SIZE] = operand->size;
    slots[UHV_OPERAND_REGISTER] = 0;
    slots[UHV_OPERAND_BASE] = 0;
    slots[UHV_OPERAND_INDEX] = 0;
    slots[UHV_OPERAND_SCALE] = 0;
    slots[UHV_OPERAND_VALUE] = 0;
    switch (operand->type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
        slots[UHV_OPERAND_TYPE] = UHV_OPERAND_TYPE_REGISTER;
        slots[UHV_OPERAND_REGISTER] = operand->reg.value;
        break;
    case ZYDIS_OPERAND_TYPE_MEMORY:
        slots[UHV_OPERAND_TYPE] = UHV_OPERAND_TYPE_MEMORY;
        slots[UHV_OPERAND_REGISTER] = operand->mem.segment;
        slots[UHV_OPERAND_BASE] = operand->mem.base;
        slots[UHV_OPERAND_INDEX] = operand->mem.index;
        slots[UHV_OPERAND_SCALE] = operand->mem.scale;
        slots[UHV_OPERAND_VALUE] = operand->mem.disp.has_displacement ? operand->mem.disp.value : 0;
        break;
    case ZYDIS_OPERAND_TYPE_POINTER:
        slots[UHV_OPERAND_TYPE] = UHV_OPERAND_TYPE_POINTER;
        slots[UHV_OPERAND_REGISTER] = operand->ptr.segment;
        slots[UHV_OPERAND_VALUE] = operand->ptr.offset;
        break;
    case ZYDIS_OPERAND_TYPE_IMMEDIATE:
        slots[UHV_OPERAND_TYPE] = UHV_OPERAND_TYPE_IMMEDIATE;
        /* Zydis has already extended the value to 64 bits (sign if is_signed, else zero). */
        slots[UHV_OPERAND_VALUE] = operand->imm.is_signed ? operand->imm.value.s
                                                          : (int64_t)operand->imm.value.u;
        break;
    default:
        slots[UHV_OPERAND_TYPE] = 0;
        break;
    }
}

int uhv_decode(int mode, const uint8_t *bytes, int len, int64_t *out)
{
    if (out == NULL) {
        return UHV_STATUS_BAD_ARGUMENT;
    }
    ZydisDecodedInstruction instruction;
    ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
    int status = decode_full(mode, bytes, len, &instruction, operands);
    out[UHV_SLOT_STATUS] = status;
    if (status != 0) {
        return status;
    }
    /* Zydis puts the visible operands first. */
    int count = instruction.operand_count_visible;
    if (count > UHV_MAX_OPERANDS) {
        count = UHV_MAX_OPERANDS;
    }
    out[UHV_SLOT_MNEMONIC] = instruction.mnemonic;
    out[UHV_SLOT_LENGTH] = instruction.length;
    out[UHV_SLOT_OPERAND_WIDTH] = instruction.operand_width;
    out[UHV_SLOT_ADDRESS_WIDTH] = instruction.address_width;
    out[UHV_SLOT_PREFIXES] = prefix_bits(&instruction) | segment_override_bits(&instruction, operands);
    out[UHV_SLOT_ATTRIBUTES] = attribute_bits(&instruction, operands);
    out[UHV_SLOT_OPERAND_COUNT] = count;
    for (int i = 0; i < count; i++) {
        flatten_operand(&operands[i], out + UHV_SLOT_FIRST_OPERAND + i * UHV_OPERAND_SLOTS);
    }
    return 0;
}

static int reads_segment_register(const ZydisDecodedInstruction *instruction)
{
    if (instruction->opcode_map == ZYDIS_OPCODE_MAP_DEFAULT) {
        switch (instruction->opcode) {
        case 0x8c: /* mov r/m, Sreg */
            return instruction->mnemonic == ZYDIS_MNEMONIC_MOV;
        case 0x06: case 0x0e: case 0x16: case 0x1e: /* push es/cs/ss/ds (outside 64-bit mode) */
            return instruction->mnemonic == ZYDIS_MNEMONIC_PUSH;
        default:
            return 0;
        }
    }
    return instruction->opcode_map == ZYDIS_OPCODE_MAP_0F && instruction->mnemonic == ZYDIS_MNEMONIC_PUSH
           && (instruction->opcode == 0xa0 || instruction->opcode == 0xa8); /* push fs/gs */
}

int uhv_decode_flow(int mode, const uint8_t *bytes, int len, int64_t *out)
{
    if (init_status != 0) {
        return (int)init_status;
    }
    if (mode < 0 || mode >= UHV_MODE_COUNT) {
        return UHV_STATUS_BAD_MODE;
    }
    if (bytes == NULL || len < 0 || out == NULL) {
        return UHV_STATUS_BAD_ARGUMENT;
    }
    ZydisDecodedInstruction instruction;
    ZyanStatus status = ZydisDecoderDecodeInstruction(&decoders[mode], ZYAN_NULL, bytes, (ZyanUSize)len,
                                                      &instruction);
    if (ZYAN_FAILED(status)) {
        return (int)status;
    }
    int64_t bits = 0;
    int64_t displacement = 0;
    if (instruction.raw.imm[0].is_relative) {
        bits |= UHV_FLOW_RELATIVE;
        displacement = instruction.raw.imm[0].value.s;
    }
    if (instruction.meta.category == ZYDIS_CATEGORY_COND_BR) {
        bits |= UHV_FLOW_CONDITIONAL;
    }
    if (instruction.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR) {
        bits |= UHV_FLOW_FAR;
    }
    if (reads_segment_register(&instruction)) {
        bits |= UHV_FLOW_SEGMENT_READ;
    }
    out[UHV_FLOW_LENGTH] = instruction.length;
    out[UHV_FLOW_MNEMONIC] = instruction.mnemonic;
    out[UHV_FLOW_BITS] = bits;
    out[UHV_FLOW_DISPLACEMENT] = displacement;
    out[UHV_FLOW_OPERAND_WIDTH] = instruction.operand_width;
    return 0;
}

int uhv_format(int mode, const uint8_t *bytes, int len, uint64_t address, char *buf, int buflen)
{
    if (buf == NULL || buflen <= 0) {
        return UHV_STATUS_BAD_ARGUMENT;
    }
    buf[0] = '\0';
    ZydisDecodedInstruction instruction;
    ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
    int status = decode_full(mode, bytes, len, &instruction, operands);
    if (status != 0) {
        return status;
    }
    ZyanStatus formatted = ZydisFormatterFormatInstruction(&formatter, &instruction, operands,
        instruction.operand_count_visible, buf, (ZyanUSize)buflen, address, ZYAN_NULL);
    if (ZYAN_FAILED(formatted)) {
        buf[0] = '\0';
        return (int)formatted;
    }
    return (int)strnlen(buf, (size_t)buflen);
}

int uhv_decode_slot_count(void)
{
    return UHV_DECODE_SLOTS;
}

const char *uhv_mnemonic_name(int id)
{
    if (id < 0 || id > ZYDIS_MNEMONIC_MAX_VALUE) {
        return NULL;
    }
    return ZydisMnemonicGetString((ZydisMnemonic)id);
}

const char *uhv_register_name(int id)
{
    if (id < 0 || id > ZYDIS_REGISTER_MAX_VALUE) {
        return NULL;
    }
    return ZydisRegisterGetString((ZydisRegister)id);
}

int uhv_mnemonic_max(void)
{
    return ZYDIS_MNEMONIC_MAX_VALUE;
}

int uhv_register_max(void)
{
    return ZYDIS_REGISTER_MAX_VALUE;
}

#define STATUS_NAME(code) case (int)(code): return #code

const char *uhv_status_name(int status)
{
    switch (status) {
    STATUS_NAME(UHV_STATUS_BAD_MODE);
    STATUS_NAME(UHV_STATUS_BAD_ARGUMENT);
    STATUS_NAME(UHV_STATUS_NOT_INITIALISED);
    STATUS_NAME(ZYAN_STATUS_SUCCESS);
    STATUS_NAME(ZYAN_STATUS_FAILED);
    STATUS_NAME(ZYAN_STATUS_INVALID_ARGUMENT);
    STATUS_NAME(ZYAN_STATUS_INVALID_OPERATION);
    STATUS_NAME(ZYAN_STATUS_OUT_OF_RANGE);
    STATUS_NAME(ZYAN_STATUS_INSUFFICIENT_BUFFER_SIZE);
    STATUS_NAME(ZYDIS_STATUS_NO_MORE_DATA);
    STATUS_NAME(ZYDIS_STATUS_DECODING_ERROR);
    STATUS_NAME(ZYDIS_STATUS_INSTRUCTION_TOO_LONG);
    STATUS_NAME(ZYDIS_STATUS_BAD_REGISTER);
    STATUS_NAME(ZYDIS_STATUS_ILLEGAL_LOCK);
    STATUS_NAME(ZYDIS_STATUS_ILLEGAL_LEGACY_PFX);
    STATUS_NAME(ZYDIS_STATUS_ILLEGAL_REX);
    STATUS_NAME(ZYDIS_STATUS_INVALID_MAP);
    STATUS_NAME(ZYDIS_STATUS_MALFORMED_EVEX);
    STATUS_NAME(ZYDIS_STATUS_MALFORMED_MVEX);
    STATUS_NAME(ZYDIS_STATUS_INVALID_MASK);
    default:
        return NULL;
    }
}
