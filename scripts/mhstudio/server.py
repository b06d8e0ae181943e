"""The studio's HTTP server (standard library only): the page, its script and Chart.js (Debian's
libjs-chart.js) served locally, and a small JSON API. Binds 127.0.0.1 only; refuses requests
whose Host or Origin is not this server; only known parameters within their ranges reach microheal."""
import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import data, params, runs

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = {"/": ("index.html", "text/html; charset=utf-8"), "/studio.js": ("studio.js", "text/javascript; charset=utf-8"),
          "/studio.css": ("studio.css", "text/css; charset=utf-8")}
CHARTJS = "/usr/share/javascript/chart.js/chart.min.js"
DOWNLOADS = {"h5": ("run.h5", "application/x-hdf5"), "xmf": ("run.xmf", "application/xml"),
             "yaml": ("config.yaml", "text/yaml; charset=utf-8"),
             "timeseries.png": ("run_timeseries.png", "image/png"), "sections.png": ("run_sections.png", "image/png")}
MAX_BODY = 10000


class Studio:
    def __init__(self, source, exe, scratch, port, wall_limit):
        self.source, self.exe, self.port = source, exe, port
        self.base = params.load_base(source)
        self.described = params.describe(exe, self.base)
        self.runner = runs.Runner(exe, scratch, wall_limit)
        self.figure_lock = threading.Lock()
        self.cache = {}


class Handler(BaseHTTPRequestHandler):
    server_version = "microheal-studio"
    studio = None  # set by serve()

    def log_message(self, fmt, *args):  # quiet: the terminal shows the address only
        pass

    # --- answers
    def send(self, code, body, ctype, extra=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def json(self, code, obj):
        self.send(code, json.dumps(obj, allow_nan=False), "application/json")

    def error(self, code, msg):
        self.json(code, {"error": msg})

    def allowed(self):
        """Host must name this server; Origin, when sent, too (no other site may drive it)."""
        ok = {f"127.0.0.1:{self.studio.port}", f"localhost:{self.studio.port}"}
        if self.headers.get("Host", "") not in ok:
            self.error(403, "refused: the Host header does not name this server (127.0.0.1)")
            return False
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {"http://" + h for h in ok}:
            self.error(403, "refused: requests from other origins are not served")
            return False
        return True

    # --- GET
    def do_GET(self):
        if not self.allowed():
            return
        path = self.path.split("?", 1)[0]
        s = self.studio
        if path == "/favicon.ico":
            return self.send(204, b"", "image/x-icon")
        try:
            if path in STATIC:
                name, ctype = STATIC[path]
                with open(os.path.join(HERE, "static", name), "rb") as f:
                    return self.send(200, f.read(), ctype)
            if path == "/vendor/chart.js":
                with open(CHARTJS, "rb") as f:
                    return self.send(200, f.read(), "text/javascript; charset=utf-8")
            if path == "/api/params":
                return self.json(200, {"params": s.described, "model": params.MODEL,
                                       "wall_limit_s": s.runner.wall_limit})
            if path == "/api/status":
                return self.json(200, s.runner.status())
            m = re.fullmatch(r"/api/runs/(r\d+)/(summary|field/(\w+)|file/([\w.]+))", path)
            if m:
                return self.run_get(m.group(1), m.group(2), m.group(3), m.group(4))
        except (OSError, ValueError) as e:
            return self.error(500, f"server error: {e}")
        self.error(404, f"no such page: {path[:80]}")

    def run_get(self, rid, what, fname, download):
        s = self.studio
        folder = s.runner.folder(rid)
        if folder is None:
            return self.error(404, f"no finished run {rid} (runs are kept until {runs.KEEP_RUNS} newer ones exist)")
        h5 = os.path.join(folder, "run.h5")
        if what == "summary":
            key = (rid, "summary")
            if key not in s.cache:
                d = data.summary(h5)
                d["id"], d["params"] = rid, s.runner.params_of.get(rid)
                s.cache[key] = json.dumps(d, allow_nan=False)
            return self.send(200, s.cache[key], "application/json")
        if fname is not None:
            with data.mhread.Output(h5) as o:
                if fname not in o.fields:
                    return self.error(404, f"unknown field '{fname[:40]}'")
            return self.json(200, data.field(h5, fname))
        if download not in DOWNLOADS:
            return self.error(404, f"unknown download '{download[:40]}'; one of {', '.join(DOWNLOADS)}")
        name, ctype = DOWNLOADS[download]
        p = os.path.join(folder, name)
        if download.endswith(".png") and not os.path.exists(p):
            self.figures(folder)
        with open(p, "rb") as f:
            body = f.read()
        self.send(200, body, ctype, {"Content-Disposition": f'attachment; filename="microheal-studio-{rid}-{name}"'})

    def figures(self, folder):
        """scripts/figures.py on the run (time series and sections), once."""
        with self.studio.figure_lock:
            if os.path.exists(os.path.join(folder, "run_sections.png")):
                return
            subprocess.run([sys.executable, os.path.join(self.studio.source, "scripts", "figures.py"), "run.h5",
                            "--what", "timeseries,sections"], cwd=folder, stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT, timeout=300, check=True)

    # --- POST
    def do_POST(self):
        if not self.allowed():
            return
        if self.path != "/api/run":
            return self.error(404, f"no such endpoint: {self.path[:80]}")
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return self.error(415, "send the parameters as application/json")
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            return self.error(413, "request too large")
        try:
            body = json.loads(self.rfile.read(n) or b"null")
        except ValueError:
            return self.error(400, "the request is not valid JSON")
        s = self.studio
        try:
            clean = params.check(body.get("params") if isinstance(body, dict) else None, s.described)
        except params.ParamError as e:
            return self.error(400, str(e))
        if s.runner.busy():
            return self.error(409, "a run is already going; wait for it to finish (one run at a time)")
        cfg = params.config(s.base, clean)
        try:
            rid = s.runner.start(clean, params.config_text(cfg, clean))
        except runs.Busy as e:
            return self.error(409, str(e))
        self.json(202, {"id": rid, "params": clean})

    def do_PUT(self):
        self.error(405, "method not allowed")

    do_DELETE = do_PATCH = do_PUT


def serve(source, exe, scratch, port, wall_limit, ready=None):
    studio = Studio(source, exe, scratch, port, wall_limit)
    Handler.studio = studio
    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    studio.port = httpd.server_address[1]  # the port bound (--port 0: any free one)
    if ready:
        ready(httpd)
    try:
        httpd.serve_forever()
    finally:
        studio.runner.stop()
        httpd.server_close()
