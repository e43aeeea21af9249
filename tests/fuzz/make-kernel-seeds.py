#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make-kernel-seeds.py - write the seed inputs of fuzz-kbtf and fuzz-orc.

  make-kernel-seeds.py CORPUS_DIR    (writes CORPUS_DIR/kbtf/*, .../orc/*)

kbtf: small raw BTF blobs (header, types, strings as the kernel's
__start_BTF holds them) with a task_struct whose members ps reads: nested
(thread.sp, thread_info.cpu), in an anonymous union, behind typedefs.
orc: fuzz-orc.c's input format: ORC tables of versions 1 to 3 with call,
regs and end-of-stack entries and the stack they unwind.
"""
import os
import struct
import sys

# ---- BTF (include/uapi/linux/btf.h) ----
KIND_INT, KIND_PTR, KIND_ARRAY, KIND_STRUCT, KIND_UNION, KIND_TYPEDEF = 1, 2, 3, 4, 5, 8


class Btf:
    def __init__(self):
        self.strs = b"\0"
        self.types = b""
        self.n = 0

    def s(self, name):
        if not name:
            return 0
        off = len(self.strs)
        self.strs += name.encode() + b"\0"
        return off

    def add(self, name, kind, vlen, size_or_type, extra=b""):
        self.types += struct.pack("<III", self.s(name), kind << 24 | vlen,
                                  size_or_type) + extra
        self.n += 1
        return self.n

    def int_(self, name, size):
        return self.add(name, KIND_INT, 0, size,
                        struct.pack("<I", size * 8))

    def ptr(self, t):
        return self.add(None, KIND_PTR, 0, t)

    def array(self, elem, index, n):
        return self.add(None, KIND_ARRAY, 0, 0,
                        struct.pack("<III", elem, index, n))

    def composite(self, kind, name, size, members):
        extra = b"".join(struct.pack("<III", self.s(mn), mt, off * 8)
                         for mn, mt, off in members)
        return self.add(name, kind, len(members), size, extra)

    def blob(self):
        hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(self.types),
                          len(self.types), len(self.strs))
        return hdr + self.types + self.strs


def task_btf(anon_union, old_names):
    b = Btf()
    i32 = b.int_("int", 4)
    u32 = b.int_("unsigned int", 4)
    u64 = b.int_("long unsigned int", 8)
    char = b.int_("char", 1)
    comm = b.array(char, i32, 16)
    voidp = b.ptr(0)
    lh = b.composite(KIND_STRUCT, "list_head", 16, [])
    lh_t = lh
    b.types = b.types  # list_head members refer to itself
    lhp = b.ptr(lh)
    # fill list_head's members now that the pointer exists
    lh2 = b.composite(KIND_STRUCT, "list_head", 16,
                      [("next", lhp, 0), ("prev", lhp, 8)])
    td = b.add("u64_t", KIND_TYPEDEF, 0, u64)
    thread = b.composite(KIND_STRUCT, "thread_struct", 32,
                         [("sp", td, 8), ("es", u32, 16)])
    ti = b.composite(KIND_STRUCT, "thread_info", 24,
                     [("flags", u64, 0), ("cpu", u32, 16)])
    members = [("thread_info", ti, 0),
               ("state" if old_names else "__state",
                u64 if old_names else u32, 24),
               ("stack", voidp, 32), ("flags", u32, 40),
               ("tasks", lh2, 48), ("exit_state", i32, 64),
               ("pid", i32, 68), ("tgid", i32, 72), ("comm", comm, 80),
               ("thread", thread, 128)]
    if anon_union:
        u = b.composite(KIND_UNION, None, 16, [("thread_group", lh2, 0),
                                               ("other", u64, 0)])
        members.append((None, u, 160))
    b.composite(KIND_STRUCT, "task_struct", 192, members)
    b.composite(KIND_STRUCT, "inactive_task_frame", 56,
                [("bp", u64, 40), ("ret_addr", u64, 48)])
    del lh_t
    return b.blob()


# ---- ORC (fuzz-orc.c's header) ----
TEXT_VA = 0xffffffff81000000
STACK_VA = 0xffffc90000000000
REG_UNDEF, REG_PREV_SP, REG_BP, REG_SP = 0, 1, 4, 5


def orc_entry(version, sp_reg, sp_off, bp_reg, bp_off, kind, end=0,
              signal=0):
    # kind: "call", "regs", "partial", "end", "undef" (version 3 numbers)
    if version == 3:
        t = {"undef": 0, "end": 1, "call": 2, "regs": 3, "partial": 4}[kind]
        hi = t | signal << 3
    else:
        t = {"call": 0, "regs": 1, "partial": 2, "end": 0, "undef": 0}[kind]
        if kind == "end":
            sp_reg, end = REG_UNDEF, 1
        e_bit = 2 if version == 1 else 3
        hi = t | end << e_bit | (signal << 2 if version == 2 else 0)
    return struct.pack("<hhBB", sp_off, bp_off, sp_reg | bp_reg << 4, hi)


def orc_input(version, signal, ip, sp, bp, table, stack):
    out = struct.pack("<BBHQQQ", version - 1, signal, len(table), ip, sp, bp)
    out += b"".join(struct.pack("<i", addr - (TEXT_VA + 4 * i))
                    for i, (addr, _) in enumerate(table))
    out += b"".join(e for _, e in table)
    return out + stack


def orc_seeds():
    seeds = {}
    for v in (1, 2, 3):
        # leaf at +0x000 (return address at sp), framed at +0x100, end at
        # +0x200: ip in the leaf, its caller in the framed one
        table = [(TEXT_VA, orc_entry(v, REG_SP, 8, REG_UNDEF, 0, "call")),
                 (TEXT_VA + 0x100,
                  orc_entry(v, REG_SP, 16, REG_PREV_SP, -16, "call")),
                 (TEXT_VA + 0x200, orc_entry(v, 0, 0, 0, 0, "end"))]
        stack = bytearray(16384)
        struct.pack_into("<Q", stack, 0x100, TEXT_VA + 0x110)
        struct.pack_into("<Q", stack, 0x108, STACK_VA + 0x200)
        struct.pack_into("<Q", stack, 0x110, TEXT_VA + 0x210)
        seeds["calls-v%d" % v] = orc_input(v, 1, TEXT_VA + 0x10,
                                           STACK_VA + 0x100, 0, table,
                                           bytes(stack))
    # version 3: a pt_regs frame from user mode ends the walk
    table = [(TEXT_VA, orc_entry(3, REG_SP, 0, REG_UNDEF, 0, "regs"))]
    stack = bytearray(16384)
    struct.pack_into("<QQQQ", stack, 0x100 + 128, 0x401000, 0x33, 0x202,
                     0x7ffc0000)
    seeds["regs-user-v3"] = orc_input(3, 1, TEXT_VA + 0x20, STACK_VA + 0x100,
                                      0, table, bytes(stack))
    # version 1: an interrupt's pt_regs in kernel mode, then the
    # interrupted function's caller (the frame pointer in pt_regs is no
    # stack pointer)
    table = [(TEXT_VA, orc_entry(1, REG_SP, 0, REG_UNDEF, 0, "regs")),
             (TEXT_VA + 0x100, orc_entry(1, REG_SP, 8, REG_UNDEF, 0, "call")),
             (TEXT_VA + 0x200, orc_entry(1, 0, 0, 0, 0, "end"))]
    stack = bytearray(16384)
    struct.pack_into("<Q", stack, 0x100 + 32, 0x4000)           # bp
    struct.pack_into("<QQQQ", stack, 0x100 + 128, TEXT_VA + 0x110, 0x10,
                     0x246, STACK_VA + 0x400)                   # ip cs fl sp
    struct.pack_into("<Q", stack, 0x400, TEXT_VA + 0x210)
    seeds["regs-kernel-v1"] = orc_input(1, 1, TEXT_VA + 0x10,
                                        STACK_VA + 0x100, 0, table,
                                        bytes(stack))
    # a stack pointer that goes down: the walk must stop
    table = [(TEXT_VA, orc_entry(1, REG_SP, -64, REG_UNDEF, 0, "call"))]
    stack = bytearray(4096)
    for a in range(0, 4096, 8):
        struct.pack_into("<Q", stack, a, TEXT_VA + 0x40)
    seeds["loop-v1"] = orc_input(1, 1, TEXT_VA + 0x40, STACK_VA + 0x800, 0,
                                 table, bytes(stack))
    return seeds


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    top = sys.argv[1]
    for sub, seeds in (("kbtf", {"task-6.1": task_btf(True, False),
                                 "task-5.10": task_btf(False, True)}),
                       ("orc", orc_seeds())):
        os.makedirs(os.path.join(top, sub), exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(top, sub, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
