"""How microheal's scripts write files: like the simulator (sim/sys/files.c), never through a link.

    with replacing(out) as tmp:
        fig.savefig(tmp)

creates a new file beside `out` under a hidden unpredictable name (".<name>.partial-XXXXXX<ext>",
O_CREAT|O_EXCL: a link planted at any name is never opened), hands its path to the writer, then
syncs it and renames it to `out` (a link at `out` is replaced, never followed). If the writer
fails, the temporary file is removed and `out` is as it was."""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def replacing(out):
    folder, base = os.path.split(os.path.abspath(out))
    ext = os.path.splitext(base)[1]
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.partial-", suffix=ext, dir=folder)
    os.close(fd)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        mask = os.umask(0)  # the mode open() would have given: 0666 less the umask
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
