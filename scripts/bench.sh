#!/usr/bin/env bash
# scripts/bench.sh - `make bench`: glassvm speed vs QEMU (TCG) and Bochs.
#
# Runs guests/bench.elf (Multiboot v1 kernel) under glassvm, then under QEMU
# and Bochs when installed, times the guest's workload between the serial
# markers "BENCH START" and "BENCH END", and prints one comparison table.
# See docs/bench.md.
#
# Environment:
#   GLASSVM        absolute path of the glassvm binary          (required)
#   BENCH_ELF      absolute path of guests/bench.elf            (required)
#   BENCH_OUT      scratch/log directory (kept); default: a temporary
#                  directory, removed after a successful run
#   BENCH_TIMEOUT  wall-clock limit per emulator run, seconds   (300)
#   BENCH_SKIP     space-separated emulators to skip: "qemu", "bochs"
#   BENCH_QEMU     QEMU binary                                  (qemu-system-i386)
#   BENCH_BOCHS    Bochs binary                                 (bochs)
#
# Exit status: 0 whenever glassvm ran the benchmark to BENCH END and exited
# through isa-debug-exit, whatever the figures; 1 otherwise.  QEMU/Bochs
# problems only show up in their table rows.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TIMED_RUN="$HERE/bench/timed_run.py"
TIMEOUT=${BENCH_TIMEOUT:-300}
SKIP=" ${BENCH_SKIP:-} "
QEMU_BIN=${BENCH_QEMU:-qemu-system-i386}
BOCHS_BIN=${BENCH_BOCHS:-bochs}
DEBUG_EXIT=(-device "isa-debug-exit,iobase=0xf4,iosize=0x04")
EXPECTED_EXIT=33        # guest writes 0x10 to port 0xf4: (0x10 << 1) | 1

die() {
    echo "bench: error: $*" >&2
    [ -n "${OUT:-}" ] && echo "bench: logs kept in $OUT" >&2
    exit 1
}
say() { echo "bench: $*"; }

# --- inputs ---------------------------------------------------------------
[ -n "${GLASSVM:-}" ] || die "GLASSVM is not set (path of the glassvm binary)"
[ -n "${BENCH_ELF:-}" ] || die "BENCH_ELF is not set (path of guests/bench.elf)"
[ -x "$GLASSVM" ] || die "glassvm binary '$GLASSVM' missing or not executable"
[ -r "$BENCH_ELF" ] || die "bench guest '$BENCH_ELF' missing or unreadable"
command -v python3 >/dev/null 2>&1 || die "python3 is required"
[ -r "$TIMED_RUN" ] || die "helper $TIMED_RUN is missing"
case "$TIMEOUT" in ''|*[!0-9]*) die "BENCH_TIMEOUT must be whole seconds";; esac

if [ -n "${BENCH_OUT:-}" ]; then
    OUT=$BENCH_OUT
    mkdir -p "$OUT" || die "cannot create BENCH_OUT=$OUT"
    KEEP_OUT=1
else
    OUT=$(mktemp -d "${TMPDIR:-/tmp}/glassvm-bench.XXXXXX") ||
        die "cannot create a scratch directory"
    KEEP_OUT=0
fi
OUT=$(cd "$OUT" && pwd)

# res FILE KEY: one value from a timed_run.py result file.
res() { sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n 1; }

# timed NAME [timed_run.py options] -- CMD...: run one emulator.
timed() {
    local name=$1; shift
    rm -f "$OUT/$name.result" "$OUT/$name-serial.log"
    python3 "$TIMED_RUN" --timeout "$TIMEOUT" \
        --serial-log "$OUT/$name-serial.log" --result "$OUT/$name.result" "$@"
    [ -s "$OUT/$name.result" ] || echo "status=helper_failed" > "$OUT/$name.result"
}

# why NAME: human-readable reason a run did not produce a workload time.
why() {
    local f="$OUT/$1.result"
    case "$(res "$f" status)" in
    timeout)       echo "printed no BENCH END within ${TIMEOUT}s" ;;
    no_start)      echo "exited (status $(res "$f" exit_code)) before BENCH START" ;;
    no_end)        echo "exited (status $(res "$f" exit_code)) before BENCH END" ;;
    spawn_error)   echo "could not be started" ;;
    *)             echo "timing helper failed" ;;
    esac
}

# div A B [FMT]: A / B with awk, "-" when either is missing or B is 0.
div() {
    awk -v a="${1:-}" -v b="${2:-}" -v f="${3:-%.2f}" 'BEGIN {
        if (a == "" || b == "" || b + 0 == 0) print "-"; else printf f "\n", a / b }'
}
# mips INSNS SECONDS
mips() { div "$1" "$(awk -v s="${2:-0}" 'BEGIN { printf "%.6f\n", s * 1e6 }')" "%.1f"; }

# --- 1. glassvm ------------------------------------------------------------
# short_version: first line of a -version output, reduced to what follows
# the word "version" when there is one ("glassvm version 0.1 (...)" -> "0.1").
short_version() { head -n 1 | sed -e 's/.*[Vv]ersion \([^ ]*\).*/\1/' -e 's/^ *//'; }
GLASSVM_VER=
for opt in -version --version; do
    GLASSVM_VER=$(timeout 5 "$GLASSVM" "$opt" 2>/dev/null </dev/null | short_version)
    [ -n "$GLASSVM_VER" ] && break
done
[ -n "$GLASSVM_VER" ] || GLASSVM_VER=unknown
STATS="$OUT/glassvm-stats.json"
rm -f "$STATS"
say "running glassvm (timeout ${TIMEOUT}s)..."
timed glassvm -- "$GLASSVM" -paging native -nographic -kernel "$BENCH_ELF" "${DEBUG_EXIT[@]}" \
    -stats "$STATS"
G=$OUT/glassvm.result
show_tail() { echo "--- last serial/console output of glassvm:" >&2
              tail -c 2000 "$OUT/glassvm-serial.log" >&2 2>/dev/null; echo >&2; }
if [ "$(res "$G" status)" != ok ]; then
    show_tail; die "glassvm $(why glassvm)"
fi
if [ "$(res "$G" burst)" = 1 ]; then
    show_tail
    die "glassvm's serial output arrived in one burst (BENCH START and BENCH END" \
        "in the same read), so the workload cannot be timed: glassvm must write" \
        "each serial byte through unbuffered (or at least line-buffered) output"
fi
g_exit=$(res "$G" exit_code)
if [ "$g_exit" = 35 ]; then
    show_tail
    die "the bench guest reported FAILURE under glassvm (exit status 35: it" \
        "wrote 0x11 to port 0xf4); see its output above"
fi
if [ "$g_exit" != "$EXPECTED_EXIT" ]; then
    show_tail
    die "glassvm printed BENCH END but exited with status '${g_exit:-none: still running at timeout}'," \
        "expected $EXPECTED_EXIT (isa-debug-exit, guest writes 0x10 to port 0xf4)"
fi
[ -s "$STATS" ] || die "glassvm wrote no stats file ($STATS)"
INSNS=$(python3 - "$STATS" <<'EOF'
import json, sys
try:
    n = json.load(open(sys.argv[1]))["instructions"]
except Exception as e:
    sys.exit("cannot read instructions from %s: %s" % (sys.argv[1], e))
if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
    sys.exit("bad instructions value %r in %s" % (n, sys.argv[1]))
print(n)
EOF
) || die "glassvm stats file $STATS has no valid \"instructions\" count"
G_WORK=$(res "$G" workload_s)
G_TOTAL=$(res "$G" total_s)

# --- 1b. glassvm's paging schemes --------------------------------------------
# The same guest (paging on) under a hypervisor: shadow page tables and EPT.
# Their cost shows in exits and walk references (-stats); the wall time here
# is glassvm's own, which the soft TLB should keep close to native's.
declare -A SCHEME_WORK
for scheme in shadow ept; do
    say "running glassvm -paging $scheme (timeout ${TIMEOUT}s)..."
    timed "glassvm-$scheme" -- "$GLASSVM" -paging "$scheme" -nographic -kernel "$BENCH_ELF" \
        "${DEBUG_EXIT[@]}"
    if [ "$(res "$OUT/glassvm-$scheme.result" status)" = ok ]; then
        SCHEME_WORK[$scheme]=$(res "$OUT/glassvm-$scheme.result" workload_s)
    else
        SCHEME_WORK[$scheme]=-
    fi
done

# --- 2. QEMU (TCG) ---------------------------------------------------------
Q_STATE=skipped Q_NOTE="skipped (BENCH_SKIP)" Q_VER=-
case "$SKIP" in *" qemu "*) ;; *)
    if ! command -v "$QEMU_BIN" >/dev/null 2>&1; then
        Q_NOTE="not installed, skipped"
    else
        Q_VER=$("$QEMU_BIN" -version 2>/dev/null </dev/null | short_version)
        say "running QEMU/TCG (timeout ${TIMEOUT}s)..."
        timed qemu -- "$QEMU_BIN" -nographic -no-reboot -kernel "$BENCH_ELF" \
            "${DEBUG_EXIT[@]}"
        if [ "$(res "$OUT/qemu.result" status)" != ok ]; then
            Q_STATE=failed Q_NOTE="failed: $(why qemu) (see $OUT/qemu-serial.log)"
        elif [ "$(res "$OUT/qemu.result" burst)" = 1 ]; then
            Q_STATE=failed Q_NOTE="failed: serial output arrived in one burst"
        else
            Q_STATE=ok
        fi
    fi ;;
esac

# --- 3. Bochs (booted from a GRUB rescue ISO) ------------------------------
# Bochs has no direct Multiboot loader and no isa-debug-exit: it boots its
# BIOS, then GRUB from a CD, then the guest, and is killed once BENCH END
# arrives on COM1 (a FIFO read live by timed_run.py).
B_STATE=skipped B_NOTE="skipped (BENCH_SKIP)" B_VER=-
BOCHS_ROM=${BENCH_BOCHS_BIOS:-/usr/share/bochs/BIOS-bochs-latest}
BOCHS_VGA=${BENCH_BOCHS_VGABIOS:-}
if [ -z "$BOCHS_VGA" ]; then
    for f in /usr/share/vgabios/vgabios.bin /usr/share/bochs/VGABIOS-lgpl-latest; do
        [ -r "$f" ] && { BOCHS_VGA=$f; break; }
    done
fi
GRUB_PC_DIR=/usr/lib/grub/i386-pc
case "$SKIP" in *" bochs "*) ;; *)
    if ! command -v "$BOCHS_BIN" >/dev/null 2>&1; then
        B_NOTE="not installed, skipped"
    elif ! command -v grub-mkrescue >/dev/null 2>&1 || [ ! -r "$GRUB_PC_DIR/multiboot.mod" ]; then
        B_NOTE="skipped: needs grub-mkrescue with BIOS modules (grub-pc-bin)"
    elif ! command -v xorriso >/dev/null 2>&1; then
        B_NOTE="skipped: needs xorriso (for grub-mkrescue)"
    elif ! command -v xvfb-run >/dev/null 2>&1 && [ -z "${DISPLAY:-}" ]; then
        B_NOTE="skipped: needs xvfb-run (xvfb) or an X DISPLAY"
    elif [ ! -r "$BOCHS_ROM" ] || [ -z "$BOCHS_VGA" ]; then
        B_NOTE="skipped: Bochs BIOS/VGA BIOS not found (bochsbios, vgabios)"
    else
        B_VER=$("$BOCHS_BIN" --help 2>&1 </dev/null |
                sed -n 's/.*Bochs x86 Emulator \([^ ]*\).*/\1/p' | head -n 1)
        BD=$OUT/bochs
        rm -rf "$BD"; mkdir -p "$BD/iso/boot/grub"
        cp "$BENCH_ELF" "$BD/iso/boot/bench.elf"
        cat > "$BD/iso/boot/grub/grub.cfg" <<'EOF'
set timeout=0
multiboot /boot/bench.elf
boot
EOF
        cat > "$BD/bochsrc" <<EOF
# generated by scripts/bench.sh
megs: 128
romimage: file=$BOCHS_ROM
vgaromimage: file=$BOCHS_VGA
cpu: model=p2_klamath, count=1, ips=400000000
clock: sync=none, time0=local
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$BD/bench.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$BD/com1.fifo
display_library: x
mouse: enabled=0
speaker: enabled=0
log: $BD/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
EOF
        echo c > "$BD/debugger.rc"      # Debian's Bochs has its debugger built in
        if ! grub-mkrescue -d "$GRUB_PC_DIR" -o "$BD/bench.iso" "$BD/iso" \
                > "$BD/grub-mkrescue.log" 2>&1; then
            B_STATE=failed B_NOTE="failed: grub-mkrescue (see $BD/grub-mkrescue.log)"
        else
            XRUN=(); command -v xvfb-run >/dev/null 2>&1 && XRUN=(xvfb-run -a)
            say "running Bochs (timeout ${TIMEOUT}s; BIOS+GRUB boot is not timed)..."
            timed bochs --fifo "$BD/com1.fifo" --kill-on-end \
                --output-log "$BD/bochs.out" -- \
                ${XRUN[@]+"${XRUN[@]}"} "$BOCHS_BIN" -q -f "$BD/bochsrc" -rc "$BD/debugger.rc"
            if [ "$(res "$OUT/bochs.result" status)" != ok ]; then
                B_STATE=failed
                B_NOTE="failed: $(why bochs) (see $BD/bochs.out, $BD/bochs.log)"
            elif [ "$(res "$OUT/bochs.result" burst)" = 1 ]; then
                B_STATE=failed B_NOTE="failed: serial output arrived in one burst"
            else
                B_STATE=ok
            fi
        fi
    fi ;;
esac

# --- 4. report ---------------------------------------------------------------
G_MIPS=$(mips "$INSNS" "$G_WORK")
Q_WORK=- Q_TOTAL=- Q_MIPS=- B_WORK=- B_TOTAL=- B_MIPS=-
if [ "$Q_STATE" = ok ]; then
    Q_WORK=$(res "$OUT/qemu.result" workload_s); Q_TOTAL=$(res "$OUT/qemu.result" total_s)
    Q_MIPS=$(mips "$INSNS" "$Q_WORK")
fi
if [ "$B_STATE" = ok ]; then
    B_WORK=$(res "$OUT/bochs.result" workload_s); B_TOTAL=$(res "$OUT/bochs.result" total_s)
    B_MIPS=$(mips "$INSNS" "$B_WORK")
fi
r_bochs=-; [ "$B_STATE" = ok ] && r_bochs=$(div "$B_WORK" "$G_WORK")
r_qemu=-;  [ "$Q_STATE" = ok ] && r_qemu=$(div "$Q_WORK" "$G_WORK" "%.3f")

secs() { if [ "$1" = - ]; then echo -; else awk -v s="$1" 'BEGIN { printf "%.3f\n", s }'; fi; }
row() { printf '%-9s %-20.20s %11s %10s %9s  %s\n' "$@"; }

echo
echo "glassvm benchmark: $BENCH_ELF"
echo "guest instructions retired (glassvm -stats): $INSNS"
echo "workload = wall time between serial lines BENCH START and BENCH END;"
echo "QEMU/Bochs MIPS use glassvm's instruction count (same deterministic guest)"
echo
row emulator version "workload s" "total s" MIPS ""
row -------- ------- ---------- ------- ---- ""
row glassvm "$GLASSVM_VER" "$(secs "$G_WORK")" "$(secs "$G_TOTAL")" "$G_MIPS" ""
if [ "$Q_STATE" = ok ]; then
    row "qemu-tcg" "$Q_VER" "$(secs "$Q_WORK")" "$(secs "$Q_TOTAL")" "$Q_MIPS" ""
else
    row "qemu-tcg" "$Q_VER" - - - "$Q_NOTE"
fi
if [ "$B_STATE" = ok ]; then
    row bochs "$B_VER" "$(secs "$B_WORK")" "$(secs "$B_TOTAL")" "$B_MIPS" "(total includes BIOS+GRUB boot)"
else
    row bochs "$B_VER" - - - "$B_NOTE"
fi
echo
x() { if [ "$1" = - ]; then echo "- (no figure)"; else echo "${1}x"; fi; }
echo "glassvm/Bochs speed: $(x "$r_bochs")"
echo "glassvm/QEMU speed:  $(x "$r_qemu")"
echo "target: glassvm >= 1.5x Bochs"
echo
echo "glassvm by paging scheme (the bench guest runs with paging on):"
row scheme "" "workload s" "" "vs native" ""
row ------ "" ---------- "" --------- ""
row native "" "$(secs "$G_WORK")" "" "1.000" ""
for scheme in shadow ept; do
    row "$scheme" "" "$(secs "${SCHEME_WORK[$scheme]}")" "" \
        "$(div "${SCHEME_WORK[$scheme]}" "$G_WORK" "%.3f")" ""
done
echo "target: shadow and ept within 1.3x of native"

if [ "$KEEP_OUT" = 1 ] || [ "$Q_STATE" = failed ] || [ "$B_STATE" = failed ]; then
    echo "logs: $OUT"
else
    rm -rf "$OUT"
fi
exit 0
