# Runs a command on a pseudo-terminal and answers its password prompts, the
# way a person at a terminal would: wait for each prompt, type the answer and
# Enter. Prints {"code", "out"} as JSON, where out is everything the terminal
# showed (stdout and stderr, and any echo).
#
#   python3 on-terminal.py ANSWER... -- COMMAND ARG...
import json
import os
import pty
import re
import select
import sys
import time

args = sys.argv[1:]
sep = args.index("--")
answers, cmd = args[:sep], args[sep + 1 :]
PROMPT = re.compile(rb"(?i)(passphrase|password)[^\n]*: ")

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

out = b""


def pump(until, timeout=60.0):
    """Reads what the terminal shows until `until()` holds, EOF, or the timeout."""
    global out
    end = time.time() + timeout
    while time.time() < end:
        if until():
            return True
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            return until()
        if not data:
            return until()
        out += data
    return until()


for i, answer in enumerate(answers):
    if not pump(lambda: len(PROMPT.findall(out)) > i):
        break
    os.write(fd, answer.encode("utf-8") + b"\r")

pump(lambda: False, timeout=60.0)
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": code, "out": out.decode("utf-8", "replace")}))
