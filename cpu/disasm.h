/*
 * cpu/disasm.h - the disassembler.  It decodes with the interpreter's own
 * decoder and opcode maps (cpu/decode.h), so what it shows is what runs.
 */
#ifndef CPU_DISASM_H
#define CPU_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum disasm_syntax {
	DISASM_ATT,    /* GNU objdump -d:          mov    0x4(%ebx),%eax */
	DISASM_INTEL,  /* GNU objdump -d -M intel: mov    eax,DWORD PTR [ebx+0x4] */
};

/* Names an address (a symbol, "foo+0x5"), or returns NULL. */
typedef const char *disasm_symbolize_fn(uint32_t addr, void *ctx);

/*
 * Disassemble the instruction at BYTES (AVAIL of them readable), which sits
 * at EIP in a code segment of default size CODE32, into OUT (always
 * NUL-terminated, truncated to OUTLEN).  Returns the instruction's length as
 * the interpreter decodes it; bytes that are no instruction print as "(bad)"
 * (1 byte when the instruction would run past AVAIL or 15 bytes).  Returns 0
 * only when AVAIL is 0.
 */
int disasm(const uint8_t *bytes, unsigned avail, bool code32, uint32_t eip,
	   enum disasm_syntax syntax, char *out, size_t outlen);

/* The same, naming branch targets with SYMBOLIZE (may be NULL) as objdump
 * does: "call   8049000 <main+0x10>". */
int disasm_sym(const uint8_t *bytes, unsigned avail, bool code32, uint32_t eip,
	       enum disasm_syntax syntax, disasm_symbolize_fn *symbolize, void *ctx,
	       char *out, size_t outlen);

#endif
