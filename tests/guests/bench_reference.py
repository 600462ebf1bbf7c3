#!/usr/bin/env python3
"""Reference checksums for guests/bench, from an independent model.

The guest computes CRC-32 with its own table, sieves, heapsorts and runs REP string
instructions; this model gets the same answers another way (zlib's CRC-32, slice
assignment, Python's sorted(), bytes methods), so agreeing checksums mean the CPU
computed right. Run it after changing a kernel, and paste its output into bench.sh.
The constants mirror guests/bench/*.c.
"""
import zlib

MASK = 0xFFFFFFFF


def lcg(seed):
    """guests/bench/bench.h: lcg_next()."""
    while True:
        seed = (seed * 1664525 + 1013904223) & MASK
        yield seed


def mix(checksum, value):
    """guests/bench/bench.h: mix()."""
    return ((checksum ^ value) * 16777619) & MASK


def crc32_checksum(size=65536, rounds=576):
    rng = lcg(1)
    buffer = bytes(next(rng) >> 24 for _ in range(size))
    crc = 0
    for _ in range(rounds):
        crc = zlib.crc32(buffer, crc)  # continues the stream, like the guest's loop
    return crc


def sieve_checksum(limit=2000000, rounds=10):
    composite = bytearray(limit)
    composite[0:2] = b"\1\1"
    for i in range(2, int(limit ** 0.5) + 1):
        if not composite[i]:
            composite[i * i::i] = b"\1" * len(range(i * i, limit, i))
    primes = [i for i in range(limit) if not composite[i]]
    checksum = 0
    for _ in range(rounds):  # every round finds the same primes
        checksum = mix(mix(checksum, len(primes)), sum(primes) & MASK)
    return checksum


def sort_checksum(count=50000, rounds=16):
    rng = lcg(2024)
    checksum = 0
    for _ in range(rounds):
        for value in sorted(next(rng) for _ in range(count)):
            checksum = mix(checksum, value)
    return checksum


def strings_checksum(size=32768, rounds=700):
    rng = lcg(7)
    text = bytearray()
    for _ in range(size):
        x = next(rng)
        text.append(0 if x >> 29 == 0 else ord("a") + (x >> 16) % 26)
    text[-1] = 0
    text = bytes(text)
    checksum = 0
    for r in range(rounds):
        copy = bytearray(text)
        copy[r * 7919 % (size - 1)] ^= 0x20
        first_difference = next((i for i in range(size) if copy[i] != text[i]), size)
        pieces = bytes(copy).split(b"\0")[:-1]  # the text ends with a NUL
        equal = size - (first_difference < size)  # exactly one byte was flipped
        for value in (first_difference, len(pieces), sum(map(len, pieces)), equal):
            checksum = mix(checksum, value)
    return checksum


if __name__ == "__main__":
    for name, checksum in (("crc32", crc32_checksum()), ("sieve", sieve_checksum()),
                           ("sort", sort_checksum()), ("strings", strings_checksum())):
        print(f"checksum {name} 0x{checksum:08x}")
