"""Class B of tests/fault/fault_files.py: symbolic links and existing files."""
import os

from .helpers import FIX, FK, FKR, case, sweep_file


# ---- B: symbolic links -----------------------------------------------------------------------

def planted_ok(c, n, plant, extra=(), existing=False, checkpoints=False):
    """Plants links (plant: names relative to the case folder) to a guarded victim, runs a good
    case (over an existing output with existing=True), which must succeed, the victim unchanged."""
    out = c.path("out.h5")
    if existing:
        c.good(guard=False)
    victim = c.victim()
    links = [c.link(name, victim, guard_target=False) for name in plant]
    args = (FKR if checkpoints else FK) + ["-output", out] + (["-output_overwrite"] if existing else []) + list(extra)
    if c.expect_ok(c.run(args, n)):
        c.expect_output(out, 5 if checkpoints else 3)
        c.no_temporaries(planted=set(links))
        if checkpoints:
            chk = c.path("out.checkpoint-000001.h5")
            if not os.path.isfile(chk) or os.path.islink(chk):
                c.problem("other", f"no regular checkpoint {c.rel(chk)}")


@case("B", "link-at-partial-fresh", "a link at <output>.partial (fresh output) to a guarded file", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.h5.partial"])


@case("B", "link-at-partial-overwrite", "a link at <output>.partial to a guarded file, -output_overwrite of an existing output",
      ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.h5.partial"], existing=True)


@case("B", "link-at-xmf-tmp", "a link at <stem>.xmf.tmp to a guarded file", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.xmf.tmp"])


@case("B", "link-at-checkpoint-tmp", "a link at <prefix>-000001.h5.tmp to a guarded file", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.checkpoint-000001.h5.tmp"], checkpoints=True)


@case("B", "link-at-output-tmp", "a link at <output>.tmp to a guarded file")
def _(c, n):
    planted_ok(c, n, ["out.h5.tmp"], existing=True)


@case("B", "links-at-all-tmp-names", "links at every old temporary name, over an existing output with checkpoints", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.h5.partial", "out.h5.tmp", "out.xmf.tmp", "out.checkpoint-000001.h5.tmp",
                      "out.checkpoint-000002.h5.tmp"], existing=True, checkpoints=True)


@case("B", "dangling-links-at-tmp-names", "dangling links at every old temporary name: nothing is created at their targets")
def _(c, n):
    out = c.path("out.h5")
    names = ["out.h5.partial", "out.h5.tmp", "out.xmf.tmp", "out.checkpoint-000001.h5.tmp"]
    for k, name in enumerate(names):
        c.link(name, c.path(f"ghost{k}"))
    if c.expect_ok(c.run(FKR + ["-output", out], n)):
        c.expect_output(out, 5)


@case("B", "output-link-no-overwrite", "-output is a link to a guarded file, no -output_overwrite", ranks=(1, 2))
def _(c, n):
    out = c.link("out.h5", c.victim())
    c.guard_link(out)
    c.expect_error(c.run(FK + ["-output", out], n), ["-output", "exists"])


@case("B", "output-link-overwrite", "-output is a link to a guarded file, -output_overwrite: the link is replaced", ranks=(1, 2))
def _(c, n):
    out = c.link("out.h5", c.victim())
    if c.expect_ok(c.run(FK + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 3)


@case("B", "output-dangling-no-overwrite", "-output is a dangling link, no -output_overwrite")
def _(c, n):
    out = c.link("out.h5", c.path("ghost.h5"))
    c.guard_link(out)
    c.expect_error(c.run(FK + ["-output", out], n), ["-output", "exists"])


@case("B", "output-dangling-overwrite", "-output is a dangling link, -output_overwrite: nothing at its target", ranks=(1, 2))
def _(c, n):
    out = c.link("out.h5", c.path("ghost.h5"))
    if c.expect_ok(c.run(FK + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 3)


@case("B", "sidecar-link-no-overwrite", "the sidecar <stem>.xmf is a link to a guarded file (no output yet), no -output_overwrite",
      ranks=(1, 2))
def _(c, n):
    link = c.link("out.xmf", c.victim())
    c.guard_link(link)
    c.expect_error(c.run(FK + ["-output", c.path("out.h5")], n), ["exists", r"out\.xmf|-output"])


@case("B", "sidecar-link-overwrite", "the sidecar is a link to a guarded file, -output_overwrite: replaced by a regular file",
      ranks=(1, 2))
def _(c, n):
    link = c.link("out.xmf", c.victim())
    if c.expect_ok(c.run(FK + ["-output", c.path("out.h5"), "-output_overwrite"], n)):
        c.expect_output(c.path("out.h5"), 3)
        if os.path.islink(link) or not os.path.isfile(link):
            c.problem("other", "the sidecar out.xmf is still a link (expected a regular file)")


@case("B", "sidecar-dangling-overwrite", "the sidecar is a dangling link, -output_overwrite: nothing at its target")
def _(c, n):
    link = c.link("out.xmf", c.path("ghost.xmf"))
    if c.expect_ok(c.run(FK + ["-output", c.path("out.h5"), "-output_overwrite"], n)):
        if os.path.islink(link) or not os.path.isfile(link):
            c.problem("other", "the sidecar out.xmf is still a link (expected a regular file)")


@case("B", "checkpoint-exists-fresh", "a fresh run whose <prefix>-000001.h5 exists (default prefix), no -output_overwrite",
      ranks=(1, 2))
def _(c, n):
    c.copy(FIX["fkref.chk1"], "out.checkpoint-000001.h5")
    c.expect_error(c.run(FKR + ["-output", c.path("out.h5")], n), [r"-checkpoint_prefix|out\.checkpoint-000001\.h5"])


@case("B", "checkpoint-exists-prefix", "a fresh run whose -checkpoint_prefix ck has ck-000001.h5, no -output_overwrite")
def _(c, n):
    c.copy(FIX["fkref.chk1"], "ck-000001.h5")
    c.expect_error(c.run(FKR + ["-output", c.path("out.h5"), "-checkpoint_prefix", c.path("ck")], n),
                   [r"-checkpoint_prefix|ck-000001\.h5"])


@case("B", "checkpoint-exists-overwrite", "a fresh run whose checkpoint exists, with -output_overwrite, succeeds")
def _(c, n):
    c.copy(FIX["fkref.chk1"], "out.checkpoint-000001.h5", guard=False)
    out = c.path("out.h5")
    if c.expect_ok(c.run(FKR + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 5)


@case("B", "checkpoint-link-overwrite", "a fresh run whose <prefix>-000001.h5 is a link to a guarded file, -output_overwrite",
      ranks=(1, 2))
def _(c, n):
    chk = c.link("out.checkpoint-000001.h5", c.victim())
    out = c.path("out.h5")
    if c.expect_ok(c.run(FKR + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 5)
        if os.path.islink(chk):
            c.problem("other", "the checkpoint out.checkpoint-000001.h5 is still a link")


@case("B", "restart-output-link", "-restart when the output is a link (to the real output)", ranks=(1, 2))
def _(c, n):
    real = c.copy(FIX["fkref.h5"], "real.h5", kind="symlink")
    out = c.link("out.h5", real, guard_target=False)
    c.guard_link(out)
    chk = c.copy(FIX["fkref.chk1"], "out.checkpoint-000001.h5")
    c.expect_error(c.run(FKR + ["-output", out, "-restart", chk], n), [r"-output|-restart"])


@case("B", "sweep-links-at-tmp-names",
      "a sweep with links at manifest.csv.tmp<pid>, summary.*.tmp<pid>, runs/*.status.tmp<pid> (pids to come)", ranks=(1, 2))
def _(c, n):
    sw = c.path("sw")
    os.makedirs(os.path.join(sw, "runs"))
    victim = c.victim()
    names = ["manifest.csv.tmp", "summary.csv.tmp", "summary.h5.tmp", "runs/p0000.status.tmp", "runs/p0001.status.tmp"]
    with open("/proc/sys/kernel/ns_last_pid") as f:
        last = int(f.read())
    with open("/proc/sys/kernel/pid_max") as f:
        pid_max = int(f.read())
    for name in names:
        os.symlink(victim, os.path.join(sw, name))
        for k in range(1, 400):  # the pids to come (symbolic links cost ~1 ms each here)
            os.symlink(victim, os.path.join(sw, f"{name}{(last + k) % pid_max}"))
    for name in ["runs/p0000.h5.partial", "runs/p0000.xmf.tmp", "runs/p0001.h5.partial", "runs/p0001.xmf.tmp"]:
        os.symlink(victim, os.path.join(sw, name))
    s = sweep_file(c, "    fisher_kpp_growth_rate_per_day: [0.5, 1.0]\n")
    r = c.run(["-sweep", s, "-sweep_output_dir", sw] + (["-sweep_ranks_per_run", "1"] if n > 1 else []), n)
    if c.expect_ok(r, "the sweep"):
        for name in ("manifest.csv", "summary.csv", "summary.h5"):
            p = os.path.join(sw, name)
            if os.path.islink(p) or not os.path.isfile(p):
                c.problem("other", f"the sweep wrote no regular {name}")
