/* How microheal writes files, so that nothing it does can destroy or redirect a file it did not
   create. Every file (output, sidecar, checkpoint, sweep table and status) is

   - created in its target folder under an unpredictable hidden name, ".<name>.partial-XXXXXX",
     with O_CREAT | O_EXCL (mkstemps): a planted symbolic link or file at any name is never
     opened, let alone written through;
   - written, flushed to the disk (fsync), and renamed into place: rename() replaces the name,
     never follows a link there, and is atomic, so a reader sees the old file or the new one;
   - renamed without replacing (renameat2 RENAME_NOREPLACE) unless the overwrite rules allow it.

   A run also holds an advisory lock (an open file description lock, fcntl F_OFD_SETLK) on a small
   ".<name>.lock" file beside each file series it writes, holding "pid <pid> host <host> since
   <UTC time>": a second writer fails at once naming the first. The kernel drops the lock when
   the process ends in any way, so a killed run leaves no lock behind (the file stays, harmless).

   The functions here run on one rank (rank 0) and use neither MPI nor PETSc errors: they return 0,
   or nonzero with what failed in why, so that the caller can broadcast the verdict and fail
   collectively with one line. */
#define _GNU_SOURCE /* renameat2, mkostemp */
#include "mhsys.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* The folder of path ("." for a bare name) in dir, its last component in base. */
void MHPathSplit(const char *path, char *dir, size_t ldir, char *base, size_t lbase)
{
  const char *slash = strrchr(path, '/');

  if (!slash) {
    snprintf(dir, ldir, ".");
    snprintf(base, lbase, "%s", path);
  } else {
    snprintf(dir, ldir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    snprintf(base, lbase, "%s", slash + 1);
  }
}

/* Whether anything (a file, a folder, a link, a dangling link) has the name path. */
int MHPathExists(const char *path)
{
  struct stat st;

  return lstat(path, &st) == 0;
}

/* "a symbolic link", "a folder", "a file" or "" for what is at path. */
const char *MHPathKind(const char *path)
{
  struct stat st;

  if (lstat(path, &st)) return "";
  if (S_ISLNK(st.st_mode)) return "a symbolic link";
  if (S_ISDIR(st.st_mode)) return "a folder";
  if (S_ISREG(st.st_mode)) return "a file";
  return "a special file";
}

/* Creates the folders of path that are missing. */
int MHMakeParentFolders(const char *path, char *why, size_t len)
{
  char        dir[PETSC_MAX_PATH_LEN];
  struct stat st;

  snprintf(dir, sizeof dir, "%s", path);
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(dir, 0775) && errno != EEXIST) {
      snprintf(why, len, "cannot create folder %s: %s", dir, strerror(errno));
      return 1;
    }
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
      snprintf(why, len, "%s is %s, not a folder", dir, MHPathKind(dir)[0] ? MHPathKind(dir) : "missing");
      return 1;
    }
    *p = '/';
  }
  return 0;
}

/* A new empty file beside path, under an unpredictable name (returned in tmp), open for writing;
   its folders are created. Returns the descriptor, or -1 with why. */
int MHFileTemp(const char *path, char *tmp, size_t len, char *why, size_t wlen)
{
  char dir[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN];
  int  fd;

  if (MHMakeParentFolders(path, why, wlen)) return -1;
  MHPathSplit(path, dir, sizeof dir, base, sizeof base);
  if (!base[0]) {
    snprintf(why, wlen, "names a folder; name a file");
    return -1;
  }
  if ((size_t)snprintf(tmp, len, "%s/.%s.partial-XXXXXX", dir, base) >= len) {
    snprintf(why, wlen, "the name is too long");
    return -1;
  }
  fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    snprintf(why, wlen, "cannot create a file in folder %s: %s", dir, strerror(errno));
    return -1;
  }
  {
    mode_t mask = umask(0); /* the mode open() would have given: 0666 less the umask */
    umask(mask);
    fchmod(fd, 0666 & ~mask);
  }
  return fd;
}

/* Whether the open file fd is still the file named tmp (nobody swapped the name since). */
int MHFileIsStill(int fd, const char *tmp)
{
  struct stat a, b;

  return fstat(fd, &a) == 0 && lstat(tmp, &b) == 0 && S_ISREG(b.st_mode) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Renames tmp to path: over an existing path only with replace (a link there is replaced, never
   followed). Returns 0, or nonzero with why. */
int MHFilePlace(const char *tmp, const char *path, int replace, char *why, size_t wlen)
{
  int rc;

  if (replace)
    rc = rename(tmp, path);
  else {
    rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
    if (rc && (errno == EINVAL || errno == ENOSYS)) { /* a file system without it: link, unlink */
      rc = link(tmp, path);
      if (!rc) unlink(tmp);
    }
  }
  if (rc) {
    if (errno == EEXIST)
      snprintf(why, wlen, "%s appeared meanwhile (another program wrote it); nothing was replaced", path);
    else
      snprintf(why, wlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    return 1;
  }
  return 0;
}

/* A stream on a new temporary file beside path (MHFileTemp); NULL with why. */
FILE *MHFileCreate(const char *path, char *tmp, size_t len, char *why, size_t wlen)
{
  int   fd = MHFileTemp(path, tmp, len, why, wlen);
  FILE *fp;

  if (fd < 0) return NULL;
  if (!(fp = fdopen(fd, "w"))) {
    snprintf(why, wlen, "cannot write %s: %s", tmp, strerror(errno));
    close(fd);
    unlink(tmp);
  }
  return fp;
}

/* Flushes, syncs and closes a stream from MHFileCreate and renames it to path (replacing what is
   there with replace); on any failure the temporary file is removed. Returns 0 or nonzero with why. */
int MHFileCommit(FILE *fp, const char *tmp, const char *path, int replace, char *why, size_t wlen)
{
  int err = 0;

  if (fflush(fp) || ferror(fp)) err = errno ? errno : EIO;
  if (!err && fsync(fileno(fp)) && errno != EINVAL && errno != EROFS) err = errno;
  if (fclose(fp) && !err) err = errno ? errno : EIO;
  if (err) {
    snprintf(why, wlen, "cannot write %s: %s", path, strerror(err));
    unlink(tmp);
    return 1;
  }
  if (MHFilePlace(tmp, path, replace, why, wlen)) {
    unlink(tmp);
    return 1;
  }
  return 0;
}

/* Free bytes for an unprivileged writer on the file system that holds path (or its nearest
   existing folder); -1 when unknown. */
double MHFreeBytes(const char *path)
{
  char           dir[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN];
  struct statvfs s;

  snprintf(dir, sizeof dir, "%s", path);
  while (statvfs(dir, &s)) {
    char up[PETSC_MAX_PATH_LEN];
    if (!strcmp(dir, ".") || !strcmp(dir, "/")) return -1;
    MHPathSplit(dir, up, sizeof up, base, sizeof base);
    snprintf(dir, sizeof dir, "%s", up);
  }
  return (double)s.f_bavail * (double)s.f_frsize;
}

/* "1.5 GB" for n bytes. */
void MHBytesText(double n, char *buf, size_t len)
{
  if (n >= 1e12)
    snprintf(buf, len, "%.1f TB", n / 1e12);
  else if (n >= 1e9)
    snprintf(buf, len, "%.1f GB", n / 1e9);
  else if (n >= 1e6)
    snprintf(buf, len, "%.1f MB", n / 1e6);
  else
    snprintf(buf, len, "%.0f kB", PetscMax(n / 1e3, 1.0));
}

/* The advisory lock on the files named by path: ".<name>.lock" beside it. The lock file is
   created with O_NOFOLLOW (a link there is refused), locked without waiting, and its text names
   this process. Returns 0 (lk->fd >= 0), or nonzero with why naming the holder. */
int MHLockTake(const char *path, MHLock *lk, char *why, size_t wlen)
{
  char          dir[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN], host[256] = "", stamp[64] = "", text[512];
  struct flock  fl;
  time_t        now = time(NULL);
  int           fd;
  unsigned long size;

  lk->fd = -1;
  if (MHMakeParentFolders(path, why, wlen)) return 1;
  MHPathSplit(path, dir, sizeof dir, base, sizeof base);
  if ((size_t)snprintf(lk->path, sizeof lk->path, "%s/.%s.lock", dir, base) >= sizeof lk->path) {
    snprintf(why, wlen, "the name is too long");
    return 1;
  }
  fd = open(lk->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    snprintf(why, wlen, "cannot create its lock file %s: %s", lk->path, errno == ELOOP ? "it is a symbolic link (remove it)" : strerror(errno));
    return 1;
  }
  memset(&fl, 0, sizeof fl);
  fl.l_type   = F_WRLCK;
  fl.l_whence = SEEK_SET;
#ifdef F_OFD_SETLK
  if (fcntl(fd, F_OFD_SETLK, &fl))
#else
  if (fcntl(fd, F_SETLK, &fl))
#endif
  {
    ssize_t got = errno == EAGAIN || errno == EACCES ? pread(fd, text, sizeof text - 1, 0) : -1;
    if (got >= 0) {
      text[got]                 = 0;
      text[strcspn(text, "\n")] = 0;
      snprintf(why, wlen, "in use by another microheal run (%s; lock %s): wait for it to end, or choose another name", text[0] ? text : "it has not said who it is yet", lk->path);
    } else
      snprintf(why, wlen, "cannot lock %s: %s", lk->path, strerror(errno));
    close(fd);
    return 1;
  }
  gethostname(host, sizeof host - 1);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  snprintf(text, sizeof text, "pid %ld on host %s since %s\n", (long)getpid(), host, stamp);
  size = (unsigned long)strlen(text);
  if (ftruncate(fd, 0) || pwrite(fd, text, size, 0) != (ssize_t)size) { } /* the text only informs */
  lk->fd = fd;
  return 0;
}

/* Drops a lock from MHLockTake (the lock file stays: removing it would race with a next holder). */
void MHLockRelease(MHLock *lk)
{
  if (lk->fd < 0) return;
  if (ftruncate(lk->fd, 0)) { }
  close(lk->fd);
  lk->fd = -1;
}

/* Removes the temporary files that runs killed or failed before their rename left in folder dir:
   the names matching ".<stem><middle>.partial-XXXXXX" (stem taken literally, middle a glob
   pattern, "" for none). Called under the lock of the series, so no live run is writing them.
   Returns how many it removed. */
int MHRemoveOrphans(const char *dir, const char *stem, const char *middle)
{
  char           pattern[2 * PETSC_MAX_PATH_LEN], *q = pattern, path[2 * PETSC_MAX_PATH_LEN];
  DIR           *d;
  struct dirent *e;
  int            n = 0;

  *q++ = '.';
  for (const char *p = stem; *p && q < pattern + PETSC_MAX_PATH_LEN; p++) {
    if (strchr("*?[\\", *p)) *q++ = '\\';
    *q++ = *p;
  }
  snprintf(q, sizeof pattern - (size_t)(q - pattern), "%s.partial-??????", middle);
  if (!(d = opendir(dir))) return 0;
  while ((e = readdir(d)))
    if (!fnmatch(pattern, e->d_name, 0)) {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      n += unlink(path) == 0;
    }
  closedir(d);
  return n;
}

PetscErrorCode MHCheckWhy(MPI_Comm comm, PetscErrorCode code, const char *option, const char *path, char *why, size_t len)
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(why, (PetscMPIInt)len, MPI_CHAR, 0, comm));
  why[len - 1] = 0;
  PetscCheck(!why[0], comm, code, "%s %s: %s", option, path, why);
  PetscFunctionReturn(0);
}
