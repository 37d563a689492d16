"""Puts text into an interactive shell through a pseudo-terminal, as a person pasting a fix would.

usage: PTY_PASTE_MODE=typed|bracketed pty-paste.py SHELL [ARG...] < text
typed: the lines arrive one after another as keystrokes; bracketed: the whole text arrives as one
bracketed paste (what terminals send, ESC[200~ … ESC[201~) followed by Enter.
Prints what the terminal showed; exits with the shell's status (124 if it had to be killed).
Only an interactive shell on a terminal does history expansion (`!#`) and line editing, which is
why a pipe into `bash -c` would not show what a pasted fix does.
"""
import os, pty, select, signal, sys, time

def main():
    text = sys.stdin.buffer.read()
    mode = os.environ.get("PTY_PASTE_MODE", "typed")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    os.set_blocking(fd, False)
    out = bytearray()
    deadline = time.monotonic() + float(os.environ.get("PTY_PASTE_TIMEOUT", "60"))
    # How long a shell may take to reach the end of the text before it is taken to be stuck.
    stuck = float(os.environ.get("PTY_PASTE_STUCK", "20"))

    def read_for(seconds):
        """Reads what the terminal shows for a while (at least what is there now); False once the shell has gone."""
        end = min(time.monotonic() + seconds, deadline)
        while True:
            ready, _, _ = select.select([fd], [], [], 0.02 if seconds else 0)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    chunk = None
                except OSError:
                    return False
                if chunk is None:
                    continue
                if not chunk:
                    return False
                out.extend(chunk)
            if time.monotonic() >= end:
                return True

    def send(data):
        """Writes while reading: a shell echoing what it is given must never wait for us."""
        while data:
            ready_read, ready_write, _ = select.select([fd], [fd], [], 0.05)
            if ready_read and not read_for(0):
                return
            if ready_write:
                try:
                    written = os.write(fd, data[:512])
                except BlockingIOError:
                    continue
                data = data[written:]

    def wait_for(marker):
        """Reads until the terminal shows `marker`; False if it never did."""
        while marker not in out:
            if not read_for(0.05) or time.monotonic() >= min(deadline, started + stuck):
                return marker in out
        return True

    read_for(0.3)  # the first prompt
    started = time.monotonic()
    if mode == "bracketed":
        send(b"\x1b[200~" + text + b"\x1b[201~\r")
    else:
        send(text.replace(b"\n", b"\r"))
    # Once the shell has run every line it prints this (the typed line shows PASTE""DONE, not the
    # marker). A broken fix that left a quote open never gets there: Ctrl-C ends it after the wait.
    send(b'echo PASTE""DONE\r')
    if not wait_for(b"PASTEDONE"):
        send(b"\x03")
        read_for(0.5)
    send(b"exit 0\r")
    alive = read_for(max(0.0, deadline - time.monotonic()))
    status = 124
    if alive:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    else:
        _, raw = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(raw)
    sys.stdout.buffer.write(bytes(out))
    sys.exit(status)

main()
