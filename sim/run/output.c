/* Parallel HDF5 output. Fields go through PETSc's HDF5 viewer (one dataset per field, one row per
   output time); the time values, grid, monitor table and provenance are written with the HDF5 API
   on the viewer's file. The file is flushed after every output, so a killed run keeps each step
   already written. Layout (documented in the README):

     /                    attributes: model, version, git_revision, petsc_version, mpi_ranks, dim,
                          length_unit, time_unit, field_names, field_units, options
     /time                (nt)            output times [time unit]
     /fields/<name>       (nt, [nz], [ny], nx) one dataset per field; attribute units
     /grid/<axis>         cell centres; /grid/<axis>_faces cell faces [length unit]
     /monitors/table      (nsteps, ncols) one row per accepted step; attribute columns
     /parameters          one attribute per model parameter; attribute units
     /outcomes            final outcomes as attributes (written at the end) */
#include "mhrun.h"
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <time.h>

static const char *const MHSpacings[] = {"linear", "log", "MHSpacing", "MH_SPACING_", NULL};

PetscErrorCode MHOutputSetFromOptions(MHSim sim, PetscOptionItems *PetscOptionsObject)
{
  MHOutput *o       = &sim->out;
  PetscInt  spacing = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(o->path, sizeof o->path, "out/%s.h5", sim->d.model->name));
  PetscCall(PetscOptionsString("-output", "HDF5 output file ('none': no output)", "file", o->path, o->path, sizeof o->path, NULL));
  PetscCall(PetscStrcasecmp(o->path, "none", &o->enabled));
  o->enabled = (PetscBool)!o->enabled;
  PetscCall(PetscOptionsBool("-output_overwrite", "Replace the files of an earlier run of this name: the output, its XDMF sidecar and its checkpoints (the old output only once the new run ends or writes its first checkpoint)", "flag", o->overwrite, &o->overwrite, NULL));
  o->xdmf = PETSC_TRUE;
  PetscCall(PetscOptionsBool("-output_xdmf", "Write the XDMF sidecar (<output>.xmf) that ParaView and VisIt open", "flag", o->xdmf, &o->xdmf, NULL));
  if (o->enabled) PetscCall(MHOutputXDMFPath(o->path, o->xdmf_path, sizeof o->xdmf_path));
  o->count = 20;
  PetscCall(PetscOptionsInt("-output_count", "Output times after t = 0", "count", o->count, &o->count, NULL));
  PetscCheck(o->count >= 1, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-output_count %" PetscInt_FMT ": must be >= 1", o->count);
  PetscCall(MHOptionsCheckChoice(sim->comm, "-output_spacing", MHSpacings, 2));
  PetscCall(PetscOptionsEList("-output_spacing", "Spacing of the output times", "choice", MHSpacings, 2, MHSpacings[0], &spacing, NULL));
  o->log_spacing = (PetscBool)(spacing == 1);
  o->t_first     = 0;
  /* set by -sweep for each point (internal: not listed by -help) */
  PetscCall(PetscOptionsGetString(NULL, NULL, "-sweep_point", o->sweep_point, sizeof o->sweep_point, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-sweep_files", o->sweep_files, sizeof o->sweep_files, NULL));
  PetscCall(PetscOptionsReal("-output_log_first", "First output time after 0 with log spacing (0: t_end * 1e-4)", sim->d.model->time_unit, o->t_first, &o->t_first, NULL));
  PetscCheck(o->t_first >= 0 && !PetscIsInfOrNanReal(o->t_first), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-output_log_first %g: must be >= 0", (double)o->t_first);
  PetscFunctionReturn(0);
}

PetscErrorCode MHOutputTimes(MHSim sim)
{
  MHOutput *o = &sim->out;
  PetscReal T = sim->t_end, t1 = o->t_first > 0 ? o->t_first : 1e-4 * T;

  PetscFunctionBeginUser;
  if (!o->enabled) { /* no output: no output times (however many -output_count asks for) */
    o->ntimes = 0;
    if (!sim->restarted) o->next = 0;
    PetscFunctionReturn(0);
  }
  o->ntimes = o->count + 1;
  PetscCall(PetscMalloc1(o->ntimes, &o->times));
  o->times[0] = 0;
  if (o->log_spacing) PetscCheck(t1 < T, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-output_log_first %g: must be below the end time %g", (double)t1, (double)T);
  for (PetscInt k = 1; k <= o->count; k++) {
    if (!o->log_spacing)
      o->times[k] = T * k / o->count;
    else
      o->times[k] = o->count == 1 ? T : t1 * PetscPowReal(T / t1, (PetscReal)(k - 1) / (o->count - 1));
  }
  o->times[o->count] = T;
  /* a snapshot just after every event inside the run */
  for (PetscInt e = 0; e < sim->d.model->nevents; e++) {
    PetscReal te = sim->d.model->event_time[e], tol = 1e-12 * PetscMax(1.0, T);
    PetscInt  at   = 0;
    PetscBool have = PETSC_FALSE;
    if (te <= 0 || te >= T) continue;
    for (PetscInt k = 0; k < o->ntimes; k++)
      if (PetscAbsReal(o->times[k] - te) <= tol) have = PETSC_TRUE;
    if (have) continue;
    PetscReal *times;
    PetscCall(PetscMalloc1(o->ntimes + 1, &times));
    while (at < o->ntimes && o->times[at] < te)
      at++;
    for (PetscInt k = 0, j = 0; k <= o->ntimes; k++)
      times[k] = k == at ? te : o->times[j++];
    PetscCall(PetscFree(o->times));
    o->times = times;
    o->ntimes++;
  }
  if (!sim->restarted) o->next = 0; /* a restart restored it */
  PetscFunctionReturn(0);
}

/* The output takes its final name: a new file (nothing had the name) as soon as its header is
   written, so that a killed run keeps every snapshot; a file that replaces another only at the
   end of the run or at its first checkpoint (final), so that a run that fails leaves the old
   file as it was. The sidecar follows. */
PetscErrorCode MHOutputCommit(MHSim sim, PetscBool final)
{
  MHOutput   *o                           = &sim->out;
  char        why[2 * PETSC_MAX_PATH_LEN] = "";
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!o->pending || (o->replacing && !final)) PetscFunctionReturn(0);
  PetscCall(MHOutputFlush(sim));
  PetscCallMPI(MPI_Comm_rank(sim->comm, &rank));
  if (!rank) {
    if (!MHFileIsStill(o->open_fd, o->open_path))
      snprintf(why, sizeof why, "its temporary file %s was moved or replaced by another program; nothing was replaced", o->open_path);
    else if (fsync(o->open_fd) && errno != EINVAL)
      snprintf(why, sizeof why, "cannot write %s: %s", o->open_path, strerror(errno));
    else
      MHFilePlace(o->open_path, o->path, o->replacing, why, sizeof why);
  }
  PetscCall(MHCheckWhy(sim->comm, PETSC_ERR_FILE_WRITE, "-output", o->path, why, sizeof why));
  o->pending = PETSC_FALSE;
  PetscCall(PetscStrcpy(o->open_path, o->path));
  PetscCall(MHOutputWriteXDMF(sim, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode MHOutputAppendRow(MHSim sim, const PetscReal row[])
{
  MHOutput *o = &sim->out;

  PetscFunctionBeginUser;
  if (!o->enabled) PetscFunctionReturn(0);
  if (o->nbuf == o->capbuf) {
    PetscReal *bigger;
    o->capbuf = PetscMax(64, 2 * o->capbuf);
    PetscCall(PetscMalloc1(o->capbuf * o->ncols, &bigger));
    if (o->nbuf) PetscCall(PetscArraycpy(bigger, o->rows, o->nbuf * o->ncols));
    PetscCall(PetscFree(o->rows));
    o->rows = bigger;
  }
  PetscCall(PetscArraycpy(&o->rows[o->nbuf * o->ncols], row, o->ncols));
  o->nbuf++;
  PetscFunctionReturn(0);
}

/* After the outputs of a step: the file flushed (a killed run keeps every step written) and the
   sidecar brought up to date. Once per step, not per output: a step may cover thousands. */
PetscErrorCode MHOutputStepDone(MHSim sim)
{
  PetscFunctionBeginUser;
  if (!sim->out.enabled) PetscFunctionReturn(0);
  MHErrorIOSet(sim->out.path);
  PetscCall(MHOutputFlush(sim));
  PetscCall(MHOutputWriteXDMF(sim, PETSC_FALSE));
  MHErrorIOSet(NULL);
  PetscFunctionReturn(0);
}

/* A flush writes the metadata of what the step added (B-tree nodes, object headers, each at its
   place in the file, one write each) and the superblock last. A run killed between those writes
   left metadata that points past the end of allocation the old superblock records, and the file
   did not open ("addr overflow"; measured by killing a run before each of its writes in turn:
   tests/fault/fault_kill.py 0 all). HDF5 does not tell the end of allocation it holds in memory under
   the MPI-IO driver, so before the flush rank 0 raises the one on disk to a bound of it: the end
   of the data written (fstat) plus as much again as the step wrote past the old end, and at least
   1 MiB, for the metadata the step allocated (a few kB a step; tens of kB for the first
   snapshot); the file is grown to it first (HDF5 refuses a file shorter than its end of
   allocation). Whatever the flush then writes lies inside. After the flush the superblock holds
   HDF5's own value again (or, when the flush did not rewrite it, the previous one is put back)
   and the file is cut to it. Barriers on both sides: every rank's data is written before rank 0
   measures, and no rank writes the next step's data before rank 0 has cut. */
static PetscErrorCode MHOutputFlushSafely(MHSim sim)
{
  MHOutput   *o                             = &sim->out;
  char        why[PETSC_MAX_PATH_LEN + 128] = "";
  PetscMPIInt rank;
  off_t       at    = 0;
  uint64_t    bound = 0, now = 0;
  struct stat st;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(sim->comm, &rank));
  PetscCallMPI(MPI_Barrier(sim->comm));
  if (!rank && o->open_fd >= 0 && (at = MHH5EndOfAllocationAt(o->open_fd))) {
    if (!o->eoa_disk && MHH5EndOfAllocationGet(o->open_fd, at, &o->eoa_disk)) at = 0;
    if (at && !fstat(o->open_fd, &st)) {
      uint64_t end = (uint64_t)st.st_size, grew = end > o->eoa_disk ? end - o->eoa_disk : 0;
      bound = PetscMax(end, o->eoa_disk) + PetscMax((uint64_t)1 << 20, grew);
      if ((end < bound && ftruncate(o->open_fd, (off_t)bound)) || MHH5EndOfAllocationPut(o->open_fd, at, bound)) snprintf(why, sizeof why, "cannot write %s: %s", o->open_path, strerror(errno));
    }
  }
  PetscCall(MHCheckWhy(sim->comm, PETSC_ERR_FILE_WRITE, "-output", o->path, why, sizeof why));
  PetscCall(MHH5Check(sim->comm, H5Fflush(o->file, H5F_SCOPE_GLOBAL), "flush"));
  if (at && bound) {
    if (MHH5EndOfAllocationGet(o->open_fd, at, &now) || (now == bound && MHH5EndOfAllocationPut(o->open_fd, at, now = o->eoa_disk)) || fstat(o->open_fd, &st) || ((uint64_t)st.st_size > now && ftruncate(o->open_fd, (off_t)now)))
      snprintf(why, sizeof why, "cannot write %s: %s", o->open_path, strerror(errno));
    o->eoa_disk = now;
  }
  PetscCall(MHCheckWhy(sim->comm, PETSC_ERR_FILE_WRITE, "-output", o->path, why, sizeof why));
  PetscFunctionReturn(0);
}

PetscErrorCode MHOutputFlush(MHSim sim)
{
  MHOutput *o = &sim->out;

  PetscFunctionBeginUser;
  if (!o->enabled || !o->viewer) PetscFunctionReturn(0);
  if (o->nbuf) {
    PetscCall(MHAppendSeries(sim->comm, o->dset_table, o->ncols, o->nrows, o->nbuf, o->rows));
    o->nrows += o->nbuf;
    o->nbuf = 0;
  }
  PetscCall(MHOutputFlushSafely(sim));
  PetscFunctionReturn(0);
}

/* Snapshot k of one field into /fields/<name>, laid out as PETSc's DMDA VecView lays it out
   ([snapshot, (z,) (y,) x], attribute timestepping, so that VecLoad reads it back:
   -initial_condition_file), but written here: PETSc flushes the file after every dataset it
   writes, an fsync each and each a moment where a kill left metadata the superblock did not yet
   cover; here a snapshot flushes once (MHOutputFlushSafely). One chunk a snapshot (per process
   block when a snapshot is over 1 GiB: HDF5's chunks stop at 4 GiB). */
static PetscErrorCode MHWriteFieldSnapshot(MHSim sim, hid_t grp, const char *name, const char *unit, Vec field, PetscInt k)
{
  MHOutput          *o  = &sim->out;
  DM                 da = sim->d.grid.da1;
  PetscInt           dim, M, N, P, pm, pn, pp, xs, ys, zs, xm, ym, zm, r = 0;
  hsize_t            dims[4], maxd[4], chunk[4], start[4], count[4];
  hid_t              dset, fspace, mspace, dapl = MHSeriesAccess();
  const PetscScalar *x;
  PetscBool          tru = PETSC_TRUE;
  char               path[MH_NAME_LEN + 16];

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, &dim, &M, &N, &P, &pm, &pn, &pp, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &xs, &ys, &zs, &xm, &ym, &zm));
  const PetscInt  n[3] = {M, N, P}, np[3] = {pm, pn, pp}, s0[3] = {xs, ys, zs}, c[3] = {xm, ym, zm};
  const PetscBool big = (PetscBool)(8.0 * (double)M * (double)N * (double)P > 1073741824.0);
  dims[r] = (hsize_t)k + 1, maxd[r] = H5S_UNLIMITED, chunk[r] = 1, start[r] = (hsize_t)k, count[r] = 1, r++;
  for (PetscInt d = dim - 1; d >= 0; d--, r++) {
    dims[r] = maxd[r] = (hsize_t)n[d];
    chunk[r]          = (hsize_t)(big ? (n[d] + np[d] - 1) / np[d] : n[d]);
    start[r]          = (hsize_t)s0[d];
    count[r]          = (hsize_t)c[d];
  }
  if (H5Lexists(grp, name, H5P_DEFAULT) > 0) {
    dset = H5Dopen2(grp, name, dapl);
    PetscCall(MHH5Check(sim->comm, dset, name));
    PetscCall(MHH5Check(sim->comm, H5Dset_extent(dset, dims), name));
  } else {
    hid_t space = H5Screate_simple(r, dims, maxd), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    PetscCall(MHH5Check(sim->comm, H5Pset_chunk(dcpl, r, chunk), name));
    dset = H5Dcreate2(grp, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, dcpl, dapl);
    PetscCall(MHH5Check(sim->comm, dset, name));
    /* its axes: /time, then the grid's cell centres, (z,) (y,) x (dimension scales) */
    PetscCall(MHH5AttachScale(sim->comm, dset, o->file, "/time", 0));
    PetscCall(MHH5Label(sim->comm, dset, 0, "time"));
    for (PetscInt i = 1; i < r; i++) {
      char axis[32];
      PetscCall(PetscSNPrintf(axis, sizeof axis, "/grid/%s", MHAxisNames[sim->d.grid.phys[dim - i]]));
      PetscCall(MHH5AttachScale(sim->comm, dset, o->file, axis, i));
      PetscCall(MHH5Label(sim->comm, dset, i, MHAxisNames[sim->d.grid.phys[dim - i]]));
    }
    H5Pclose(dcpl);
    H5Sclose(space);
  }
  H5Pclose(dapl);
  fspace = H5Dget_space(dset);
  mspace = H5Screate_simple(r, count, NULL);
  PetscCall(MHH5Check(sim->comm, H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL), name));
  PetscCall(VecGetArrayRead(field, &x));
  PetscCall(MHH5Check(sim->comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, o->dxpl, x), name));
  PetscCall(VecRestoreArrayRead(field, &x));
  H5Sclose(mspace);
  H5Sclose(fspace);
  if (!k) PetscCall(MHWriteStringAttr(sim->comm, dset, "units", unit)); /* UTF-8, as every string attribute */
  H5Dclose(dset);
  if (!k) {
    PetscCall(PetscSNPrintf(path, sizeof path, "/fields/%s", name));
    PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, path, "timestepping", PETSC_BOOL, &tru));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MHOutputWriteFields(MHSim sim, PetscReal t, Vec U)
{
  MHOutput *o = &sim->out;
  MHModel   m = sim->d.model;
  hid_t     grp;

  PetscFunctionBeginUser;
  if (!o->enabled) PetscFunctionReturn(0);
  PetscCall(PetscLogEventBegin(MH_EVENT_OUTPUT, 0, 0, 0, 0));
  MHErrorIOSet(o->path);
  if (o->dxpl < 0) {
    o->dxpl = H5Pcreate(H5P_DATASET_XFER);
    PetscCall(MHH5Check(sim->comm, H5Pset_dxpl_mpio(o->dxpl, H5FD_MPIO_COLLECTIVE), "collective transfer"));
  }
  grp = H5Lexists(o->file, "fields", H5P_DEFAULT) > 0 ? H5Gopen2(o->file, "fields", H5P_DEFAULT) : H5Gcreate2(o->file, "fields", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(sim->comm, grp, "/fields"));
  for (PetscInt f = 0; f < m->nf; f++) {
    PetscCall(VecStrideGather(U, f, o->field, INSERT_VALUES));
    PetscCall(MHWriteFieldSnapshot(sim, grp, m->field_name[f], m->field_unit[f], o->field, o->nwritten));
  }
  H5Gclose(grp);
  /* the fields' metadata reaches the file before /time counts their snapshot: a flush writes what
     changed in an order of HDF5's own (measured: B-tree nodes, then object headers one by one), so
     a run killed in a flush that held both could leave /time longer than a field */
  PetscCall(MHOutputFlushSafely(sim));
  PetscCall(MHAppendSeries(sim->comm, o->dset_time, 0, o->nwritten, 1, &t));
  if (o->nwritten == o->cap_times) {
    o->cap_times = PetscMax(64, 2 * o->cap_times);
    PetscCall(PetscRealloc(o->cap_times * sizeof(PetscReal), &o->written_times));
  }
  o->written_times[o->nwritten++] = t;
  MHErrorIOSet(NULL);
  PetscCall(PetscLogEventEnd(MH_EVENT_OUTPUT, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* /outcomes: one attribute per outcome. Made with NaN (not reached yet) with the file's header,
   and written over in place at the end, so that the end of a run changes no structure of the file
   (a kill in its last flush left a root group whose new entry's heap was half written). */
PetscErrorCode MHOutputWriteOutcomes(MHSim sim, const PetscReal *values)
{
  MHOutput *o = &sim->out;
  MHModel   m = sim->d.model;
  hid_t     grp;

  PetscFunctionBeginUser;
  if (!m->noutcomes) PetscFunctionReturn(0);
  grp = H5Lexists(o->file, "outcomes", H5P_DEFAULT) > 0 ? H5Gopen2(o->file, "outcomes", H5P_DEFAULT) : H5Gcreate2(o->file, "outcomes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(sim->comm, grp, "/outcomes"));
  for (PetscInt k = 0; k < m->noutcomes; k++)
    PetscCall(MHWriteRealAttr(sim->comm, grp, m->outcome_name[k], values ? values[k] : (PetscReal)NAN));
  H5Gclose(grp);
  PetscFunctionReturn(0);
}

PetscErrorCode MHOutputClose(MHSim sim)
{
  MHOutput *o = &sim->out;

  PetscFunctionBeginUser;
  if (o->viewer) PetscCall(MHOutputWriteXDMF(sim, PETSC_TRUE));
  MHLockRelease(&o->lock);
  MHLockRelease(&sim->chk.lock);
  PetscCall(PetscFree(o->times));
  PetscCall(PetscFree(o->rows));
  PetscCall(PetscFree(o->written_times));
  o->cap_times = 0;
  o->nbuf = o->capbuf = 0;
  if (!o->viewer) {
    if (o->open_fd >= 0) close(o->open_fd);
    o->open_fd = -1;
    PetscFunctionReturn(0);
  }
  PetscCall(MHOutputWriteOutcomes(sim, sim->outcomes));
  PetscCall(MHOutputFlush(sim)); /* closing the file then writes the superblock alone */
  H5Dclose(o->dset_time);
  H5Dclose(o->dset_table);
  if (o->dxpl >= 0) H5Pclose(o->dxpl);
  o->dxpl = -1;
  PetscCall(VecDestroy(&o->field));
  PetscCall(PetscViewerDestroy(&o->viewer));
  if (o->open_fd >= 0) close(o->open_fd);
  o->open_fd = -1;
  PetscFunctionReturn(0);
}
