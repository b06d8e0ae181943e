"""The teaching studio (scripts/studio) in a real browser: headless Chromium driven by Selenium.

Checks: every range of the studio's table (scripts/mhstudio/params.py) against microheal (accepted
at its ends, refused just beyond; teaching ranges inside); the page loads with the demo protocol;
a run with a changed needle length shows live progress and draws time series and an x-z section
whose values equal the run's HDF5 file (read through mhread); its downloaded config run on the
command line gives the same /outcomes; out-of-range values, unknown parameters, a second run while
one runs and foreign Host/Origin headers are refused with a message and a 4xx and start no run; a
second protocol drawn beside a kept one on the same scales; the scratch folder removed on exit.
Screenshots (default view, after a run, compare mode) go to <build>/test_studio/. Skipped (77)
where Chromium, its driver or Selenium is missing."""
import glob
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import mhtest  # noqa: E402
from mhtest import check, fail  # noqa: E402

sys.path.insert(0, os.path.join(mhtest.SOURCE, "scripts"))
from mhstudio import params  # noqa: E402

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("skipped: no python3-selenium")
    sys.exit(77)
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not os.path.exists(DRIVER):
    print("skipped: no chromedriver (apt-get install chromium chromium-driver)")
    sys.exit(77)

WAIT = 150  # seconds for any condition (a slow shared CI machine)
SHOTS = os.path.join(os.path.dirname(mhtest.EXE), "test_studio")


def accepted(name, value, skin="face"):
    p = subprocess.run([mhtest.EXE, "-model", "microneedling", "-microneedling_skin", skin, f"-microneedling_{name}", repr(value), "-help"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    return p.returncode == 0


def check_ranges():
    """Every model range of the studio's table as microheal's parameter_table.c has it."""
    for name, r in params.RANGES.items():
        if r["kind"] == "choice":
            continue
        lo, hi, lo_open, hi_open = r["model"]
        step = 1 if r["kind"] == "int" else None
        fmt = int if r["kind"] == "int" else float

        def inside(v, d):  # (an open 0: 0.01, since a shorter run than -dt_initial is refused for another reason)
            return v + d * (step or (1e-2 if v == 0 else abs(v) * 1e-6))
        for end, is_open, d in ((lo, lo_open, +1), (hi, hi_open, -1)):
            if math.isinf(end):
                continue
            if is_open:
                check(not accepted(name, fmt(end)), f"{name} {end}: the studio's table says the range is open there, microheal accepts it")
                check(accepted(name, fmt(inside(end, d))), f"{name} {inside(end, d)}: just inside the studio's range, microheal refuses it")
            else:
                check(accepted(name, fmt(end)), f"{name} {end}: an end of the studio's range, microheal refuses it")
                check(not accepted(name, fmt(inside(end, -d))), f"{name} {inside(end, -d)}: just beyond the studio's range, microheal accepts it")
        for v in r["teach"]:
            check(accepted(name, fmt(v)), f"{name} {v}: an end of the page's range, microheal refuses it")
    described = params.describe(mhtest.EXE, params.load_base(mhtest.SOURCE))
    try:  # a needle too long for the chosen skin: one clear line before any run
        params.check({"skin": "forehead", "needle_length_mm": 1.7}, described)
        check(False, "studio: 1.7 mm needles accepted on forehead skin (1.584 mm deep)")
    except params.ParamError as e:
        check("reaches below the 1.584 mm of modelled forehead skin" in str(e), f"studio: the error for a too-long needle says: {e}")
    check(params.check({"skin": "face", "needle_length_mm": 1.7}, described)["needle_length_mm"] == 1.7, "studio: 1.7 mm refused on face skin (1.845 mm deep)")
    skins = params.read_help(mhtest.EXE)["skin"]["choices"]
    for skin, depth in params.skin_depths(mhtest.EXE, skins).items():  # the needle length's bound is the skin's depth
        check(not accepted("needle_length_mm", depth, skin) and accepted("needle_length_mm", depth * (1 - 1e-6), skin),
              f"needle length: {skin} skin is not {depth} mm deep in microheal")


def start_server(tmp):
    # a studio killed with SIGKILL left its scratch folder: the next one removes it, and keeps the
    # folder of a studio that is still running (here: this test's own pid)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale, alive = os.path.join(tmp, f"microheal-studio-{dead.pid}-old"), os.path.join(tmp, f"microheal-studio-{os.getpid()}-live")
    for d in (stale, alive):
        os.makedirs(os.path.join(d, "r1"))
    env = dict(os.environ, TMPDIR=tmp)
    p = subprocess.Popen([sys.executable, os.path.join(mhtest.SOURCE, "scripts", "studio.py"), "--port", "0", "--exe", mhtest.EXE,
                          "--wall-limit", "120"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        p.kill()
        fail(f"studio did not start: {line}{p.stdout.read()[-2000:]}")
    check(not os.path.exists(stale) and os.path.isdir(alive), f"stale scratch folders: {stale} should be gone, {alive} kept")
    shutil.rmtree(alive)
    return p, int(m.group(1))


def http(port, path, body=None, headers=None):
    """(status, bytes) of a request to the studio."""
    h = {"Host": f"127.0.0.1:{port}"}
    h.update(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def browser():
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-proxy-server", "--window-size=1500,1500"):
        o.add_argument(a)
    if os.path.exists("/usr/bin/chromium"):
        o.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service(DRIVER), options=o)


def wait_state(drv, states, what):
    try:
        WebDriverWait(drv, WAIT, poll_frequency=0.2).until(lambda d: d.execute_script("return document.body.dataset.state") in states)
    except Exception:
        fail(f"{what}: the page did not reach {states} in {WAIT} s; page: {drv.find_element(By.TAG_NAME, 'body').text[:1500]}")


def wait_run(drv, rid, what):
    """Waits until the page shows run rid drawn (or a failure); fails unless drawn."""
    js = "return (studio.current && studio.current.id === arguments[0] && document.body.dataset.state === 'done') || document.body.dataset.state === 'failed';"
    try:
        WebDriverWait(drv, WAIT, poll_frequency=0.2).until(lambda d: d.execute_script(js, rid))
    except Exception:
        fail(f"{what}: run {rid} not drawn in {WAIT} s; page: {drv.find_element(By.TAG_NAME, 'body').text[:1500]}")
    check(drv.execute_script("return document.body.dataset.state") == "done", f"{what} failed: {message(drv)}")


def set_value(drv, name, value):
    e = drv.find_element(By.ID, f"p_{name}")
    e.clear()
    e.send_keys(str(value))


def submit(drv, values):
    """studio.submit(values) on the page: the API's status."""
    return drv.execute_async_script("studio.submit(arguments[0]).then(arguments[1]);", values)


def message(drv):
    return drv.find_element(By.ID, "message").text


def download(port, rid, kind, folder):
    code, body = http(port, f"/api/runs/{rid}/file/{kind}")
    check(code == 200 and len(body) > 0, f"download {kind} of {rid}: status {code}")
    path = os.path.join(folder, f"{rid}.{kind}")
    with open(path, "wb") as f:
        f.write(body)
    return path


def check_drawn(drv, rid, h5):
    """The charts' values for run rid equal the HDF5 file's."""
    drawn = drv.execute_script("return studio.drawn();")
    with mhtest.mhread.Output(h5) as o:
        tab = o.table()
        series = [s for s in drawn["series"] if s["run"] == rid]
        check(len(series) >= 8, f"{rid}: {len(series)} time series drawn, expected 8")
        for s in series:
            check(s["x"] == tab["t"].tolist() and s["y"] == tab[s["column"]].tolist(),
                  f"{rid}: the drawn {s['column']} is not /monitors/table's")
        secs = [s for s in drawn["sections"] if s["run"] == rid]
        check(len(secs) == 1, f"{rid}: {len(secs)} sections drawn, expected 1")
        s = secs[0]
        f = o.field(s["field"], s["index"])
        check([f[j, i] for i, j in zip(s["i"], s["j"])] == s["values"],
              f"{rid}: the drawn section of {s['field']} at output {s['index']} is not the file's")
    return drawn


def main():
    check_ranges()
    tmp = mhtest.tmpdir()
    os.makedirs(SHOTS, exist_ok=True)
    for old in glob.glob(os.path.join(SHOTS, "*.png")):
        os.remove(old)
    server, port = start_server(tmp)
    drv = None
    try:
        drv = browser()
        drv.set_script_timeout(WAIT)
        # the page: the demo protocol, units and ranges from the model
        drv.get(f"http://127.0.0.1:{port}/")
        wait_state(drv, ("idle",), "loading the page")
        check(drv.find_element(By.ID, "p_needle_length_mm").get_attribute("value") == "1.5", "the needle length does not start at the demo's 1.5 mm")
        check("allowed 0.1 to 1.8 mm" in drv.find_element(By.ID, "form").text, "the needle length's range and unit are not shown")
        drv.save_screenshot(os.path.join(SHOTS, "1_default.png"))

        # foreign origins and hosts are refused
        for hdr in ({"Origin": "http://example.com"}, {"Host": "example.com"}):
            code, body = http(port, "/api/run", {"params": {}}, hdr)
            check(code == 403, f"a request with {hdr} got {code}, expected 403: {body[:200]}")

        # a run with a shorter needle; progress seen live
        set_value(drv, "needle_length_mm", 1.0)
        set_value(drv, "follow_up_days", 28)
        drv.find_element(By.ID, "run").click()
        WebDriverWait(drv, WAIT).until(lambda d: d.execute_script("return document.body.dataset.state") != "idle")
        # a second run while one runs: refused (409), a message, no run
        code = submit(drv, {"needle_length_mm": 0.5})
        st = json.loads(http(port, "/api/status")[1])
        if st["state"] == "running":
            check(code == 409 and "already" in message(drv), f"a second run while one runs: status {code}, message '{message(drv)}'")
        wait_run(drv, "r1", "the first run")
        st = json.loads(http(port, "/api/status")[1])
        check(st["id"] == "r1" and st["params"]["needle_length_mm"] == 1.0 and st["t"] == st["t_end"] == 84.0,
              f"status after the first run: {st}")
        h5 = download(port, "r1", "h5", tmp)
        download(port, "r1", "xmf", tmp)
        check_drawn(drv, "r1", h5)
        drv.save_screenshot(os.path.join(SHOTS, "2_after_run.png"))

        # the downloaded config reproduces the run on the command line
        cfg = download(port, "r1", "yaml", tmp)
        mhtest.run(["-options_file", cfg, "-output", os.path.join(tmp, "cli.h5"), "-quiet"], malloc_dump=False)
        a, b = mhtest.read(h5)["outcomes"], mhtest.read(os.path.join(tmp, "cli.h5"))["outcomes"]
        check(a.keys() == b.keys() and a, "the command line run has other outcomes")
        for k in a:
            check(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])), f"outcome {k}: studio {a[k]}, command line {b[k]}")
        png = download(port, "r1", "sections.png", tmp)
        check(open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "sections.png is not a PNG")

        # bad requests: a message on the page, a 4xx, no run
        set_value(drv, "needle_length_mm", 5)
        drv.find_element(By.ID, "run").click()
        WebDriverWait(drv, WAIT).until(lambda d: "out of range" in message(d))
        check("Needle length" in message(drv) and "0.1 to 1.8" in message(drv), f"out-of-range message: '{message(drv)}'")
        code = submit(drv, {"needle_lenght_mm": 1.0})
        check(code == 400 and "unknown parameter 'needle_lenght_mm'" in message(drv), f"unknown parameter: {code}, '{message(drv)}'")
        code = submit(drv, {"sessions": 2.5})
        check(code == 400 and "whole number" in message(drv), f"2.5 sessions: {code}, '{message(drv)}'")
        for body in ({"params": {"pattern": "../../etc/passwd"}}, {"params": {"needle_length_mm": "1; rm"}}, {"params": ["-help"]}, {"x": 1}):
            code, reply = http(port, "/api/run", body)
            check(code == 400, f"{body}: {code}, expected 400")
        st = json.loads(http(port, "/api/status")[1])
        check(st["id"] == "r1", f"a refused request started a run: {st['id']}")

        # compare: keep r1, run a shallower protocol beside it
        drv.find_element(By.ID, "keep").click()
        set_value(drv, "needle_length_mm", 0.5)
        drv.find_element(By.ID, "run").click()
        wait_run(drv, "r2", "the second run")
        h5b = download(port, "r2", "h5", tmp)
        drawn = check_drawn(drv, "r2", h5b)
        check_drawn(drv, "r1", h5)
        kept = {s["chart"] for s in drawn["series"] if s["run"] == "r1"}
        check(kept == {"ts_barrier", "ts_inflammation", "ts_collagen", "ts_elastin", "ts_epidermis"}, f"the kept run is not drawn in every time-series chart: {kept}")
        scales = drv.execute_script("return ['sec_current', 'sec_kept'].map(k => [studio.charts[k].scales.y.max, studio.charts[k].scales.x.max]);")
        check(scales[0] == scales[1], f"the two sections have other scales: {scales}")
        check("kept r1" in drv.find_element(By.ID, "fig_kept").text, "the kept section is not labelled")
        drv.save_screenshot(os.path.join(SHOTS, "3_compare.png"))
    finally:
        if drv:
            drv.quit()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    left = glob.glob(os.path.join(tmp, "microheal-studio-*"))
    check(not left, f"the studio's scratch folder was not removed: {left}")


if __name__ == "__main__":
    main()
