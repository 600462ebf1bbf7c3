    .text
    .globl call_gate_target
call_gate_target:
    lret $8
