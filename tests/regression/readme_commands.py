"""The commands of README.md, configs/README.md and OUTPUT.md run as written.

Convention (tests/README.md): a shell command block is fenced with the language `sh`; a
```python block is Python. Every such block runs, in document order, unless the line before its
fence (blank lines aside) is an HTML comment `<!-- not run: <reason> -->` (takes minutes, needs a
cluster, installs packages, a template with placeholders). Indented blocks and other fences
(```text, ```yaml) are not commands: an indented block or a ```bash/```shell/```console fence
whose lines look like commands fails the test, so no command escapes the convention.

The blocks run in one scratch folder holding a link to every top-level entry of the checkout
(build/ links to the folder of $MH_EXE) and its own empty out/, so what they write never lands in
the checkout; shell blocks under `bash -e` (a failing command fails its block), Python blocks
with /usr/bin/python3 after the shell blocks and after a run of configs/demo.yaml into
out/demo/demo.h5 (what ./scripts/demo writes; the Python blocks read it). A failing block is
reported with its file and the line of the failing command, and its output.

    tests/regression/readme_commands.py            # run (prints nothing on success)
    tests/regression/readme_commands.py --list     # each block: file:line, run or why not
    tests/regression/readme_commands.py -verbose   # run, one line per block with its time"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

DOCS = ["README.md", "configs/README.md", "OUTPUT.md"]
BLOCK_TIMEOUT = 90  # s per block
COMMANDISH = re.compile(r"^(\$ )?(\./\S|\. scripts/|build/\S|scripts/\S|mpiexec |mpirun |bash |sbatch |ctest |cmake |"
                        r"/usr/bin/python3 |python3 |microheal -)")
MARK = re.compile(r"^<!--\s*not run:\s*(.+?)\s*-->$")


class Block:
    def __init__(self, doc, line, lang, lines, skip):
        self.doc, self.line, self.lang, self.lines, self.skip = doc, line, lang, lines, skip

    def where(self, offset=0):
        return f"{self.doc}:{self.line + offset}"


def blocks(doc, text):
    """(runnable and marked blocks, misplaced commands) of one Markdown file. Block.line is the
    line of the block's first content line."""
    out, bad = [], []
    lines = text.split("\n")
    i = 0
    prev = ""  # the last non-blank line before this one
    while i < len(lines):
        s = lines[i]
        m = re.match(r"^(\s*)```+\s*([\w+-]*)", s)
        if m:
            indent, lang = len(m.group(1)), m.group(2).lower()
            j = i + 1
            while j < len(lines) and not re.match(r"^\s*```", lines[j]):
                j += 1
            body = [b[indent:] if b[:indent].strip() == "" else b for b in lines[i + 1:j]]
            mark = MARK.match(prev.strip())
            if lang in ("sh", "python"):
                out.append(Block(doc, i + 2, lang, body, mark.group(1) if mark else None))
            elif lang in ("bash", "shell", "console", "shell-session", "zsh"):
                bad.append(f"{doc}:{i + 1}: a ```{lang} block: fence shell commands as ```sh")
            prev = lines[j] if j < len(lines) else ""
            i = j + 1
            continue
        # an indented code block: 4+ spaces after a blank line (or inside a list item)
        if s.startswith("    ") and s.strip() and (i == 0 or not lines[i - 1].strip()):
            j = i
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                j += 1
            for k in range(i, j):
                if COMMANDISH.match(lines[k].strip()):
                    bad.append(f"{doc}:{k + 1}: a command in an indented block: fence it as ```sh "
                               f"(with <!-- not run: why --> before it if it must not run): {lines[k].strip()}")
                    break
            i = j
            continue
        if s.strip():
            prev = s
        i += 1
    return out, bad


def scratch():
    """A folder with a link to each top-level entry of the checkout and an empty out/."""
    d = mhtest.tmpdir()
    for name in os.listdir(mhtest.SOURCE):
        if name in (".git", "out") or name.startswith("build"):
            continue
        os.symlink(os.path.join(mhtest.SOURCE, name), os.path.join(d, name))
    os.symlink(os.path.dirname(os.path.abspath(mhtest.EXE)), os.path.join(d, "build"))
    os.mkdir(os.path.join(d, "out"))
    return d


HEADER = ["set -e", "trap 'echo \"readme_commands: failed at block line $((LINENO - 3))\" >&2' ERR"]


def run_block(b, d):
    """None, or a failure message naming the file and line."""
    if b.lang == "sh":
        path = os.path.join(d, ".block.sh")
        with open(path, "w") as f:
            f.write("\n".join(HEADER + [""] + b.lines) + "\n")
        cmd = ["bash", path]
    else:
        path = os.path.join(d, ".block.py")
        with open(path, "w") as f:
            f.write("\n".join(b.lines) + "\n")
        cmd = ["/usr/bin/python3", path]
    try:
        p = subprocess.run(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"{b.where()}: the block ran over {BLOCK_TIMEOUT} s (mark it <!-- not run: minutes -->)"
    if p.returncode == 0:
        return None
    off = 0
    m = re.search(r"failed at block line (\d+)", p.stdout) if b.lang == "sh" else None
    if m:
        off = int(m.group(1)) - 1
    elif b.lang == "python":
        hits = re.findall(r'File "[^"]*\.block\.py", line (\d+)', p.stdout)
        off = int(hits[-1]) - 1 if hits else 0
    cmdline = b.lines[off].strip() if 0 <= off < len(b.lines) else ""
    return f"{b.where(off)}: exit status {p.returncode}: {cmdline}\n{p.stdout[-3000:]}"


def main():
    found, bad = [], []
    for doc in DOCS:
        with open(os.path.join(mhtest.SOURCE, doc), encoding="utf-8") as f:
            bl, misplaced = blocks(doc, f.read())
        found += bl
        bad += misplaced
    if "--list" in sys.argv:
        for b in found:
            first = next((s.strip() for s in b.lines if s.strip() and not s.strip().startswith("#")), "")
            state = f"not run: {b.skip}" if b.skip else "run"
            print(f"{b.where():24} {b.lang:6} {state:60.60} {first[:70]}")
        for m in bad:
            print("MISPLACED " + m)
        return
    mhtest.check(not bad, "commands outside the convention (tests/README.md):\n" + "\n".join(bad))
    mhtest.check(any(b.lang == "sh" and not b.skip for b in found), "no ```sh block to run: the parser is broken")
    d = scratch()
    failures = []
    verbose = "-verbose" in sys.argv
    order = [b for b in found if b.lang == "sh"] + [b for b in found if b.lang == "python"]
    demo_done = False
    for b in order:
        if b.skip:
            if verbose:
                print(f"{b.where():24} skipped: {b.skip}")
            continue
        if b.lang == "python" and not demo_done:
            demo = os.path.join(d, "out", "demo", "demo.h5")
            if not os.path.exists(demo):  # what ./scripts/demo writes
                mhtest.run(["-options_file", "configs/demo.yaml", "-output", demo, "-quiet"])
            demo_done = True
        t0 = time.time()
        msg = run_block(b, d)
        if verbose:
            print(f"{b.where():24} {'FAILED' if msg else 'ok'} {time.time() - t0:6.1f} s")
        if msg:
            failures.append(msg)
    mhtest.check(not failures, f"{len(failures)} documented command block(s) failed:\n" + "\n\n".join(failures))


if __name__ == "__main__":
    main()
