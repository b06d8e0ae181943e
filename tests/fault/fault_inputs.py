"""The bad-input battery: every case must stop microheal at once with one clear line.

Each case is a bad command line or options file. A case passes when microheal, within a time
limit, exits with a nonzero status and no signal, prints exactly one line starting with
"microheal: error:" that matches the case's patterns (the option, the offending value and, for
ranges, the allowed range), prints no PETSc traceback ("PETSC ERROR") and no crash report, and
leaves a good output file from an earlier run (and its XDMF sidecar) byte for byte as they were:
every case runs in a folder of its own holding a copy of them, and a case that does not choose its
own -output runs with "-output <that copy> -output_overwrite", so a check that comes only after
the output is opened shows up as a destroyed file.

Prints nothing when every case passes; otherwise lists every failing case with what it printed.
Environment: MH_EXE, MH_MPIEXEC, MH_SOURCE (set by CTest)."""
import argparse
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

# a microneedling set-up that runs in well under a second (valid as it stands)
MN = ["-model", "microneedling", "-nx", "8", "-nz", "24", "-t_end", "0.01", "-output_count", "1"]
FK = ["-model", "fisher_kpp", "-nx", "50", "-t_end", "0.1", "-output_count", "1"]
GS = ["-model", "gray_scott", "-dim", "2", "-nx", "8", "-nz", "8", "-t_end", "1", "-output_count", "1"]
POS = r"allowed \(0\.?, inf[)\]]"  # (0, inf): PETSc prints 0 as "0."
NONNEG = r"allowed \[0\.?, inf[)\]]"
TMP = mhtest.tmpdir()


def case(desc, args, expect, yaml=None, ranks=1, own_output=False):
    """desc: what is wrong; args: the command line, in which {good} stands for the guarded good
    output, {dir} for the case's folder and {yaml} for the options file written from the text
    yaml; expect: regexes the error line must match (the same placeholders, escaped); own_output:
    the case sets -output itself (otherwise "-output {good} -output_overwrite" is added)."""
    return dict(desc=desc, args=args, expect=expect, yaml=yaml, ranks=ranks, own_output=own_output)


def val(v):
    """A regex for a number as printed with %g (PETSc appends '.' to integral values)."""
    return re.escape(v) + r"\.?"


CASES = [
    # microneedling: layer thicknesses
    case("negative layer thickness", MN + ["-microneedling_layer_thickness_mm", "-0.1"],
         ["-microneedling_layer_thickness_mm", val("-0.1"), POS]),
    case("zero papillary thickness", MN + ["-microneedling_layer_thickness_mm", "0.015,0.06,0,1.2,0.57"],
         ["-microneedling_layer_thickness_mm", r"\b0\.? *:", POS]),
    case("NaN layer thickness", MN + ["-microneedling_layer_thickness_mm", "nan"],
         ["-microneedling_layer_thickness_mm", r"(?i)\bnan\b", POS]),
    case("infinite layer thickness: the range printed must exclude inf",
         MN + ["-microneedling_layer_thickness_mm", "inf"],
         ["-microneedling_layer_thickness_mm", r"(?i)\binf\b.*allowed", r"allowed \(0\.?, inf\)"]),
    case("six thicknesses for five layers", MN + ["-microneedling_layer_thickness_mm", "0.015,0.06,0.3,1.2,0.27,0.5"],
         ["-microneedling_layer_thickness_mm", r"\b6 values|more than 5 values", r"\b5\b"]),
    case("unknown skin preset", MN + ["-microneedling_skin", "leg"], ["-microneedling_skin", r"\bleg\b", "face", "body"]),
    # needles and sessions
    case("negative needle length", MN + ["-microneedling_needle_length_mm", "-1"],
         ["-microneedling_needle_length_mm", val("-1"), POS]),
    case("needle longer than the modelled skin", MN + ["-microneedling_needle_length_mm", "5"],
         ["-microneedling_needle_length_mm", val("5"), r"1\.845"]),
    case("two needle lengths for three sessions", MN + ["-microneedling_sessions", "3", "-microneedling_needle_length_mm", "1,1.5"],
         ["-microneedling_needle_length_mm", r"\b2 values\b", r"\b3 sessions\b"]),
    case("zero needle density", MN + ["-microneedling_density_per_cm2", "0"],
         ["-microneedling_density_per_cm2", r"\b0\.? *:", r"allowed \[1\.?, 10000\.?\]"]),
    case("negative needle density", MN + ["-microneedling_density_per_cm2", "-250"],
         ["-microneedling_density_per_cm2", val("-250"), r"allowed \[1\.?, 10000\.?\]"]),
    case("NaN needle density", MN + ["-microneedling_density_per_cm2", "nan"],
         ["-microneedling_density_per_cm2", r"(?i)\bnan\b", r"allowed \[1\.?, 10000\.?\]"]),
    case("needle density above 1e4 per cm^2", MN + ["-microneedling_density_per_cm2", "20000"],
         ["-microneedling_density_per_cm2", val("20000"), r"allowed \[1\.?, 10000\.?\]"]),
    case("penetration fraction above 1", MN + ["-microneedling_penetration_fraction", "1.5"],
         ["-microneedling_penetration_fraction", val("1.5"), r"allowed \(0\.?, 1\.?\]"]),
    case("negative needle radius", MN + ["-microneedling_needle_radius_mm", "-0.05"],
         ["-microneedling_needle_radius_mm", val("-0.05"), r"allowed \(0\.?, 1\.?\]"]),
    # values that look given in the wrong unit (micrometres as mm) say so
    case("needle radius in micrometres", MN + ["-microneedling_needle_radius_mm", "70"],
         ["-microneedling_needle_radius_mm", val("70"), r"allowed \(0\.?, 1\.?\]", r"lengths are in mm", r"did you mean 0\.07\b"]),
    case("needle length in micrometres", MN + ["-microneedling_needle_length_mm", "1500"],
         ["-microneedling_needle_length_mm", val("1500"), r"lengths are in mm", r"did you mean 1\.5\b"]),
    case("session times out of order", MN + ["-microneedling_session_times_days", "0,28,14"],
         ["-microneedling_session_times_days", r"\b14\b", r"\b28\b", "increasing"]),
    case("duplicate session time", MN + ["-microneedling_session_times_days", "0,28,28"],
         ["-microneedling_session_times_days", r"\b28\b", "increasing"]),
    case("negative session time", MN + ["-microneedling_session_times_days", "-1,28"],
         ["-microneedling_session_times_days", val("-1"), NONNEG]),
    case("17 session times (at most 16)", MN + ["-microneedling_session_times_days", ",".join(str(7 * k) for k in range(17))],
         ["-microneedling_session_times_days", r"\b17 values|more than 16 values", r"\b16\b"]),
    case("more sessions than the maximum", MN + ["-microneedling_sessions", "17"],
         ["-microneedling_sessions", r"\b17\b", r"allowed \[0, 16\]"]),
    case("negative session count", MN + ["-microneedling_sessions", "-1"],
         ["-microneedling_sessions", r"-1\b", r"allowed \[0, 16\]"]),
    case("zero interval between sessions", MN + ["-microneedling_sessions", "2", "-microneedling_interval_days", "0"],
         ["-microneedling_interval_days", r"\b0\.? *:", POS]),
    case("zero passes", MN + ["-microneedling_passes", "0"], ["-microneedling_passes", r"\b0\b", r"allowed \[1, "]),
    case("unknown needle pattern", MN + ["-microneedling_pattern", "zigzag"],
         ["-microneedling_pattern", "zigzag", "square", "hexagonal", "random"]),
    case("unknown domain", MN + ["-microneedling_domain", "box"], ["-microneedling_domain", r"\bbox\b", "unit_cell", "patch"]),
    case("random pattern in a unit cell", MN + ["-microneedling_pattern", "random", "-microneedling_domain", "unit_cell"],
         ["-microneedling_pattern random", "-microneedling_domain patch"]),
    # kinetics
    case("negative diffusivity", MN + ["-microneedling_tgfb_diffusivity_mm2_per_day", "-1e-4"],
         ["-microneedling_tgfb_diffusivity_mm2_per_day", val("-0.0001"), NONNEG]),
    case("NaN diffusivity", MN + ["-microneedling_signal_diffusivity_mm2_per_day", "nan"],
         ["-microneedling_signal_diffusivity_mm2_per_day", r"(?i)\bnan\b", NONNEG]),
    case("zero closure speed", MN + ["-microneedling_closure_speed_um_per_h", "0"],
         ["-microneedling_closure_speed_um_per_h", r"\b0\.? *:", POS]),
    case("recoil fraction 1", MN + ["-microneedling_recoil_fraction", "1"],
         ["-microneedling_recoil_fraction", r"\b1\.? *:"]),
    case("occlusion slowdown below 1", MN + ["-microneedling_occlusion_slowdown", "0.5"],
         ["-microneedling_occlusion_slowdown", r"0\.5"]),
    case("anti-inflammatory above 1", MN + ["-microneedling_anti_inflammatory", "2"],
         ["-microneedling_anti_inflammatory", r"\b2\.? *:"]),
    case("age beyond the data", MN + ["-microneedling_age_years", "100"],
         ["-microneedling_age_years", r"\b100\.? *:", r"18\.?, 80"]),
    case("negative death rate", MN + ["-microneedling_neutrophil_death_per_day", "-1"],
         ["-microneedling_neutrophil_death_per_day", val("-1"), POS]),
    case("infinite decay rate", MN + ["-microneedling_tgfb_decay_per_day", "inf"],
         ["-microneedling_tgfb_decay_per_day", r"(?i)\binf\b.*allowed", POS]),
    case("no resident fibroblasts in the dermis", MN + ["-microneedling_fibroblast_baseline_per_mm3", "0"],
         ["-microneedling_fibroblast_baseline_per_mm3", "dermis", r"> 0"]),
    case("fibroblast maximum below the baseline", MN + ["-microneedling_fibroblast_max_per_mm3", "1"],
         ["-microneedling_fibroblast_max_per_mm3", val("1"), "baseline"]),
    case("collagen III share above 1", MN + ["-microneedling_collagen_III_fraction", "1.5"],
         ["-microneedling_collagen_III_fraction", val("1.5"), r"allowed \(0\.?, 1\.?\)"]),
    # grid and time span
    case("grid too coarse to hold the layers", MN + ["-nz", "3"], ["-nz", r"\b3\b", r"\b\d+ cells\b|\blayer"]),
    case("microneedling in 1-D", MN + ["-dim", "1"], ["-dim", r"\b1\b", "2-D"]),
    case("four dimensions", MN + ["-dim", "4"], ["-dim", r"\b4\b", "1, 2 or 3"]),
    case("no cells along x", MN + ["-nx", "0"], ["-nx", r"\b0\b", ">= 1"]),
    case("a word for a cell count", MN + ["-nx", "abc"], ["-nx", r"\babc\b"]),
    case("depth differs from the skin", MN + ["-length_z", "2"], ["-length_z", val("2"), r"1\.845"]),
    case("zero grading", MN + ["-grading_z", "0"], ["-grading_z", r"\b0\.? *:", r"\(0, 1e4\]"]),
    case("NaN end time", MN + ["-t_end", "nan"], ["-t_end", r"(?i)\bnan\b", "> 0"]),
    case("negative end time", MN + ["-t_end", "-1"], ["-t_end", val("-1"), "> 0"]),
    case("infinite end time", MN + ["-t_end", "inf"], ["-t_end", r"(?i)\binf\b", "> 0"]),
    case("first step beyond the end time", MN + ["-dt_initial", "1"], ["-dt_initial", val("1"), r"\[0, t_end = 0\.01\]"]),
    case("NaN first step", MN + ["-dt_initial", "nan"], ["-dt_initial", r"(?i)\bnan\b", r"\[0, t_end"]),
    # output and framework options
    case("no output times", MN + ["-output_count", "0"], ["-output_count", r"\b0\b", ">= 1"]),
    case("unknown output spacing", MN + ["-output_spacing", "bogus"], ["-output_spacing", "bogus", "linear", "log"]),
    case("log output starting after the end", MN + ["-output_spacing", "log", "-output_log_first", "1"],
         ["-output_log_first", val("1"), "end time"]),
    case("unknown Jacobian", MN + ["-jacobian", "exact"], ["-jacobian", "exact", "analytic", "fd_coloring"]),
    case("negative progress interval", MN + ["-progress_interval", "-1"], ["-progress_interval", val("-1"), ">= 0"]),
    case("NaN negative tolerance", MN + ["-negative_tolerance", "nan"], ["-negative_tolerance", r"(?i)\bnan\b", ">= 0"]),
    case("output into /proc", MN + ["-output", "/proc/microheal_x.h5", "-output_overwrite"],
         ["-output", "/proc/microheal_x.h5"], own_output=True),
    case("output under a path whose parent is a file", MN + ["-output", "{good}/x.h5", "-output_overwrite"],
         ["-output", re.escape("{good}/x.h5")], own_output=True),
    case("output in a folder that cannot be created", MN + ["-output", "/proc/no_such_dir/x.h5"],
         ["-output", "/proc/no_such_dir/x.h5", "folder"], own_output=True),
    case("output onto an existing folder", MN + ["-output", "{dir}", "-output_overwrite"], ["-output", re.escape("{dir}")],
         own_output=True),
    case("output exists, no -output_overwrite", MN + ["-output", "{good}"], ["-output", re.escape("{good}"), "exists", "-output_overwrite"],
         own_output=True),
    case("unknown option on the command line", MN + ["-microneedling_needle_lenght_mm", "1"],
         ["unknown option", "-microneedling_needle_lenght_mm"]),
    case("unknown solver option", MN + ["-ts_typ", "beuler"], ["unknown option", "-ts_typ"]),
    case("Dirichlet values: too few", MN + ["-bc_z_max", "dirichlet", "-bc_z_max_values", "1,2"],
         ["-bc_z_max_values", r"\b2 values\b", r"\b13 fields\b"]),
    case("Dirichlet values: too many", FK + ["-bc_x_min", "dirichlet", "-bc_x_min_values", "1,0"],
         ["-bc_x_min_values", r"\b2 values\b", r"\b1 field"]),
    case("Dirichlet value NaN", FK + ["-bc_x_min", "dirichlet", "-bc_x_min_values", "nan"], ["-bc_x_min_values", "not finite"]),
    case("Dirichlet field unknown", FK + ["-bc_x_min", "dirichlet", "-bc_x_min_fields", "v"], ["-bc_x_min_fields", r"\bv\b"]),
    case("periodic on one face only", FK + ["-bc_x_min", "periodic"], ["-bc_x_min", "periodic"]),
    case("no such model", ["-model", "nonexistent"], ["-model", "nonexistent", "microneedling"]),
    case("no model at all", ["-nx", "10"], ["no model"]),
    # the other models
    case("fisher_kpp: negative diffusivity", FK + ["-fisher_kpp_diffusivity_mm2_per_day", "-1"],
         ["-fisher_kpp_diffusivity_mm2_per_day", val("-1"), POS]),
    case("fisher_kpp: NaN growth rate", FK + ["-fisher_kpp_growth_rate_per_day", "nan"],
         ["-fisher_kpp_growth_rate_per_day", r"(?i)\bnan\b", POS]),
    case("fisher_kpp: unknown initial condition", FK + ["-fisher_kpp_initial", "ramp"], ["-fisher_kpp_initial", "ramp", "step"]),
    case("gray_scott: negative diffusivity", GS + ["-gray_scott_D1", "-8e-5"], ["-gray_scott_D1", val("-8e-05"), NONNEG]),
    case("gray_scott: infinite feed rate", GS + ["-gray_scott_gamma", "inf"], ["-gray_scott_gamma", r"(?i)\binf\b", NONNEG]),
    # options files
    case("missing options file", ["-options_file", "{dir}/missing.yaml"], [r"-options_file|options? file", re.escape("{dir}/missing.yaml")]),
    case("YAML: bad indentation", ["-options_file", "{yaml}"], ["(?i)yaml", re.escape("{yaml}"), r"line \d+"],
         yaml="model: microneedling\nmicroneedling:\n  needle_length_mm: 1\n   sessions: 2\n"),
    case("YAML: a tab", ["-options_file", "{yaml}"], ["(?i)yaml", re.escape("{yaml}"), r"line \d+"],
         yaml="model: microneedling\nmicroneedling:\n\tsessions: 2\n"),
    case("YAML: unclosed bracket", ["-options_file", "{yaml}"], ["(?i)yaml", re.escape("{yaml}"), r"line \d+"],
         yaml="model: microneedling\nmicroneedling: {sessions: 2\nnx: 8\n"),
    case("YAML: unknown key", ["-options_file", "{yaml}"], ["unknown option", "-microneedling_needle_lenght_mm"],
         yaml="model: microneedling\nmicroneedling:\n  needle_lenght_mm: 1\nnx: 8\nnz: 24\nt_end: 0.01\noutput_count: 1\n"),
    case("YAML: a word for a number", ["-options_file", "{yaml}"], ["-microneedling_needle_length_mm", r"\bdeep\b"],
         yaml="model: microneedling\nmicroneedling:\n  needle_length_mm: deep\nnx: 8\nnz: 24\n"),
    case("YAML: out-of-range value", ["-options_file", "{yaml}"], ["-microneedling_penetration_fraction", val("2"), r"\(0\.?, 1\.?\]"],
         yaml="model: microneedling\nmicroneedling:\n  penetration_fraction: 2\nnx: 8\nnz: 24\nt_end: 0.01\n"),
    # two ranks: one line, a nonzero status, no hang
    case("2 ranks: negative layer thickness", MN + ["-microneedling_layer_thickness_mm", "-0.1"],
         ["-microneedling_layer_thickness_mm", val("-0.1"), POS], ranks=2),
    case("2 ranks: grid too coarse", MN + ["-nz", "3"], ["-nz", r"\b3\b"], ranks=2),
    case("2 ranks: unknown pattern", MN + ["-microneedling_pattern", "zigzag"], ["-microneedling_pattern", "zigzag"], ranks=2),
    case("2 ranks: missing options file", ["-options_file", "{dir}/missing.yaml"], [re.escape("{dir}/missing.yaml")], ranks=2),
]

CRASH = re.compile(r"Segmentation|Caught signal|core dumped|Floating point exception|Bus error|Aborted|terminate called"
                   r"|AddressSanitizer|runtime error:")


def run(cmd, timeout):
    """Runs cmd in its own process group; returns (status, output, seconds), status None on a
    timeout (the group is killed)."""
    t0 = time.time()
    p = subprocess.Popen(cmd, cwd=mhtest.SOURCE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out, time.time() - t0
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, out, time.time() - t0


def check_case(k, c, good, timeout):
    """Runs case number k in a folder of its own, holding a copy of the good output (and its
    XDMF sidecar); returns (problems, error line, output, status, seconds), no problems when it passed."""
    d = os.path.join(TMP, f"case{k}")
    os.makedirs(d)
    guarded = {}
    for src, data in good.items():
        guarded[os.path.join(d, os.path.basename(src))] = data
        with open(os.path.join(d, os.path.basename(src)), "wb") as f:
            f.write(data)
    subst = {"{good}": os.path.join(d, "good.h5"), "{dir}": d, "{yaml}": os.path.join(d, "options.yaml")}
    if c["yaml"] is not None:
        with open(subst["{yaml}"], "w") as f:
            f.write(c["yaml"])
    args = [a for a in c["args"]]
    for key, value in subst.items():
        args = [a.replace(key, value) for a in args]
    if not c["own_output"]:
        args += ["-output", subst["{good}"], "-output_overwrite"]
    cmd = [mhtest.EXE] + args
    if c["ranks"] > 1:
        cmd = [mhtest.MPIEXEC, "-n", str(c["ranks"])] + cmd
    status, out, secs = run(cmd, timeout)
    lines = [l for l in out.splitlines() if "microheal: error:" in l]
    problems = []
    if status is None:
        problems.append(f"no exit within {timeout:g} s (hang)")
    elif status < 0:
        problems.append(f"killed by signal {-status}")
    elif status == 0:
        problems.append("exit status 0")
    if CRASH.search(out):
        problems.append("a crash report: " + CRASH.search(out).group(0))
    if "PETSC ERROR" in out:
        problems.append("a PETSc traceback")
    if len(lines) != 1:
        problems.append(f"{len(lines)} 'microheal: error:' lines, expected 1")
    if lines:
        for pat in c["expect"]:
            for key, value in subst.items():
                pat = pat.replace(re.escape(key), re.escape(value))
            if not re.search(pat, lines[0]):
                problems.append(f"the error line does not match /{pat}/")
    for path, before in guarded.items():
        now = open(path, "rb").read() if os.path.exists(path) else None
        if now != before:
            problems.append(f"the existing output {os.path.basename(path)} was {'removed' if now is None else 'modified'}")
    return problems, lines[0] if lines else "", out, status, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true", help="print every case: input, error line, verdict, run time [s]")
    ap.add_argument("--timeout", type=float, default=20, help="seconds a case may take before it counts as a hang [s]")
    ap.add_argument("--jobs", type=int, default=2, help="cases run at a time")
    ap.add_argument("--only", metavar="TEXT", help="run only the cases whose description contains TEXT")
    opts = ap.parse_args()

    # a good output (and its XDMF sidecar) that no bad input may touch
    path = os.path.join(TMP, "good.h5")
    rc, out = mhtest.run(MN + ["-quiet", "-output", path], malloc_dump=False)
    good = {p: open(p, "rb").read() for p in (path, path[:-3] + ".xmf") if os.path.exists(p)}
    mhtest.check(path in good, f"the good run wrote no {path}:\n{out}")

    cases = [c for c in CASES if not opts.only or opts.only in c["desc"]]
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        results = list(pool.map(lambda kc: check_case(kc[0], kc[1], good, opts.timeout), enumerate(cases)))
    failures = []
    for c, (problems, line, out, status, secs) in zip(cases, results):
        shown = " ".join(c["args"]) + (f"  [YAML: {c['yaml']!r}]" if c["yaml"] else "")
        if c["ranks"] > 1:
            shown = f"mpiexec -n {c['ranks']} microheal " + shown
        if opts.show:
            print(f"{'PASS' if not problems else 'FAIL'} {c['desc']} ({secs:.1f} s, status {status})\n"
                  f"    input: {shown}\n    error: {line or '(none)'}")
            for p in problems:
                print(f"    problem: {p}")
        if problems:
            head = "\n".join(out.splitlines()[:12])
            failures.append(f"case '{c['desc']}': {'; '.join(problems)}\n  input: {shown}\n  output (head):\n{head}\n")
    if failures:
        mhtest.fail(f"{len(failures)} of {len(cases)} bad-input cases failed:\n\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
