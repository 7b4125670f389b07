/*
 * libvirt-debug 64-bit test guest: PVH entry, long mode, the higher half,
 * the AP trampoline, GDT and exception stubs.
 *
 * The guest is linked like a Linux kernel: every symbol is at
 * __START_KERNEL_map (0xffffffff80000000) + its physical address.  QEMU
 * 7.2's multiboot loader refuses ELF64, so -kernel boots it through the
 * x86/HVM direct boot ABI (PVH): QEMU loads the PT_LOAD segments at their
 * physical addresses (p_paddr) and its pvh.bin option ROM enters the
 * physical address of the XEN_ELFNOTE_PHYS32_ENTRY note in 32-bit
 * protected mode, flat segments, paging and interrupts off, %ebx pointing
 * at the hvm_start_info (unused: the guest needs nothing from it).
 *
 * From there, as Linux's startup_32/startup_64: our own GDT, page tables,
 * PAE + EFER.LME + paging, a far jump to 64-bit code still in low memory,
 * then an absolute jump to the higher half.  Until that jump the code
 * runs at its physical address, so it names memory as PHYS(symbol) and
 * uses only relative branches.
 *
 * Two sets of page tables (all 2 MiB pages):
 *   boot_pml4    physical 0 - 4 MiB identity-mapped, and in the higher
 *                half: what the BSP and the AP switch to long mode on,
 *                since the instruction after the one that turns paging
 *                on runs at its physical address.
 *   guest_pml4   only the higher half (0xffffffff80000000 + 0 - 4 MiB)
 *                and the APICs' MMIO (0xfec00000 - 0xff000000, identity,
 *                uncached): what both vCPUs run on once in the higher
 *                half.  Everything else, low memory included, is unmapped,
 *                so that debuggers can be shown unmapped addresses in both
 *                halves (0x40000000, 0xffffffffc0000000).
 */

#define START_KERNEL_MAP    0xffffffff80000000
#define PHYS(sym)           ((sym) - START_KERNEL_MAP)

#define XEN_ELFNOTE_PHYS32_ENTRY    18

/* GDT selectors: code 0x08 and data 0x10, as in the 32-bit guest */
#define GDT_CS64    0x08
#define GDT_DS      0x10
#define GDT_CS32    0x18

#define X86_CR0_PE      0x00000001
#define X86_CR0_PG      0x80000000
#define X86_CR4_PAE     0x00000020
#define MSR_EFER        0xc0000080
#define EFER_LME        0x00000100
#define MSR_LSTAR       0xc0000082

/* page table entry bits */
#define PTE_P       0x001
#define PTE_RW      0x002
#define PTE_PWT     0x008
#define PTE_PCD     0x010
#define PTE_PS      0x080
#define PDE_LARGE   (PTE_P | PTE_RW | PTE_PS)
#define PDE_MMIO    (PDE_LARGE | PTE_PWT | PTE_PCD)
#define PTE_TABLE   (PTE_P | PTE_RW)

/* where the AP trampoline is copied (guest.c), and what its SIPI says */
#define TRAMPOLINE_PHYS 0x8000

/*
 * The PVH entry point, as Linux's arch/x86/platform/pvh/head.S declares
 * it: QEMU's read_pvh_start_addr() reads the descriptor of an ELF64 note
 * as 8 bytes, after a name padded to the PT_NOTE segment's alignment (4).
 */
    .section .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f               /* namesz */
    .long 4f - 3f               /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY
1:  .asciz "Xen"
2:  .balign 4
3:  .quad PHYS(pvh_start)
4:  .balign 4

    .text
    .code32
    .globl pvh_start
pvh_start:
    cli
    cld
    lgdt PHYS(boot_gdt_desc)
    ljmp $GDT_CS32, $PHYS(1f)
1:
    movl $GDT_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %fs
    movl %eax, %gs
    movl %eax, %ss
    movl $PHYS(guest_stack_top), %esp

    /*
     * The page tables, in .bss (zeroed by the loader: the segment's memsz
     * beyond its filesz).  Entries are 64 bits; the high halves stay 0.
     */
    movl $(PHYS(boot_pdpt_low) + PTE_TABLE), PHYS(boot_pml4)
    movl $(PHYS(pdpt_high) + PTE_TABLE), PHYS(boot_pml4) + 511 * 8
    movl $(PHYS(pd_low) + PTE_TABLE), PHYS(boot_pdpt_low)
    movl $(0x000000 + PDE_LARGE), PHYS(pd_low)
    movl $(0x200000 + PDE_LARGE), PHYS(pd_low) + 8

    /* 0xffffffff80000000: PML4 entry 511, PDPT entry 510 */
    movl $(PHYS(pd_high) + PTE_TABLE), PHYS(pdpt_high) + 510 * 8
    movl $(0x000000 + PDE_LARGE), PHYS(pd_high)
    movl $(0x200000 + PDE_LARGE), PHYS(pd_high) + 8

    /* 0xfec00000 (I/O APIC) and 0xfee00000 (local APIC): PDPT 3, PD 502-3 */
    movl $(PHYS(pdpt_apic) + PTE_TABLE), PHYS(guest_pml4)
    movl $(PHYS(pdpt_high) + PTE_TABLE), PHYS(guest_pml4) + 511 * 8
    movl $(PHYS(pd_apic) + PTE_TABLE), PHYS(pdpt_apic) + 3 * 8
    movl $(0xfec00000 + PDE_MMIO), PHYS(pd_apic) + 502 * 8
    movl $(0xfee00000 + PDE_MMIO), PHYS(pd_apic) + 503 * 8

    xorl %esi, %esi             /* the BSP */
    jmp startup_32_long

/*
 * The AP, from the trampoline: 32-bit protected mode, flat segments, no
 * paging, running at its physical address like the BSP above.
 */
ap_startup_32:
    movl $GDT_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %fs
    movl %eax, %gs
    movl %eax, %ss
    movl $1, %esi               /* an AP */

/*
 * Both: to long mode on boot_pml4.  %esi says which way to go on (the
 * high halves of the registers are not to be trusted across the switch,
 * hence the 32-bit test below).
 */
startup_32_long:
    movl %cr4, %eax
    orl $X86_CR4_PAE, %eax
    movl %eax, %cr4
    movl $PHYS(boot_pml4), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr
    movl %cr0, %eax
    orl $(X86_CR0_PG | X86_CR0_PE), %eax
    movl %eax, %cr0
    /* paging is on (EFER.LMA set): to a 64-bit code segment, still low */
    ljmp $GDT_CS64, $PHYS(1f)

    .code64
1:
    /* the higher half: an absolute jump, as Linux's startup_64 does */
    testl %esi, %esi
    jnz 2f
    movabsq $startup_64, %rax
    jmp *%rax
2:
    movabsq $ap_startup_64, %rax
    jmp *%rax

/*
 * Both vCPUs from here on run in the higher half, on their own stack,
 * with the GDT reloaded at its higher-half address before the identity
 * map goes away with the switch to guest_pml4.
 */
startup_64:
    movq $guest_stack_top, %rsp
    call cpu_setup_64
    call guest_main
2:
    cli
    /* a hlt that tests can point a vCPU at (interrupts off: for good) */
    .globl guest_halt_site
guest_halt_site:
    hlt
    jmp 2b

ap_startup_64:
    movq $guest_ap_stack_top, %rsp
    call cpu_setup_64
    call guest_ap_main
    jmp 2b

cpu_setup_64:
    lgdt guest_gdt_desc64(%rip)
    movl $GDT_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %fs
    movl %eax, %gs
    movl %eax, %ss
    movl $PHYS(guest_pml4), %eax
    movq %rax, %cr3

    /*
     * The syscall entry MSR (LSTAR), on every CPU, points at
     * entry_SYSCALL_64, as a Linux kernel's does: debuggers find a
     * relocated kernel by it.
     */
    movl $MSR_LSTAR, %ecx
    movq $entry_SYSCALL_64, %rax
    movq %rax, %rdx
    shrq $32, %rdx
    wrmsr
    ret

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
    incl guest_spin_count(%rip)
    jmp guest_spin_loop

/* Never entered (the guest makes no syscall): what LSTAR points at. */
    .globl entry_SYSCALL_64
entry_SYSCALL_64:
    cli
    hlt
    jmp entry_SYSCALL_64

/*
 * #BP (vector 3): count deliveries through our own IDT and return.  The
 * long mode frame is always rip, cs, rflags, rsp, ss (no error code).
 */
    .globl guest_int3_handler
guest_int3_handler:
    lock incl guest_int3_count(%rip)
    iretq

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
    lock incl guest_fault_count(%rip)
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
    movl guest_counter(%rip), %eax
guest_reg_store:
    movl %eax, guest_reg_sink(%rip)
    ret

/*
 * The AP's way from real mode, copied to TRAMPOLINE_PHYS by guest.c
 * before the STARTUP IPIs, whose vector makes it CS 0x0800, IP 0: so
 * it addresses only itself, by offset, and leaves at once for the
 * image's own 32-bit code by its physical address.
 */
    .balign 16
    .globl guest_trampoline_start
    .globl guest_trampoline_end
guest_trampoline_start:
    .code16
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    lgdtl tr_gdt_desc - guest_trampoline_start
    /* PE alone: INIT left CD and NW set, which would make the AP uncached */
    movl $X86_CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $GDT_CS32, $PHYS(ap_startup_32)

    .balign 8
tr_gdt_desc:
    .word guest_gdt_end - guest_gdt - 1
    .long PHYS(guest_gdt)
guest_trampoline_end:
    .code64

    .section .rodata
    .align 16
    .globl guest_gdt
guest_gdt:
    .quad 0x0000000000000000    /* null */
    .quad 0x00af9a000000ffff    /* 0x08: code, 64-bit (L) */
    .quad 0x00cf92000000ffff    /* 0x10: data, flat 4 GiB */
    .quad 0x00cf9a000000ffff    /* 0x18: code, flat 4 GiB, 32-bit */
guest_gdt_end:

/* for the 32-bit boot path, at the GDT's physical address */
boot_gdt_desc:
    .word guest_gdt_end - guest_gdt - 1
    .long PHYS(guest_gdt)

/* for long mode, at its higher-half address */
    .align 8
guest_gdt_desc64:
    .word guest_gdt_end - guest_gdt - 1
    .quad guest_gdt

    .bss
    .align 4096
    .globl guest_pml4
guest_pml4:
    .space 4096
boot_pml4:
    .space 4096
boot_pdpt_low:
    .space 4096
pd_low:
    .space 4096
pdpt_high:
    .space 4096
pd_high:
    .space 4096
pdpt_apic:
    .space 4096
pd_apic:
    .space 4096

    .space 16384
guest_stack_top:
    .space 16384
guest_ap_stack_top:

    .section .note.GNU-stack, "", @progbits
