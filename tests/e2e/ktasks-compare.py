#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ktasks-compare.py - compare "crashtriage ps/bt --json" with what the
guest kernel printed itself (tests/e2e/run-vmcore-tasks.sh).

  ktasks-compare.py ps TASKS-TRUTH PS.json
      every task of the guest's /proc stat lines (pid, comm, state) is in
      ps with the same comm; prints one line per difference, then
      "tasks N same_comm N same_state N extra N"
  ktasks-compare.py bt SYSRQ-T BT.json
      every task's stack the guest printed ("task:... pid:N" and its Call
      Trace up to </TASK>, as sysrq-t and the hung-task detector print
      them; its reliable frames: lines without "? ") against bt's reliable
      frames, function names in order; prints one line per differing
      task, then
      "stacks N equal N"
  ktasks-compare.py corrupt DUMP PS.json I MODE
      in DUMP (an ELF vmcore with kernel virtual addresses, written in
      place) make task I's tasks.next (the member that links init_task
      and init both ways) either "poison" (0xdead000000000100,
      LIST_POISON1) or "loop" (task I-3's list_head); prints the offset
  ktasks-compare.py poke DUMP VADDR VALUE
      write the u64 VALUE at kernel virtual address VADDR of DUMP
"""
import json
import re
import struct
import sys


def ps(truth_path, ps_path):
    want = {}
    for line in open(truth_path, errors="replace"):
        m = re.match(r"^(\d+) \((.*)\) (\S) ", line)
        if m:
            want[int(m.group(1))] = (m.group(2), m.group(3))
    got = {t["pid"]: t for t in json.load(open(ps_path))["tasks"]}
    same_comm = same_state = 0
    for pid, (comm, state) in sorted(want.items()):
        t = got.get(pid)
        if t is None:
            print("missing pid %d (%s)" % (pid, comm))
            continue
        # comm is at most 15 bytes in the kernel; /proc prints the
        # kthread's full name for some (6.1: "rcu_tasks_kthread") and a
        # workqueue worker's with its work's description ("kworker/0:0-
        # rcu_gp", "+" for a rescuer)
        if comm[:15] == t["comm"] or (comm.startswith("kworker/") and
                                      re.match(re.escape(t["comm"]) +
                                               r"[-+]", comm)):
            same_comm += 1
        else:
            print("pid %d: comm %r, ps says %r" % (pid, comm, t["comm"]))
        if state == t["state"]:
            same_state += 1
        else:
            print("pid %d (%s): state %s, ps says %s" % (pid, comm, state,
                                                       t["state"]))
    extra = [p for p in got if p not in want and p != 0]
    print("tasks %d same_comm %d same_state %d extra %d" %
          (len(want), same_comm, same_state, len(extra)))


def sysrq_stacks(path):
    stacks = {}
    pid = None
    for line in open(path, errors="replace"):
        line = re.sub(r"^\[\s*\d+\.\d+\] ", "", line.rstrip("\n"))
        m = re.match(r"^task:.*\bpid:(\d+)", line)
        if m:
            pid = int(m.group(1))
            stacks[pid] = []
            continue
        if pid is None:
            continue
        if line.strip() == "</TASK>":
            pid = None
            continue
        m = re.match(r"^ ([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+", line)
        if m:
            stacks[pid].append(m.group(1))
    return stacks


def bt(sysrq_path, bt_path):
    want = sysrq_stacks(sysrq_path)
    got = {}
    for s in json.load(open(bt_path))["stacks"]:
        got[s["task"]["pid"]] = [f["function"] for f in s.get("frames", [])
                                 if f["reliable"]]
    equal = 0
    for pid, frames in sorted(want.items()):
        if pid not in got:
            print("pid %d: no stack from bt" % pid)
            continue
        if frames == got[pid]:
            equal += 1
        else:
            print("pid %d: guest %s" % (pid, " ".join(frames)))
            print("pid %d: bt    %s" % (pid, " ".join(str(f) for f in got[pid])))
    print("stacks %d equal %d" % (len(want), equal))


def elf_loads(f):
    """The PT_LOADs of the ELF file f: (vaddr, offset, filesz)."""
    f.seek(0)
    hdr = f.read(64)
    phoff, = struct.unpack_from("<Q", hdr, 32)
    phentsize, phnum = struct.unpack_from("<HH", hdr, 54)
    loads = []
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        ph = f.read(56)
        typ, = struct.unpack_from("<I", ph, 0)
        off, vaddr, _, filesz = struct.unpack_from("<QQQQ", ph, 8)
        if typ == 1:
            loads.append((vaddr, off, filesz))
    return loads


def file_offset(loads, va):
    for vaddr, off, filesz in loads:
        if vaddr <= va < vaddr + filesz:
            return off + va - vaddr
    sys.exit("0x%x is not in the dump" % va)


def poke(dump, va, value):
    with open(dump, "r+b") as f:
        f.seek(file_offset(elf_loads(f), va))
        f.write(struct.pack("<Q", value))


def corrupt(dump, ps_path, index, mode):
    tasks = json.load(open(ps_path))["tasks"]
    with open(dump, "r+b") as f:
        loads = elf_loads(f)

        def offset_of(va):
            return file_offset(loads, va)

        def u64(va):
            f.seek(offset_of(va))
            return struct.unpack("<Q", f.read(8))[0]

        # init_task's tasks.next is init's tasks: no other list links
        # them at the same member both ways
        t0 = int(tasks[0]["address"], 16)
        t1 = int(tasks[1]["address"], 16)
        for member in range(0, 8192, 8):
            if (u64(t0 + member) == t1 + member and
                    u64(t1 + member + 8) == t0 + member):
                break
        else:
            sys.exit("no tasks member found")
        a = int(tasks[index]["address"], 16)
        bad = (0xdead000000000100 if mode == "poison" else
               int(tasks[index - 3]["address"], 16) + member)
        f.seek(offset_of(a + member))
        f.write(struct.pack("<Q", bad))
        print(member)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "poke":
        poke(sys.argv[2], int(sys.argv[3], 16), int(sys.argv[4], 16))
    elif len(sys.argv) == 6 and sys.argv[1] == "corrupt":
        corrupt(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) != 4 or sys.argv[1] not in ("ps", "bt"):
        sys.exit(__doc__)
    else:
        (ps if sys.argv[1] == "ps" else bt)(sys.argv[2], sys.argv[3])
