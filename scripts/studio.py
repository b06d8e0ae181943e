#!/usr/bin/python3
"""The teaching studio: a local web page to set a microneedling protocol, run it, watch the skin
heal and compare two protocols (scripts/README.md, 'Studio'). Run through ./scripts/studio."""
import argparse
import atexit
import errno
import glob
import os
import re
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mhstudio import server  # noqa: E402

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def prune_stale(tmpdir):
    """Removes the scratch folders of studios that are no longer running (one killed with SIGKILL
    cannot remove its own): folders of this user named after a process that does not exist."""
    for path in glob.glob(os.path.join(tmpdir, "microheal-studio-*")):
        m = re.fullmatch(r"microheal-studio-(\d+)-[^/]+", os.path.basename(path))
        if not m or os.path.islink(path) or not os.path.isdir(path) or os.stat(path).st_uid != os.getuid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (PermissionError, OverflowError):
            pass  # running (as another user), or not a pid


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765; 0: any free port)")
    ap.add_argument("--exe", default=os.path.join(SOURCE, "build", "microheal"), help="the microheal executable")
    ap.add_argument("--wall-limit", type=float, default=180, help="wall-time limit of one run in seconds (default 180)")
    a = ap.parse_args()
    if not 0 <= a.port <= 65535:
        ap.error(f"--port {a.port}: not a port number")
    if not os.access(a.exe, os.X_OK):
        sys.exit(f"studio: no executable {a.exe}; build first (./scripts/setup)")
    prune_stale(tempfile.gettempdir())
    scratch = tempfile.mkdtemp(prefix=f"microheal-studio-{os.getpid()}-")
    atexit.register(shutil.rmtree, scratch, True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def ready(httpd):
        print(f"studio: http://127.0.0.1:{httpd.server_address[1]}/  (runs in {scratch}; Ctrl-C stops)", flush=True)

    try:
        server.serve(SOURCE, a.exe, scratch, a.port, a.wall_limit, ready)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            sys.exit(f"studio: port {a.port} on 127.0.0.1 is taken (another studio?); choose another with --port")
        raise
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
