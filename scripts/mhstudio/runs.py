"""Runs microheal for the studio: one run at a time, in a scratch folder, under a wall-time limit,
its progress read from its stdout (-progress_interval 0: a line at every output time)."""
import os
import re
import shutil
import signal
import subprocess
import threading
import time

PROGRESS = re.compile(r"t = (\S+) of (\S+) \S+ \(\s*([0-9.]+)%\)")
KEEP_RUNS = 6  # run folders kept in the scratch area; older ones are pruned


class Busy(Exception):
    pass


class Runner:
    def __init__(self, exe, scratch, wall_limit):
        self.exe, self.scratch, self.wall_limit = exe, scratch, wall_limit
        self.lock = threading.Lock()
        self.count = 0
        self.current = None  # the latest run's state (a dict)
        self.runs = {}       # id -> folder of finished, successful runs
        self.params_of = {}  # id -> the parameters it ran with
        self.proc = None

    def status(self):
        with self.lock:
            return dict(self.current) if self.current else {"state": "idle"}

    def busy(self):
        with self.lock:
            return bool(self.current and self.current["state"] == "running")

    def start(self, clean, cfg_text):
        with self.lock:
            if self.current and self.current["state"] == "running":
                raise Busy(f"run {self.current['id']} is still running; wait for it to finish")
            self.count += 1
            rid = f"r{self.count}"
            folder = os.path.join(self.scratch, rid)
            os.makedirs(folder)
            with open(os.path.join(folder, "config.yaml"), "w") as f:
                f.write(cfg_text)
            self.current = {"id": rid, "state": "running", "params": clean, "percent": 0.0, "t": 0.0, "t_end": None,
                            "line": "starting microheal", "error": None, "started": time.time(), "wall": 0.0}
            cmd = [self.exe, "-options_file", "config.yaml", "-output", "run.h5", "-progress_interval", "0"]
            self.proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                         start_new_session=True)
            threading.Thread(target=self._follow, args=(rid, folder, self.proc), daemon=True).start()
            self._prune()
            return rid

    def _follow(self, rid, folder, proc):
        timer = threading.Timer(self.wall_limit, self._kill, args=(proc,))
        timer.start()
        tail, error = [], None
        for line in proc.stdout:
            line = line.rstrip()
            tail = (tail + [line])[-20:]
            if line.startswith("microheal: error:"):
                error = line
            m = PROGRESS.search(line)
            with self.lock:
                cur = self.current
                cur["wall"] = time.time() - cur["started"]
                if m:
                    cur["t"], cur["t_end"], cur["percent"] = float(m.group(1)), float(m.group(2)), float(m.group(3))
                    cur["line"] = line.replace("[microheal] ", "")
        rc = proc.wait()
        timer.cancel()
        with self.lock:
            cur = self.current
            cur["wall"] = time.time() - cur["started"]
            if rc == 0 and os.path.exists(os.path.join(folder, "run.h5")):
                cur["state"], cur["percent"] = "done", 100.0
                self.runs[rid] = folder
                self.params_of[rid] = cur["params"]
            else:
                cur["state"] = "failed"
                if rc in (-signal.SIGKILL, -signal.SIGTERM) and cur["wall"] >= self.wall_limit - 1:
                    cur["error"] = f"stopped: the run passed the studio's wall-time limit of {self.wall_limit:g} s"
                else:
                    cur["error"] = error or f"microheal exited with status {rc}: " + " | ".join(tail[-3:])
            self.proc = None

    def _kill(self, proc):
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            time.sleep(3)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _prune(self):
        """Keeps the newest KEEP_RUNS run folders (called under the lock)."""
        ids = sorted((int(d[1:]), d) for d in os.listdir(self.scratch) if re.fullmatch(r"r\d+", d))
        for _, d in ids[:-KEEP_RUNS]:
            shutil.rmtree(os.path.join(self.scratch, d), ignore_errors=True)
            self.runs.pop(d, None)

    def folder(self, rid):
        with self.lock:
            return self.runs.get(rid)

    def stop(self):
        with self.lock:
            proc = self.proc
        if proc and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
