/*
 * libvirt-debug test guest: multiboot entry, GDT/IDT and exception stubs.
 *
 * QEMU's -kernel loader finds the multiboot header in the first 8 KiB of
 * this ELF32 file and enters _start in 32-bit protected mode, flat
 * segments, paging and interrupts off.  We load our own GDT and turn on
 * paging with only the first 4 MiB identity-mapped.
 */

#define MB_MAGIC    0x1BADB002
#define MB_FLAGS    0x00000000

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .globl _start
_start:
    cli
    movl $guest_stack_top, %esp
    lgdt gdt_desc
    ljmp $0x08, $1f
1:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss

    /*
     * Paging: identity-map the first 4 MiB with one 4 MiB page, and the
     * 4 MiB at 0xfec00000 (I/O APIC, local APIC: mapped, but not RAM);
     * the rest of the virtual address space is unmapped, so that
     * debuggers can be shown an unmapped address (e.g. 0x40000000).
     */
    movl $guest_page_dir, %eax
    movl $0x00000083, (%eax)    /* present, writable, 4 MiB page at 0 */
    /* and the local APIC's 4 MiB, mapped but not RAM */
    movl $0xfec00083, 0xfec(%eax)
    movl %eax, %cr3
    movl %cr4, %eax
    orl $0x10, %eax             /* CR4.PSE */
    movl %eax, %cr4
    movl %cr0, %eax
    orl $0x80000000, %eax       /* CR0.PG */
    movl %eax, %cr0

    /*
     * The syscall entry MSR (LSTAR) points at entry_SYSCALL_64, as a
     * Linux kernel's does: debuggers find a relocated kernel by it.
     */
    movl $0xc0000082, %ecx
    movl $entry_SYSCALL_64, %eax
    xorl %edx, %edx
    wrmsr
    call guest_main
2:
    cli
    /* a hlt that tests can point a vCPU at (interrupts off: for good) */
    .globl guest_halt_site
guest_halt_site:
    hlt
    jmp 2b

/*
 * A loop that tests can point a vCPU at (it never ends): two translated
 * blocks that chain to each other, the second starting at
 * guest_spin_body, so that once it runs the vCPU looks no block up any
 * more.  Counts guest_spin_count.
 */
    .globl guest_spin_loop
    .globl guest_spin_body
guest_spin_loop:
    jmp guest_spin_body
guest_spin_body:
    incl guest_spin_count
    jmp guest_spin_loop

/* Never entered (the guest makes no syscall): what LSTAR points at. */
    .globl entry_SYSCALL_64
entry_SYSCALL_64:
    cli
    hlt
    jmp entry_SYSCALL_64

/* #BP (vector 3): count deliveries through our own IDT and return. */
    .globl guest_int3_handler
guest_int3_handler:
    lock incl guest_int3_count
    iret

/*
 * The guest's own breakpoint, a function of its own so that tests can
 * name the int3 instruction (guest_int3_site) and step across it.
 */
    .globl guest_raise_int3
    .globl guest_int3_site
guest_raise_int3:
guest_int3_site:
    int3
    ret

/* Any other exception: record it and stop making progress. */
    .globl guest_fault_handler
guest_fault_handler:
    lock incl guest_fault_count
3:
    cli
    hlt
    jmp 3b

/*
 * A probe for register writes: guest_reg_store stores %eax into
 * guest_reg_sink, so a debugger that stops at guest_reg_store, writes
 * rax and steps one instruction sees its value in guest memory.
 */
    .globl guest_reg_probe
    .globl guest_reg_store
guest_reg_probe:
    movl guest_counter, %eax
guest_reg_store:
    movl %eax, guest_reg_sink
    ret

    .section .rodata
    .align 8
gdt:
    .quad 0x0000000000000000    /* null */
    .quad 0x00cf9a000000ffff    /* 0x08: code, flat 4 GiB, 32-bit */
    .quad 0x00cf92000000ffff    /* 0x10: data, flat 4 GiB */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .bss
    .align 4096
    .globl guest_page_dir
guest_page_dir:
    .space 4096
    .space 16384
guest_stack_top:

    .section .note.GNU-stack, "", @progbits
