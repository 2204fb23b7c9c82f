#!/usr/bin/env python3
"""make_run.py: `make run` as a user at a terminal tries it.

`make run` needs a terminal, so this script gives it one (a pty) and types
into it, with a disk (TINYPV_DISK, 1 MiB of random bytes): `disk cksum
xvda` against this machine's cksum of the file, and a network
(TINYPV_NET=1): `ping 169.254.0.1` at the tinypv> prompt reaches dom0,
a command at the tinypv> prompt, Ctrl-] for the dom0 shell, `ping
169.254.1.2` there reaches tinypv, `xl mem-set` there, `xl list` to see it, `exit` back to the console, `mem`
to see the balloon's side, then `poweroff`. Each step is a check that
prints "ok" or "FAIL"; the exit status is 1 if any failed. One Xen boot
(PV on the test bed's PV32 Xen, as `make run` does by default).

Usage: tests/system/make_run.py [REPO]   (run `make images testbed` first)
"""
import os
import pty
import re
import select
import subprocess
import sys
import time

REPO = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
LOG = os.path.join(REPO, 'build', 'make-run.log')
DISK = os.path.join(REPO, 'build', 'make-run-disk.img')


class Terminal:
    """`make run` on a pty: what it printed, and keys typed slowly."""

    def __init__(self):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(REPO)
            # A user's make, not a sub-make of `make test`: an inherited
            # -j or --output-sync would have make hold run's output in a
            # file, and run-interactive would find no terminal.
            for var in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES'):
                os.environ.pop(var, None)
            os.execvp('make', ['make', '--no-print-directory', 'run'])
        self.seen = b''
        self.log = open(LOG, 'wb')

    def wait_for(self, pattern, seconds):
        """Read until pattern appears in what came since the last match."""
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([self.fd], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return None
            if not data:
                return None
            self.log.write(data)
            self.log.flush()
            self.seen += data
            text = self.seen.replace(b'\r', b'').decode('utf-8', 'replace')
            match = re.search(pattern, text)
            if match:
                self.seen = b''
                return text
        return None

    def type(self, keys):
        for ch in keys:
            os.write(self.fd, ch.encode())
            time.sleep(0.05)

    def exit_status(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            self.wait_for(r'$^', 1)     # drain the output
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        return None


failed = 0


def check(ok, what):
    global failed
    print(('  ok    ' if ok else '  FAIL  ') + what, flush=True)
    if not ok:
        failed += 1
    return ok


def main():
    print('== make run, through a pseudo-terminal (log: build/make-run.log)')
    with open(DISK, 'wb') as disk:
        disk.write(os.urandom(1024 * 1024))
    os.environ['TINYPV_DISK'] = DISK
    os.environ['TINYPV_NET'] = '1'
    want = subprocess.run(['cksum'], stdin=open(DISK, 'rb'),
                          capture_output=True, text=True).stdout.split()
    term = Terminal()
    if not check(term.wait_for(r'tinypv> ', 600), 'the tinypv> prompt'):
        os.kill(term.pid, 9)
        return 1
    term.wait_for(r'blkfront: xvda: connected', 30)
    time.sleep(1)
    term.type('disk cksum xvda\r')
    # The whole line: digits still arriving must not match.
    out = term.wait_for(r'xvda: cksum \d+ \d+\n', 120) or ''
    got = re.search(r'xvda: cksum (\d+) (\d+)\n', out)
    said = ' '.join(got.groups()) if got else 'nothing'
    check(got and list(got.groups()) == want[:2],
          'TINYPV_DISK: disk cksum xvda = cksum of the file (%s; the guest: %s)'
          % (' '.join(want[:2]), said))
    term.type('ping 169.254.0.1 2\r')
    check(term.wait_for(r'ping: 169\.254\.0\.1: 2 sent, 2 received, 0% loss', 60),
          'TINYPV_NET: ping 169.254.0.1 at the prompt reaches dom0')
    term.type('echo typed at the prompt\r')
    check(term.wait_for(r'\ntyped at the prompt\n', 60),
          'a typed command answers')
    time.sleep(1)
    term.type('\x1d')
    check(term.wait_for(r'dom0# ', 60), 'Ctrl-] gives the dom0 shell')
    term.type('ping -c 3 169.254.1.2\n')
    check(term.wait_for(r'3 packets transmitted, 3 packets received', 60),
          'TINYPV_NET: ping 169.254.1.2 in dom0 reaches tinypv')
    term.wait_for(r'dom0# ', 30)
    term.type('xl mem-set tinypv 8\n')
    term.wait_for(r'dom0# ', 60)
    term.type('sleep 3; xl list\n')
    out = term.wait_for(r'dom0# ', 60) or ''
    check(re.search(r'\ntinypv\s+\d+\s+8\s', out),
          'xl mem-set tinypv 8: xl list shows 8 MiB')
    term.type('exit\n')
    time.sleep(3)
    term.type('\r')
    check(term.wait_for(r'tinypv> ', 60), 'exit: back at the tinypv> prompt')
    term.type('mem\r')
    out = term.wait_for(r'\n  xen .*\n', 60) or ''
    check(re.search(r'away\s+2048 pages \(8192 KiB\)', out),
          'mem: 8192 KiB given back to Xen')
    term.type('poweroff\r')
    check(term.wait_for(r'the domain is gone', 120),
          'poweroff: the session says the domain is gone')
    check(term.exit_status(120) == 0, 'make run exits with status 0')
    print('make-run: %s' % ('all passed' if not failed else
                            '%d failed' % failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
