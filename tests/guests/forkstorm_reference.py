#!/usr/bin/env python3
"""Reference output of guests/forkstorm, from a model without page tables.

What the processes see is modelled as it is meant to be, not as the guest builds it:
every process owns a private copy of its pages (a fork copies them all at once), and
a heap page is there from its first touch until it is unmapped. Agreeing checksums
mean copy-on-write, demand-zero and the TLB invalidations kept that illusion intact.

What the kernel does (how many faults, INVLPGs, entry writes and frames) is modelled
from its rules: a frame is shared by reference count, fork write-protects the parent's
writable pages, a write to a read-only page copies it if it is still shared. Run it
after changing the guest, and paste its output into forkstorm.sh. The constants
mirror guests/forkstorm/*.c.
"""
MASK = 0xFFFFFFFF
NPROC, ROUNDS, ACCESSES_PER_SLICE = 64, 320, 8
DATA_PAGES, USER_PAGES, WORDS = 16, 32, 1024
KERNEL_FRAMES = 5
KERNEL_PDES = 4  # the page tables of the identity-mapped 16 MiB, shared by every directory


def lcg(state):
    """guests/lib/random.h: lcg_next(); returns the new state, which is also the number."""
    return (state * 1664525 + 1013904223) & MASK


def mix(checksum, value):
    """guests/lib/random.h: mix()."""
    return ((checksum ^ value) * 16777619) & MASK


class Counts:
    def __init__(self):
        self.cr3 = self.invlpg = self.entries = 0
        self.created = self.destroyed = self.unmaps = 0
        self.copies = self.reuses = self.demand_zero = 0


class Kernel:
    def __init__(self):
        self.c = Counts()
        self.refs = {}  # frame id -> how many mappings
        self.next_frame = 0

    def new_frame(self):
        self.next_frame += 1
        self.refs[self.next_frame] = 1
        return self.next_frame

    def put(self, frame):
        self.refs[frame] -= 1
        if not self.refs[frame]:
            del self.refs[frame]

    def new_space(self):
        self.c.created += 1
        self.c.entries += KERNEL_PDES + 1  # shared kernel PDEs and the user table's PDE

    def frames_in_use(self, procs):
        return KERNEL_FRAMES + 2 * len(procs) + len(self.refs)  # + directory and user table


class Process:
    def __init__(self, pid, seed, acc, memory, frames):
        self.pid, self.seed, self.acc = pid, seed, acc
        self.memory = memory  # page -> list of words: what the process sees
        self.frames = frames  # page -> [frame id, writable]: how the kernel maps it

    def touch(self, k, page):
        """A heap page not mapped yet appears, zeroed, on the first access."""
        if page not in self.memory:
            self.memory[page] = [0] * WORDS
            self.frames[page] = [k.new_frame(), True]
            k.c.demand_zero += 1
            k.c.entries += 1

    def write(self, k, page, word, value):
        mapping = self.frames[page]
        if not mapping[1]:  # copy-on-write fault
            if k.refs[mapping[0]] == 1:
                k.c.reuses += 1
            else:
                k.put(mapping[0])
                mapping[0] = k.new_frame()
                k.c.copies += 1
            mapping[1] = True
            k.c.entries += 1
        self.memory[page][word] = value

    def run(self, k):
        for _ in range(ACCESSES_PER_SLICE):
            self.seed = x = lcg(self.seed)
            page, word = x >> 27, (x >> 17) % WORDS
            self.touch(k, page)
            value = self.memory[page][word]
            if x & 0x10000:
                self.write(k, page, word, mix(value, x))
            else:
                self.acc = mix(self.acc, value)

    def fork(self, k, pid):
        k.new_space()
        for mapping in self.frames.values():
            if mapping[1]:  # the parent loses write access: entry write and INVLPG
                mapping[1] = False
                k.c.entries += 1
                k.c.invlpg += 1
            k.refs[mapping[0]] += 1
            k.c.entries += 1  # the child's entry
        return Process(pid, mix(self.seed, pid), self.acc,
                       {p: list(words) for p, words in self.memory.items()},
                       {p: list(m) for p, m in self.frames.items()})

    def unmap(self, k, page):
        if page in self.memory:
            del self.memory[page]
            k.put(self.frames.pop(page)[0])
            k.c.unmaps += 1
            k.c.entries += 1
            k.c.invlpg += 1

    def destroy(self, k):
        for frame, _ in self.frames.values():
            k.put(frame)
        k.c.destroyed += 1


def main():
    k = Kernel()
    k.new_space()
    memory = {p: [p << 16 | w for w in range(WORDS)] for p in range(DATA_PAGES)}
    first = Process(1, 1, 0, memory, {p: [k.new_frame(), True] for p in range(DATA_PAGES)})
    procs = [first] + [first.fork(k, pid) for pid in range(2, NPROC + 1)]
    next_pid, kernel_seed, forks = NPROC + 1, 42, 0
    print(f"boot: {k.c.created} address spaces, {k.frames_in_use(procs)} frames in use")

    boot = vars(k.c).copy()
    for _ in range(ROUNDS):
        for slot in range(NPROC):
            p = procs[slot]
            k.c.cr3 += 1
            p.run(k)
            kernel_seed = lcg(kernel_seed)
            if kernel_seed >> 28 == 0:
                kernel_seed = lcg(kernel_seed)
                p.unmap(k, DATA_PAGES + (kernel_seed >> 28))
            kernel_seed = lcg(kernel_seed)
            if kernel_seed >> 26 == 0:
                kernel_seed = lcg(kernel_seed)
                victim = (slot + 1 + (kernel_seed >> 16) % (NPROC - 1)) % NPROC
                procs[victim].destroy(k)
                procs[victim] = p.fork(k, next_pid)
                next_pid += 1
                forks += 1
    c = k.c
    print(f"storm: {c.cr3 - boot['cr3']} CR3 loads, {c.invlpg - boot['invlpg']} INVLPG, "
          f"{c.entries - boot['entries']} page-table entries written")
    print(f"storm: {forks} forks, {c.destroyed} address spaces destroyed, "
          f"{c.unmaps} heap pages unmapped")
    print(f"storm: page faults: {c.copies} copy-on-write copies, {c.reuses} reuses, "
          f"{c.demand_zero} demand-zero")

    checksum = 0
    for p in procs:
        checksum = mix(mix(checksum, p.pid), p.acc)
        for page in range(USER_PAGES):
            checksum = mix(checksum, page in p.memory)
            for value in p.memory.get(page, []):
                checksum = mix(checksum, value)
    print(f"memory: checksum 0x{checksum:08x}, {k.frames_in_use(procs)} frames in use")
    print(f"teardown: {c.created} address spaces created in all, {c.destroyed + NPROC} "
          f"destroyed, {KERNEL_FRAMES} frames in use")


if __name__ == "__main__":
    main()
