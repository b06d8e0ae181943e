/* HDF5 helpers: checked calls, attributes, small datasets, growing series, probes of a file and
   its superblock. They know nothing of the simulation. */
#include "mhio.h"
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

PetscErrorCode MHH5Check(MPI_Comm comm, herr_t rc, const char *what)
{
  PetscFunctionBeginUser;
  PetscCheck(rc >= 0, comm, PETSC_ERR_FILE_WRITE, "HDF5 failed: %s", what);
  PetscFunctionReturn(0);
}

/* Attributes are metadata, which parallel HDF5 needs identical on every rank: rank 0's value is
   written (a host name, a clock or a file read by rank 0 may differ elsewhere). */
PetscErrorCode MHWriteStringAttr(MPI_Comm comm, hid_t obj, const char *name, const char *value0)
{
  hid_t       type, space, attr;
  PetscMPIInt rank;
  int         len = 0;
  char       *value;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) len = (int)strlen(value0);
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
  PetscCall(PetscMalloc1(len + 1, &value));
  if (!rank) PetscCall(PetscArraycpy(value, value0, len));
  PetscCallMPI(MPI_Bcast(value, len, MPI_CHAR, 0, comm));
  value[len] = 0;
  type       = H5Tcopy(H5T_C_S1);
  PetscCall(MHH5Check(comm, H5Tset_size(type, H5T_VARIABLE), "string type"));
  PetscCall(MHH5Check(comm, H5Tset_cset(type, H5T_CSET_UTF8), "string type"));
  space = H5Screate(H5S_SCALAR);
  attr  = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, attr, name));
  PetscCall(MHH5Check(comm, H5Awrite(attr, type, &value), name));
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  PetscCall(PetscFree(value));
  PetscFunctionReturn(0);
}

/* The 1-D dataset obj/name becomes the dimension scale (coordinate) of the axis called axis. */
PetscErrorCode MHH5MakeScale(MPI_Comm comm, hid_t obj, const char *name, const char *axis)
{
  hid_t dset;

  PetscFunctionBeginUser;
  dset = H5Dopen2(obj, name, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, dset, name));
  PetscCall(MHH5Check(comm, H5DSset_scale(dset, axis), name));
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

/* Axis idx of dset is labelled label (h5py: dset.dims[idx].label). */
PetscErrorCode MHH5Label(MPI_Comm comm, hid_t dset, PetscInt idx, const char *label)
{
  PetscFunctionBeginUser;
  PetscCall(MHH5Check(comm, H5DSset_label(dset, (unsigned)idx, label), label));
  PetscFunctionReturn(0);
}

/* Axis idx of dset has the dimension scale at file/path as its coordinate. */
PetscErrorCode MHH5AttachScale(MPI_Comm comm, hid_t dset, hid_t file, const char *path, PetscInt idx)
{
  PetscFunctionBeginUser;
  if (path) {
    hid_t scale = H5Dopen2(file, path, H5P_DEFAULT);
    PetscCall(MHH5Check(comm, scale, path));
    PetscCall(MHH5Check(comm, H5DSattach_scale(dset, scale, (unsigned)idx), path));
    H5Dclose(scale);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MHWriteRealAttr(MPI_Comm comm, hid_t obj, const char *name, PetscReal value)
{
  hid_t  space, attr;
  double v = (double)value;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(&v, 1, MPI_DOUBLE, 0, comm)); /* identical on every rank: see above */
  space = H5Screate(H5S_SCALAR);
  /* an existing one is written over where it is: no change to the file's structure */
  attr = H5Aexists(obj, name) > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : H5Acreate2(obj, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, attr, name));
  PetscCall(MHH5Check(comm, H5Awrite(attr, H5T_NATIVE_DOUBLE, &v), name));
  H5Aclose(attr);
  H5Sclose(space);
  PetscFunctionReturn(0);
}

/* An integer attribute (a count, a dimension): read back as an integer, not a float. */
PetscErrorCode MHWriteIntAttr(MPI_Comm comm, hid_t obj, const char *name, long long value)
{
  hid_t space = H5Screate(H5S_SCALAR), attr;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(&value, 1, MPI_LONG_LONG, 0, comm));
  attr = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, attr, name));
  PetscCall(MHH5Check(comm, H5Awrite(attr, H5T_NATIVE_LLONG, &value), name));
  H5Aclose(attr);
  H5Sclose(space);
  PetscFunctionReturn(0);
}

/* A small dataset written by rank 0 (creation is collective): n values (ncols = 0), or an
   n x ncols table. */
PetscErrorCode MHWriteSmall(MPI_Comm comm, hid_t loc, const char *name, PetscInt n, PetscInt ncols, const PetscReal *data, hid_t *keep)
{
  hsize_t     dims[2] = {(hsize_t)n, (hsize_t)ncols};
  hid_t       space   = H5Screate_simple(ncols ? 2 : 1, dims, NULL), dset;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  dset = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, dset, name));
  if (rank || !n) H5Sselect_none(space);
  PetscCall(MHH5Check(comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, space, space, H5P_DEFAULT, data), name));
  if (keep)
    *keep = dset;
  else
    H5Dclose(dset);
  H5Sclose(space);
  PetscFunctionReturn(0);
}

/* Access to a series the output keeps open: no chunk cache, so that its rows reach the file (and
   their chunks get their addresses) when written, not in the middle of a flush
   (MHOutputFlushSafely). */
hid_t MHSeriesAccess(void)
{
  hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
  H5Pset_chunk_cache(dapl, 0, 0, 1.0);
  return dapl;
}

/* An extendible table of ncols columns (ncols = 0: a 1-D series). */
PetscErrorCode MHCreateSeries(MPI_Comm comm, hid_t loc, const char *name, PetscInt ncols, hid_t *dset)
{
  int     rank    = ncols ? 2 : 1;
  hsize_t dims[2] = {0, (hsize_t)ncols}, maxd[2] = {H5S_UNLIMITED, (hsize_t)ncols}, chunk[2] = {256, (hsize_t)ncols};
  hid_t   space = H5Screate_simple(rank, dims, maxd), plist = H5Pcreate(H5P_DATASET_CREATE), dapl = MHSeriesAccess();

  PetscFunctionBeginUser;
  PetscCall(MHH5Check(comm, H5Pset_chunk(plist, rank, chunk), name));
  *dset = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, plist, dapl);
  PetscCall(MHH5Check(comm, *dset, name));
  H5Pclose(dapl);
  H5Pclose(plist);
  H5Sclose(space);
  PetscFunctionReturn(0);
}

/* Appends nrows rows (rank 0's data) to a series that holds `have` rows. */
PetscErrorCode MHAppendSeries(MPI_Comm comm, hid_t dset, PetscInt ncols, PetscInt have, PetscInt nrows, const PetscReal *data)
{
  int         rk      = ncols ? 2 : 1;
  hsize_t     size[2] = {(hsize_t)(have + nrows), (hsize_t)ncols}, start[2] = {(hsize_t)have, 0}, count[2] = {(hsize_t)nrows, (hsize_t)ncols};
  hid_t       fspace, mspace;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MHH5Check(comm, H5Dset_extent(dset, size), "extend series"));
  fspace = H5Dget_space(dset);
  mspace = H5Screate_simple(rk, count, NULL);
  if (rank) {
    H5Sselect_none(fspace);
    H5Sselect_none(mspace);
  } else
    PetscCall(MHH5Check(comm, H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL), "select"));
  PetscCall(MHH5Check(comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, data), "write series"));
  H5Sclose(mspace);
  H5Sclose(fspace);
  PetscFunctionReturn(0);
}

/* Whether path is a readable HDF5 file, tried by one rank with HDF5's own messages off. */
void MHH5Probe(const char *path, char *why, size_t len)
{
  struct stat   st;
  hid_t         file;
  unsigned char sig[8] = {0};
  FILE         *fp;

  why[0] = 0;
  if (stat(path, &st)) {
    snprintf(why, len, "%s", errno == ENOENT ? "no such file" : strerror(errno));
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    snprintf(why, len, "is a folder, not a file");
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(why, len, "is not a regular file");
    return;
  }
  if (!st.st_size) {
    snprintf(why, len, "is empty (0 bytes)");
    return;
  }
  if (!(fp = fopen(path, "rb"))) {
    snprintf(why, len, "cannot be read: %s", strerror(errno));
    return;
  }
  if (fread(sig, 1, sizeof sig, fp) != sizeof sig) sig[0] = 0;
  fclose(fp);
  if (memcmp(sig, "\211HDF\r\n\032\n", 8)) {
    snprintf(why, len, "is not an HDF5 file");
    return;
  }
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    snprintf(why, len, "is a damaged or truncated HDF5 file (%.0f bytes; HDF5 cannot open it)", (double)st.st_size);
    return;
  }
  H5Fclose(file);
}

/* Parallel HDF5 writes metadata only at sync points: at a flush, and whenever the dirty metadata
   passes a threshold (256 kB by default). With the threshold at its largest (32 MB) metadata
   reaches the disk only in the flushes microheal makes (MHOutputFlushSafely), each guarded
   against a kill in its middle; a sync point elsewhere would not be. */
PetscErrorCode MHH5FlushOnlyAtFlush(MPI_Comm comm, hid_t file)
{
  H5AC_cache_config_t cfg;

  PetscFunctionBeginUser;
  cfg.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  PetscCall(MHH5Check(comm, H5Fget_mdc_config(file, &cfg), "metadata cache"));
  cfg.dirty_bytes_threshold = 32 * 1024 * 1024;
  if (cfg.max_size < (size_t)cfg.dirty_bytes_threshold) cfg.max_size = (size_t)cfg.dirty_bytes_threshold;
  if (cfg.initial_size > cfg.max_size) cfg.initial_size = cfg.max_size;
  PetscCall(MHH5Check(comm, H5Fset_mdc_config(file, &cfg), "metadata cache"));
  PetscFunctionReturn(0);
}

PetscErrorCode MHH5CheckReadable(MPI_Comm comm, const char *option, const char *path)
{
  char        why[256] = "";
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) MHH5Probe(path, why, sizeof why);
  PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_OPEN, option, path, why, sizeof why));
  PetscFunctionReturn(0);
}

/* A string attribute of obj into buf ("" when it is missing or not a string). */
void MHH5StringAttr(hid_t obj, const char *name, char *buf, size_t len)
{
  hid_t attr, type;
  char *value = NULL;

  buf[0] = 0;
  if (H5Aexists(obj, name) <= 0) return;
  attr = H5Aopen(obj, name, H5P_DEFAULT);
  type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  if (attr >= 0 && H5Aread(attr, type, &value) >= 0 && value) snprintf(buf, len, "%s", value);
  if (value) H5free_memory(value);
  H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
}

/* The rank of dataset name (-1: there is none) and its extent in dims (up to 8 axes). */
int MHH5Shape(hid_t file, const char *name, hsize_t dims[8])
{
  hid_t dset, space;
  int   nd;

  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) return -1;
  dset  = H5Dopen2(file, name, H5P_DEFAULT);
  space = H5Dget_space(dset);
  nd    = H5Sget_simple_extent_ndims(space);
  if (nd >= 1 && nd <= 8) H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  H5Dclose(dset);
  return nd;
}

/* The length of the first axis of dataset name (-1: there is none), and of its second in ncols. */
long MHH5Rows(hid_t file, const char *name, long *ncols)
{
  hsize_t dims[8] = {0};
  int     nd      = MHH5Shape(file, name, dims);

  if (ncols) *ncols = nd >= 2 ? (long)dims[1] : 0;
  return nd >= 1 ? (long)dims[0] : -1;
}

/* Where the superblock on disk records the end of allocation: format 0 or 1 (what HDF5 writes by
   default; later formats carry a checksum and are left alone), 8-byte addresses, at byte 40
   (format 1: 44), relative to the base address (0: microheal writes no user block). 0: none. */
off_t MHH5EndOfAllocationAt(int fd)
{
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  unsigned char              sb[16];

  if (pread(fd, sb, sizeof sb, 0) != (ssize_t)sizeof sb || memcmp(sb, sig, sizeof sig) || sb[8] > 1 || sb[13] != 8) return 0;
  return sb[8] ? 44 : 40;
}

int MHH5EndOfAllocationGet(int fd, off_t at, uint64_t *eoa)
{
  unsigned char le[8];

  if (pread(fd, le, sizeof le, at) != (ssize_t)sizeof le) return -1;
  *eoa = 0;
  for (int b = 7; b >= 0; b--)
    *eoa = (*eoa << 8) | le[b];
  return 0;
}

int MHH5EndOfAllocationPut(int fd, off_t at, uint64_t eoa)
{
  unsigned char le[8];

  for (int b = 0; b < 8; b++)
    le[b] = (unsigned char)(eoa >> (8 * b));
  return pwrite(fd, le, sizeof le, at) == (ssize_t)sizeof le ? 0 : -1;
}

/* A small 1-D dataset of n reals, read by every rank; its length must be n. */
PetscErrorCode MHReadSmall(MPI_Comm comm, hid_t file, const char *what, const char *name, PetscInt n, PetscReal *data)
{
  hid_t   dset, space;
  hsize_t dims[1] = {0};

  PetscFunctionBeginUser;
  PetscCheck(H5Lexists(file, name, H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: no dataset %s; not a microheal checkpoint", what, name);
  dset  = H5Dopen2(file, name, H5P_DEFAULT);
  space = H5Dget_space(dset);
  if (H5Sget_simple_extent_ndims(space) == 1) H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  if ((PetscInt)dims[0] != n) H5Dclose(dset);
  PetscCheck((PetscInt)dims[0] == n, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: %s holds %d values, this run has %" PetscInt_FMT " (a checkpoint of another model or version?)", what, name, (int)dims[0], n);
  if (n) PetscCall(MHH5Check(comm, H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name));
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

/* A variable-length string attribute (as MHWriteStringAttr writes them) into buf. */
PetscErrorCode MHReadStringAttr(MPI_Comm comm, hid_t obj, const char *what, const char *name, char *buf, size_t len)
{
  hid_t attr, type;
  char *value = NULL;

  PetscFunctionBeginUser;
  PetscCheck(H5Aexists(obj, name) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: no attribute %s; not a microheal checkpoint", what, name);
  attr = H5Aopen(obj, name, H5P_DEFAULT);
  type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  PetscCall(MHH5Check(comm, H5Aread(attr, type, &value), name));
  PetscCall(PetscStrncpy(buf, value ? value : "", len));
  H5free_memory(value);
  H5Tclose(type);
  H5Aclose(attr);
  PetscFunctionReturn(0);
}

PetscErrorCode MHReadRealAttr(PetscViewer v, const char *what, const char *name, PetscReal *value)
{
  PetscBool has;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5HasAttribute(v, "/", name, &has));
  PetscCheck(has, PetscObjectComm((PetscObject)v), PETSC_ERR_FILE_UNEXPECTED, "%s: no attribute %s; not a microheal checkpoint", what, name);
  PetscCall(PetscViewerHDF5ReadAttribute(v, "/", name, PETSC_REAL, NULL, value));
  PetscFunctionReturn(0);
}
