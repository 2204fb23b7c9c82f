#!/usr/bin/env bash
# test_lab_tree.sh: tools/lab-tree on small made-up trees (make check-labs).
#
# Good regions become stubs for their lab and stay solved for the others;
# every kind of bad marker is refused with FILE:LINE and a reason, and
# then nothing is written.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0

ok() { PASSED=$((PASSED + 1)); printf '  ok    %s\n' "$1"; }
bad() { FAILED=$((FAILED + 1)); printf '  FAIL  %s\n' "$1"; }

# A tree of its own: tools/lab-tree finds the tree it is in.
mktree() {
    rm -rf "$WORK/tree" "$WORK/out"
    mkdir -p "$WORK/tree/tools" "$WORK/tree/src"
    cp "$TOP/tools/lab-tree" "$WORK/tree/tools/"
    cat >"$WORK/tree/src/a.c"
    git -C "$WORK/tree" init -q && git -C "$WORK/tree" add -A
}

GOOD='int f(int x)
{
    /* LAB one BEGIN: double it */
    return 2 * x;
#if 0 /* LAB one STUB */
    /* LAB one: return twice x */
    (void)x;
    return 0;
#endif /* LAB one END */
}
/* LAB two BEGIN: g */
int g(void) { return 7; }
#if 0 /* LAB two STUB */
int g(void) { return 0; }
#endif /* LAB two END */'

# --- good regions ---------------------------------------------------------
mktree <<<"$GOOD"
if "$WORK/tree/tools/lab-tree" one "$WORK/out" >/dev/null &&
   grep -q 'return 0;' "$WORK/out/src/a.c" &&
   ! grep -q 'return 2 \* x' "$WORK/out/src/a.c" &&
   grep -q 'return 7' "$WORK/out/src/a.c" &&
   ! grep -q 'LAB .* \(BEGIN\|STUB\|END\)' "$WORK/out/src/a.c" &&
   grep -q '/\* LAB one: return twice x \*/' "$WORK/out/src/a.c"; then
    ok "lab one: its stub in, its solution out, lab two solved, no markers left"
else
    bad "lab one: its stub in, its solution out, lab two solved, no markers left"
fi
rm -rf "$WORK/out"
if "$WORK/tree/tools/lab-tree" one,two "$WORK/out" >/dev/null &&
   ! grep -q 'return 7' "$WORK/out/src/a.c" && [ "$(cat "$WORK/out/.lab")" = "one two" ]; then
    ok "two labs at once: both stubbed, .lab names them"
else
    bad "two labs at once: both stubbed, .lab names them"
fi
if gcc -std=gnu11 -Wall -Wextra -Werror -c -o /dev/null -x c "$WORK/tree/src/a.c" &&
   gcc -std=gnu11 -Wall -Wextra -Werror -c -o /dev/null -x c "$WORK/out/src/a.c"; then
    ok "the full file and the stubbed one both compile"
else
    bad "the full file and the stubbed one both compile"
fi
rm -rf "$WORK/out"
if ! "$WORK/tree/tools/lab-tree" three "$WORK/out" 2>"$WORK/err" &&
   grep -q "no lab named three (labs: one two)" "$WORK/err" && [ ! -e "$WORK/out" ]; then
    ok "an unknown lab is refused and its labs listed"
else
    bad "an unknown lab is refused and its labs listed"
fi
mkdir -p "$WORK/out" && touch "$WORK/out/x"
if ! "$WORK/tree/tools/lab-tree" one "$WORK/out" 2>"$WORK/err" &&
   grep -q "not an empty directory" "$WORK/err"; then
    ok "a DEST that holds files is refused"
else
    bad "a DEST that holds files is refused"
fi

# --- bad markers: refused, with where and why -----------------------------
# refused NAME MESSAGE: the tree in src/a.c (stdin) is refused with MESSAGE.
refused() {
    local what=$1 want=$2
    mktree
    if ! "$WORK/tree/tools/lab-tree" one "$WORK/out" 2>"$WORK/err" >/dev/null &&
       grep -q -F -- "$want" "$WORK/err" && [ ! -e "$WORK/out" ]; then
        ok "refused: $what"
    else
        bad "refused: $what (stderr: $(tr '\n' '|' <"$WORK/err"))"
    fi
}

refused "unterminated region" "src/a.c:1: LAB one region is not closed (no STUB" <<'EOF2'
/* LAB one BEGIN: x */
int x;
EOF2
refused "a STUB but no END" "src/a.c:1: LAB one region is not closed (no END" <<'EOF2'
/* LAB one BEGIN: x */
int x;
#if 0 /* LAB one STUB */
int y;
EOF2
refused "nested regions" "src/a.c:2: LAB two BEGIN inside region one (opened at line 1)" <<'EOF2'
/* LAB one BEGIN: x */
/* LAB two BEGIN: y */
#if 0 /* LAB one STUB */
#endif /* LAB one END */
EOF2
refused "END without BEGIN" "src/a.c:2: LAB one END without its BEGIN and STUB" <<'EOF2'
int x;
#endif /* LAB one END */
EOF2
refused "END without STUB (solution with no stub)" "src/a.c:3: LAB one END without its STUB" <<'EOF2'
/* LAB one BEGIN: x */
int x;
#endif /* LAB one END */
EOF2
refused "STUB of another lab" "src/a.c:2: LAB two STUB without its BEGIN (region one is open)" <<'EOF2'
/* LAB one BEGIN: x */
#if 0 /* LAB two STUB */
#endif /* LAB two END */
EOF2
refused "malformed marker (a typo)" "src/a.c:1: malformed LAB marker" <<'EOF2'
/* LAB one BEGINS here */
int x;
EOF2
refused "marker not alone on its line" "src/a.c:3: malformed LAB marker" <<'EOF2'
/* LAB one BEGIN: x */
int x;
int y; #if 0 /* LAB one STUB */
#endif /* LAB one END */
EOF2

refused "a colon after the name" "src/a.c:1: malformed LAB marker" <<'EOF2'
/* LAB one: BEGIN */
int x;
EOF2

printf '\nlab-tree: %d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" -eq 0 ]
