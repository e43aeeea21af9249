#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make-kdump-seeds.py - write small kdump files as fuzz seeds for
tests/fuzz/corpus/kdump (developer tool; make check only replays the
files it wrote).

A 16-page machine (4 KiB pages): frames 0-7 dumped (zlib-compressed and
raw pages), 8-11 present but excluded, 12-15 absent from the memory map.
The diskdump layout follows makedumpfile's diskdump_mod.h: header block,
one sub-header block (version 6, with VMCOREINFO), one block per bitmap,
page descriptors, page data.  Written as:

  tiny.kdump        diskdump ("KDUMP   ")
  tiny.flat         flattened stream, one record per block run
  scattered.flat    flattened, small records out of order, one rewritten
  cut.flat          tiny.flat cut inside a page-data record
  bigendian.kdump   the same image in big-endian byte order (s390x)

usage: make-kdump-seeds.py OUTDIR
"""
import os
import struct
import sys
import zlib

PAGE = 4096
PAGES = 16
VMCOREINFO = (b"OSRELEASE=6.1.0-seed\nPAGESIZE=4096\n"
              b"SYMBOL(init_top_pgt)=ffffffff82a10000\nKERNELOFFSET=0\n")


def page(pfn):
    if pfn % 3 == 0:
        return bytes([pfn]) * PAGE  # compresses well
    return bytes((pfn * 131 + i * 7) & 0xFF for i in range(PAGE))


def image(order):
    u32 = lambda v: struct.pack(order + "I", v)
    u64 = lambda v: struct.pack(order + "Q", v)
    uts = b""
    for field in (b"Linux", b"seed", b"6.1.0-seed", b"#1",
                  b"x86_64" if order == "<" else b"s390x", b""):
        uts += field.ljust(65, b"\0")
    hdr = b"KDUMP   " + u32(6) + uts
    hdr = hdr.ljust(408, b"\0") + u64(1700000000) + u64(0)  # timestamp
    hdr += u32(1)                # status: zlib
    hdr += u32(PAGE)             # block_size
    hdr += u32(1)                # sub_hdr_size
    hdr += u32(2)                # bitmap_blocks
    hdr += u32(PAGES)            # max_mapnr
    hdr += u32(0) + u32(0) + u32(0) + u32(0)  # ram/device/written/cpu
    hdr += u32(1)                # nr_cpus
    assert len(hdr) == 464
    info_off = PAGE + 256
    sub = (u64(0) + u32(31) + u32(0) + u64(0) + u64(PAGES) +
           u64(info_off) + u64(len(VMCOREINFO)) + u64(0) * 4 +
           u64(0) + u64(PAGES) + u64(PAGES))
    sub = sub.ljust(256, b"\0") + VMCOREINFO
    bitmap1 = bytes([0xFF, 0x0F]).ljust(PAGE, b"\0")
    bitmap2 = bytes([0xFF, 0x00]).ljust(PAGE, b"\0")
    pd_off = 4 * PAGE
    data_off = pd_off + 8 * 24
    pds, data = b"", b""
    for pfn in range(8):
        raw = page(pfn)
        z = zlib.compress(raw)
        body, flags = (z, 1) if len(z) < PAGE and pfn != 5 else (raw, 0)
        pds += u64(data_off + len(data)) + u32(len(body)) + u32(flags) + u64(0)
        data += body
    return [(0, hdr.ljust(PAGE, b"\0")), (PAGE, sub.ljust(PAGE, b"\0")),
            (2 * PAGE, bitmap1), (3 * PAGE, bitmap2), (pd_off, pds),
            (data_off, data)]


def flat(pieces):
    out = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
    out = out.ljust(4096, b"\0")
    for off, body in pieces:
        out += struct.pack(">qq", off, len(body)) + body
    return out + struct.pack(">qq", -1, -1)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    pieces = image("<")
    whole = bytearray()
    for off, body in pieces:
        whole[len(whole):off] = b"\0" * (off - len(whole))
        whole[off:off + len(body)] = body
    write = lambda name, b: open(os.path.join(outdir, name), "wb").write(b)
    write("tiny.kdump", bytes(whole))
    write("tiny.flat", flat(pieces))
    # small records, page data first, and a bitmap written twice
    small = []
    for off, body in reversed(pieces):
        for i in range(0, len(body), 1000):
            small.append((off + i, body[i:i + 1000]))
    small.insert(0, (3 * PAGE, b"\xff" * 64))
    write("scattered.flat", flat(small))
    f = flat(pieces)
    write("cut.flat", f[:len(f) - 3000])
    big = bytearray()
    for off, body in image(">"):
        big[len(big):off] = b"\0" * (off - len(big))
        big[off:off + len(body)] = body
    write("bigendian.kdump", bytes(big))


if __name__ == "__main__":
    main()
