# checks.sh: the assertions of the system tests (sourced by tests/system/run).
#
# Each check prints "ok" or "FAIL" with what it looked at; summary() prints
# the closing "system: N passed, M failed" line and sets the exit status.

PASSED=0
FAILED=0
CASE_DIR=""

section() { printf '\n== %s\n' "$*"; }

pass() { PASSED=$((PASSED + 1)); printf '  ok    %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf '  FAIL  %s\n' "$1"; }

# expect DESCRIPTION COMMAND...: the command must succeed.
expect() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

# use_case NAME: later checks look at that guest's results.
use_case() {
    # Grading a student pass (tests/grade/grade --prefix): its guests'
    # names all carry the prefix (dom0/lib.sh's guest_start).
    if [ -n "${GRADE_PREFIX:-}" ]; then
        case $1 in "$GRADE_PREFIX"*) ;; *) set -- "$GRADE_PREFIX$1" ;; esac
    fi
    CASE_DIR=$RESULTS/$1
    section "case $1"
    if [ ! -s "$CASE_DIR/console.log" ]; then
        fail "$1: no console output captured"
        return 1
    fi
    # A readable copy without the CRs, for grep.
    tr -d '\r' <"$CASE_DIR/console.log" >"$CASE_DIR/console.txt"
}

console() { cat "$CASE_DIR/console.txt"; }

# has TEXT: a console line contains TEXT (fixed string).
has() {
    if grep -a -q -F -- "$1" "$CASE_DIR/console.txt"; then
        pass "console shows: $1"
    else
        fail "console shows: $1"
    fi
}

# has_re REGEX [DESCRIPTION]
has_re() {
    if grep -a -q -E -- "$1" "$CASE_DIR/console.txt"; then
        pass "${2:-console matches: $1}"
    else
        fail "${2:-console matches: $1}"
    fi
}

# count_is TEXT N: exactly N console lines contain TEXT.
count_is() {
    local n
    n=$(grep -a -c -F -- "$1" "$CASE_DIR/console.txt")
    if [ "$n" -eq "$2" ]; then pass "'$1' appears $2 times"
    else fail "'$1' appears $2 times (got $n)"; fi
}

# reason_is REASON: how the domain ended, as xl reported it.
reason_is() {
    local got
    got=$(cat "$CASE_DIR/reason" 2>/dev/null || echo "none")
    if [ "$got" = "$1" ]; then pass "shutdown reason is $1"
    else fail "shutdown reason is $1 (got $got)"; fi
}

# last_line_is TEXT: the final console line, what a lost flush would eat.
last_line_is() {
    local got
    got=$(grep -a -v '^$' "$CASE_DIR/console.txt" | tail -n 1)
    if [ "$got" = "$1" ]; then pass "last line is '$1'"
    else fail "last line is '$1' (got '$got')"; fi
}

# after_prompt COMMAND TEXT: the output that follows "tinypv> COMMAND"
# (up to the next prompt) contains TEXT, and a prompt does follow.
after_prompt() {
    local block
    block=$(awk -v cmd="tinypv> $1" '
        found && /^tinypv> / { print "PROMPT"; exit }
        found { print }
        $0 == cmd { found = 1 }' "$CASE_DIR/console.txt")
    if grep -q -F -- "$2" <<<"$block" && grep -q '^PROMPT$' <<<"$block"; then
        pass "'$1' answers '$2', then the prompt"
    else
        fail "'$1' answers '$2', then the prompt"
    fi
}

# burst_matches: dom0's cksum of the burst equals the kernel's own figure.
burst_matches() {
    local kernel dom0
    kernel=$(sed -n 's/^burst: cksum \([0-9]* [0-9]*\)$/\1/p' "$CASE_DIR/console.txt")
    dom0=$(cat "$CASE_DIR/burst.dom0" 2>/dev/null)
    if [ -n "$kernel" ] && [ "$kernel" = "$dom0" ]; then
        pass "burst: dom0's cksum equals the kernel's ($kernel)"
    else
        fail "burst: dom0's cksum '$dom0' equals the kernel's '$kernel'"
    fi
}

summary() {
    printf '\n%s: %d passed, %d failed\n' "$1" "$PASSED" "$FAILED"
    [ "$FAILED" -eq 0 ]
}
