#!/usr/bin/env python3
"""input_flood.py: the 64 KiB input burst for tinypv's monitor, and its check.

    input_flood.py generate DIR [SIZE]  write DIR/flood.bin and DIR/flood.expected
    input_flood.py check DIR LOG        compare the answers in LOG with them

The burst is a stream of `echo` commands, typed without pausing, built so
that every answer can be predicted from the line editor's documented rules
(include/monitor/line_editor.h): short and long lines; lines with ignored bytes
(control bytes and 0x80-0xff) scattered inside; Backspace and DEL; ^U
restarting a line; ^C abandoning one; ANSI escape sequences; CR, LF and
CR LF line ends; and lines longer than the editor's buffer, which must be
refused with a message. Every byte value 0x00-0xff occurs.

Each answered line is "F<n> <words>"; the check wants exactly the expected
answers, in order, and exactly the expected number of refusals (lines too
long for the editor, and lines of more words than the shell takes).
"""
import random
import sys

LINE_MAX = 200                      # LINE_EDITOR_MAX
MAX_WORDS = 16                      # SHELL_MAX_ARGS
SPECIAL = {0x03, 0x08, 0x09, 0x0A, 0x0D, 0x15, 0x1B, 0x7F}
IGNORED = [b for b in range(256) if (b < 0x20 or b >= 0x7F) and b not in SPECIAL]
WORD_CHARS = [c for c in range(0x21, 0x7F) if chr(c) != '"']


def words(rng, length):
    """Printable text of about `length` bytes: words separated by blanks."""
    out = bytearray()
    while len(out) < length:
        out += bytes(rng.choice(WORD_CHARS) for _ in range(rng.randint(1, 12)))
        out += b" " * rng.randint(1, 3)
    return bytes(out[:length])


def answer(text):
    """What `echo` prints for the words in text: single blanks between words."""
    return b" ".join(text.split())


def line_end(rng):
    return rng.choice([b"\r", b"\n", b"\r\n"])


def sprinkle(rng, text, pool, count):
    """Insert `count` bytes from pool at random places in text."""
    text = bytearray(text)
    for _ in range(count):
        text.insert(rng.randint(0, len(text)), rng.choice(pool))
    return bytes(text)


def generate(size):
    rng = random.Random(20261122)
    stream = bytearray()
    expected = []
    refusals = 0
    too_many = 0
    unused = list(IGNORED)          # make sure every ignored byte appears
    n = 0

    def echo_prefix():
        return b"echo F%d " % n

    while len(stream) < size:
        kind = rng.choice(["plain", "plain", "ignored", "edit", "kill",
                           "cancel", "escape", "long", "tabs", "quoted"])
        text = words(rng, rng.randint(0, 120))
        head = echo_prefix()
        if kind == "plain":
            stream += head + text + line_end(rng)
        elif kind == "ignored":
            noisy = sprinkle(rng, text, IGNORED, rng.randint(1, 8))
            if unused:
                noisy = sprinkle(rng, noisy, [unused.pop()], 1)
            stream += head + noisy + line_end(rng)
        elif kind == "edit":
            # A wrong character, erased with Backspace or DEL.
            stream += head + text + b"#" + rng.choice([b"\x08", b"\x7f"]) + line_end(rng)
        elif kind == "kill":
            # Garbage, then ^U: the line starts again.
            stream += b"nonsense " + text[:20] + b"\x15" + head + text + line_end(rng)
        elif kind == "cancel":
            # ^C abandons the line: no answer for it.
            stream += b"echo abandoned " + text + b"\x03"
            continue
        elif kind == "escape":
            # Arrow keys and friends vanish whole.
            seq = rng.choice([b"\x1b[A", b"\x1b[1;5C", b"\x1bOP", b"\x1b[[B"])
            cut = rng.randint(0, len(text))
            stream += head + text[:cut] + seq + text[cut:] + line_end(rng)
            text = text[:cut] + text[cut:]
        elif kind == "tabs":
            # A tab counts as a blank.
            stream += head + text.replace(b" ", b"\t") + line_end(rng)
        elif kind == "quoted":
            # Double quotes keep blanks inside one word.
            inner = b"a  " + text[:30].replace(b" ", b"") + b"  z"
            stream += head + b'"' + inner + b'"' + line_end(rng)
            expected.append(b"F%d " % n + inner)
            n += 1
            continue
        elif kind == "long":
            # Longer than the editor's buffer: refused with a message.
            length = rng.choice([LINE_MAX + 1, 300, 3000])
            stream += head + words(rng, length) + line_end(rng)
            refusals += 1
            n += 1
            continue
        if len(text.split()) + 2 > MAX_WORDS:
            too_many += 1           # "error: too many words (max 16)"
        else:
            expected.append(b"F%d" % n + ((b" " + answer(text)) if answer(text) else b""))
        n += 1
    # Whatever ignored bytes are left go into one last line.
    if unused:
        text = b"tail"
        stream += echo_prefix() + bytes(unused) + text + b"\r"
        expected.append(b"F%d tail" % n)
    return bytes(stream), expected, refusals, too_many


def check(directory, log_path):
    with open(directory + "/flood.expected", "rb") as f:
        lines = f.read().split(b"\n")
    counts = dict(item.split(b"=") for item in lines[0].split())
    refusals, too_many = int(counts[b"refusals"]), int(counts[b"too_many"])
    expected = [l for l in lines[1:] if l]
    with open(log_path, "rb") as f:
        console = f.read().replace(b"\r\n", b"\n").split(b"\n")
    got = [l for l in console if l.startswith(b"F") and l[1:2].isdigit()]
    refused = sum(1 for l in console if b"error: line longer than" in l)
    crowded = sum(1 for l in console if b"error: too many words" in l)
    ok = True
    if got != expected:
        ok = False
        print("answers differ: got %d, expected %d" % (len(got), len(expected)))
        for i, (g, e) in enumerate(zip(got, expected)):
            if g != e:
                print("  first difference at answer %d:\n    got  %r\n    want %r" % (i, g, e))
                break
    if refused != refusals:
        ok = False
        print("refusals: got %d, expected %d" % (refused, refusals))
    if crowded != too_many:
        ok = False
        print("too many words: got %d, expected %d" % (crowded, too_many))
    if ok:
        print("input flood: %d answers, %d long lines and %d crowded lines refused, "
              "as expected" % (len(got), refused, crowded))
    return 0 if ok else 1


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "generate":
        size = int(sys.argv[3]) if len(sys.argv) > 3 else 65536
        stream, expected, refusals, too_many = generate(size)
        missing = set(range(256)) - set(stream)
        assert not missing, "every byte value must occur: %r" % sorted(missing)
        with open(sys.argv[2] + "/flood.bin", "wb") as f:
            f.write(stream)
        with open(sys.argv[2] + "/flood.expected", "wb") as f:
            f.write(b"refusals=%d too_many=%d\n" % (refusals, too_many)
                    + b"\n".join(expected) + b"\n")
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
