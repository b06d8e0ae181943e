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
static const char *const axis_name[3] = {"x", "y", "z"};

PetscErrorCode MHOutputSetFromOptions(MHSim sim, PetscOptionItems *PetscOptionsObject)
{
  MHOutput *o       = &sim->out;
  PetscInt  spacing = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(o->path, sizeof o->path, "out/%s.h5", sim->d.model->name));
  PetscCall(PetscOptionsString("-output", "HDF5 output file ('none': no output)", "", o->path, o->path, sizeof o->path, NULL));
  PetscCall(PetscStrcasecmp(o->path, "none", &o->enabled));
  o->enabled = (PetscBool)!o->enabled;
  PetscCall(PetscOptionsBool("-output_overwrite", "Replace the files of an earlier run of this name: the output, its XDMF sidecar and its checkpoints (the old output only once the new run ends or writes its first checkpoint)", "", o->overwrite, &o->overwrite, NULL));
  o->xdmf = PETSC_TRUE;
  PetscCall(PetscOptionsBool("-output_xdmf", "Write the XDMF sidecar (<output>.xmf) that ParaView and VisIt open", "", o->xdmf, &o->xdmf, NULL));
  if (o->enabled) PetscCall(MHOutputXDMFPath(o->path, o->xdmf_path, sizeof o->xdmf_path));
  o->count = 20;
  PetscCall(PetscOptionsInt("-output_count", "Output times after t = 0", "", o->count, &o->count, NULL));
  PetscCheck(o->count >= 1, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-output_count %" PetscInt_FMT ": must be >= 1", o->count);
  PetscCall(MHOptionsCheckChoice(sim->comm, "-output_spacing", MHSpacings, 2));
  PetscCall(PetscOptionsEList("-output_spacing", "Spacing of the output times", "", MHSpacings, 2, MHSpacings[0], &spacing, NULL));
  o->log_spacing = (PetscBool)(spacing == 1);
  o->t_first     = 0;
  PetscCall(PetscOptionsString("-sweep_point", "Set by -sweep: the point this run is (stored in the output)", "", o->sweep_point, o->sweep_point, sizeof o->sweep_point, NULL));
  PetscCall(PetscOptionsString("-sweep_files", "Set by -sweep: its sweep file and base options file (their text is stored in the output)", "", o->sweep_files, o->sweep_files, sizeof o->sweep_files, NULL));
  PetscCall(PetscOptionsReal("-output_log_first", "First output time after 0 with log spacing (0: t_end * 1e-4)", "", o->t_first, &o->t_first, NULL));
  PetscCheck(o->t_first >= 0 && !PetscIsInfOrNanReal(o->t_first), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-output_log_first %g: must be >= 0", (double)o->t_first);
  PetscFunctionReturn(0);
}

static PetscErrorCode MHOutputTimes(MHSim sim)
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

static PetscErrorCode MHOutputWriteOutcomes(MHSim, const PetscReal *);

/* Bytes a snapshot of the fields takes. */
static double MHSnapshotBytes(MHSim sim)
{
  return 8.0 * (double)sim->d.model->nf * (double)sim->d.grid.n[0] * (double)sim->d.grid.n[1] * (double)sim->d.grid.n[2];
}

/* Rank 0 alone, before any HDF5 call: whether the run may write its output file and sidecar.
   Refuses a folder, and anything at the name (a file, a link, a dangling link) unless overwrite;
   creates the missing folders; takes the output's lock; checks that the whole output fits on its
   disk. why: empty, or what is wrong; *exists: something has the name. */
static void MHOutputCheckPaths(MHSim sim, char *why, size_t len, int *exists)
{
  MHOutput   *o = &sim->out;
  const char *kind;
  double      need, old = 0, avail;
  struct stat st;
  char        a[32], b[32];

  why[0] = 0;
  if (MHLockTake(o->path, &o->lock, why, len)) return; /* another run's output: say so first */
  kind    = MHPathKind(o->path);
  *exists = kind[0] != 0;
  if (*exists && !strcmp(kind, "a folder")) {
    snprintf(why, len, "is a folder; name a file");
    return;
  }
  if (*exists && !o->overwrite) {
    snprintf(why, len, "exists (%s); pass -output_overwrite to replace it, or choose another -output", kind);
    return;
  }
  if (*exists && strcmp(kind, "a file") && strcmp(kind, "a symbolic link")) {
    snprintf(why, len, "is %s; name a file", kind);
    return;
  }
  if (o->xdmf && MHPathExists(o->xdmf_path)) {
    kind = MHPathKind(o->xdmf_path);
    if (!strcmp(kind, "a folder") || (strcmp(kind, "a file") && strcmp(kind, "a symbolic link"))) {
      snprintf(why, len, "its XDMF sidecar %s is %s (remove it, or pass -output_xdmf 0)", o->xdmf_path, kind);
      return;
    }
    if (!o->overwrite) {
      snprintf(why, len, "its XDMF sidecar %s exists (%s); pass -output_overwrite to replace it, or choose another -output", o->xdmf_path, kind);
      return;
    }
  }
  {
    char dir[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN];
    MHPathSplit(o->path, dir, sizeof dir, base, sizeof base);
    MHRemoveOrphans(dir, base, "");
    MHPathSplit(o->xdmf_path, dir, sizeof dir, base, sizeof base);
    MHRemoveOrphans(dir, base, "");
  }
  /* the whole output on its disk; what it replaces is freed */
  need = (double)(o->count + 1 + sim->d.model->nevents) * (MHSnapshotBytes(sim) + (o->xdmf ? 800.0 + 300.0 * sim->d.model->nf : 0)) + 65536; /* + the sidecar's grid */
  if (*exists && !lstat(o->path, &st) && S_ISREG(st.st_mode)) old = (double)st.st_size;
  avail = MHFreeBytes(o->path);
  if (avail >= 0 && need > avail + old) {
    MHBytesText(need, a, sizeof a);
    MHBytesText(avail, b, sizeof b);
    snprintf(why, len, "the output would take about %s (%" PetscInt_FMT " snapshots of %.3g MB), but its disk has %s free: choose a smaller -output_count, a coarser grid, another folder, or -output none", a, o->count + 1, MHSnapshotBytes(sim) / 1e6, b);
    return;
  }
}

/* Appends the text of the options file path (read by rank 0), headed "# file: <path>", to *text,
   and its name to *names. */
static PetscErrorCode MHAppendConfigFile(PetscMPIInt rank, const char *path, char **text, char **names)
{
  FILE  *fp;
  long   size;
  size_t lnames = strlen(*names) + strlen(path) + 2, ltext, head = strlen(path) + 16;
  char  *grown;

  PetscFunctionBeginUser;
  PetscCall(PetscRealloc(lnames, names));
  MHStrlcat(*names, (*names)[0] ? "," : "", lnames);
  MHStrlcat(*names, path, lnames);
  if (rank || !(fp = fopen(path, "rb"))) PetscFunctionReturn(0);
  fseek(fp, 0, SEEK_END);
  size = ftell(fp);
  rewind(fp);
  ltext = strlen(*text) + head + (size_t)PetscMax(size, 0) + 1;
  PetscCall(PetscMalloc1(ltext, &grown));
  PetscCall(PetscStrcpy(grown, *text));
  PetscCall(PetscSNPrintf(grown + strlen(grown), head, "# file: %s\n", path));
  {
    size_t at = strlen(grown), got = size > 0 ? fread(grown + at, 1, (size_t)size, fp) : 0;
    grown[at + got] = 0;
  }
  fclose(fp);
  PetscCall(PetscFree(*text));
  *text = grown;
  PetscFunctionReturn(0);
}

/* Where the options came from: the command line, and the text of every options file named on
   it (-options_file, -options_file_yaml) or, for a point of a sweep, the sweep's files, read by
   rank 0. */
static PetscErrorCode MHWriteProvenance(MHSim sim, hid_t file)
{
  MPI_Comm    comm = sim->comm;
  int         argc;
  char      **argv, *cmd, *text, *names, host[256] = "", stamp[64] = "";
  size_t      lcmd = 1;
  PetscMPIInt rank;
  time_t      now = time(NULL);

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscGetArgs(&argc, &argv));
  for (int i = 0; i < argc; i++)
    lcmd += strlen(argv[i]) + 1;
  PetscCall(PetscCalloc1(lcmd, &cmd));
  for (int i = 0; i < argc; i++) {
    MHStrlcat(cmd, i ? " " : "", lcmd);
    MHStrlcat(cmd, argv[i], lcmd);
  }
  PetscCall(PetscCalloc1(1, &text));
  PetscCall(PetscCalloc1(1, &names));
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], "-options_file") && strcmp(argv[i], "-options_file_yaml")) continue;
    PetscCall(MHAppendConfigFile(rank, argv[i + 1], &text, &names));
    i++;
  }
  if (sim->out.sweep_files[0]) {
    char *save = NULL, files[sizeof sim->out.sweep_files];
    PetscCall(PetscStrncpy(files, sim->out.sweep_files, sizeof files));
    for (char *f = strtok_r(files, ",", &save); f; f = strtok_r(NULL, ",", &save))
      PetscCall(MHAppendConfigFile(rank, f, &text, &names));
  }
  gethostname(host, sizeof host - 1);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  PetscCall(MHWriteStringAttr(comm, file, "command_line", cmd));
  PetscCall(MHWriteStringAttr(comm, file, "config_files", names));
  PetscCall(MHWriteStringAttr(comm, file, "config_text", text));
  PetscCall(MHWriteStringAttr(comm, file, "hostname", host));
  PetscCall(MHWriteStringAttr(comm, file, "started_utc", stamp));
  if (sim->out.sweep_point[0]) PetscCall(MHWriteStringAttr(comm, file, "sweep_point", sim->out.sweep_point));
  PetscCall(PetscFree(cmd));
  PetscCall(PetscFree(text));
  PetscCall(PetscFree(names));
  PetscFunctionReturn(0);
}

/* /model: the model's description tables; /events: the times of its events. */
static PetscErrorCode MHWriteModelTables(MHSim sim)
{
  MHOutput *o    = &sim->out;
  MHModel   m    = sim->d.model;
  MPI_Comm  comm = sim->comm;
  hid_t     grp, dset;

  PetscFunctionBeginUser;
  grp = H5Gcreate2(o->file, "model", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, grp, "/model"));
  for (PetscInt i = 0; i < m->ntables; i++) {
    const MHTable *tab = &m->table[i];
    PetscCall(MHWriteSmall(comm, grp, tab->name, tab->nrows, tab->ncols, tab->data, &dset));
    PetscCall(MHWriteStringAttr(comm, dset, "description", tab->description));
    PetscCall(MHWriteStringAttr(comm, dset, "columns", tab->columns));
    PetscCall(MHWriteStringAttr(comm, dset, "units", tab->units));
    PetscCall(MHWriteStringAttr(comm, dset, "rows", tab->rows));
    H5Dclose(dset);
  }
  H5Gclose(grp);
  PetscCall(MHWriteSmall(comm, o->file, "events", m->nevents, 0, m->event_time, &dset));
  PetscCall(MHWriteStringAttr(comm, dset, "units", m->time_unit));
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

/* Rank 0 alone, before a restart touches its output: the output exists as the regular file the
   checkpoint's run wrote (same run id), and holds at least what the checkpoint counts. */
static void MHOutputCheckReopen(MHSim sim, char *why, size_t len)
{
  MHOutput   *o    = &sim->out;
  const char *kind = MHPathKind(o->path);
  char        id[64];
  hid_t       file;
  long        nt, nr, nc;

  why[0] = 0;
  if (!kind[0]) {
    snprintf(why, len, "the output %s that it continues does not exist (pass the -output of the run that wrote the checkpoint, or -output none)", o->path);
    return;
  }
  if (strcmp(kind, "a file")) {
    snprintf(why, len, "the output %s is %s; a restart writes only into the file its run created", o->path, kind);
    return;
  }
  MHH5Probe(o->path, why, len);
  if (why[0]) {
    char probe[256];
    snprintf(probe, sizeof probe, "%s", why);
    snprintf(why, len, "its output %s %s", o->path, probe);
    return;
  }
  if (MHLockTake(o->path, &o->lock, why, len)) return;
  file = H5Fopen(o->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  MHH5StringAttr(file, "run_id", id, sizeof id);
  nt = MHH5Rows(file, "time", NULL);
  nr = MHH5Rows(file, "monitors/table", &nc);
  if (nt < 0 || nr < 0)
    snprintf(why, len, "its output %s is not a microheal output", o->path);
  else if (strcmp(id, sim->run_id))
    snprintf(why, len, "the output %s is not the one this checkpoint continues: it was written by run %s, the checkpoint by run %s (was the output replaced by another run's?)", o->path, id[0] ? id : "(none recorded)", sim->run_id);
  else if (nt < o->nwritten || nr < o->nrows || nc != o->ncols)
    snprintf(why, len, "its output %s holds %ld snapshots and %ld monitor rows of %ld columns; the checkpoint counts %" PetscInt_FMT ", %" PetscInt_FMT " and %" PetscInt_FMT " (was it cut, or replaced?)", o->path, nt, nr, nc, o->nwritten, o->nrows, o->ncols);
  for (PetscInt f = 0; !why[0] && f < sim->d.model->nf; f++) {
    char name[MH_NAME_LEN + 16];
    long n;
    snprintf(name, sizeof name, "fields/%s", sim->d.model->field_name[f]);
    n = H5Lexists(file, "fields", H5P_DEFAULT) > 0 ? MHH5Rows(file, name, NULL) : -1;
    if ((n < 0 && o->nwritten) || n < o->nwritten) snprintf(why, len, "its output %s holds %ld snapshots of field %s; the checkpoint counts %" PetscInt_FMT, o->path, PetscMax(n, 0), sim->d.model->field_name[f], o->nwritten);
  }
  H5Fclose(file);
}

/* A restart: the output file the checkpoint counted, cut back to what the checkpoint counted (a
   run that went on after its last checkpoint wrote more), to continue the series. */
static PetscErrorCode MHOutputReopen(MHSim sim)
{
  MHOutput   *o    = &sim->out;
  MHModel     m    = sim->d.model;
  MPI_Comm    comm = sim->comm;
  PetscMPIInt rank;
  char        why[PETSC_MAX_PATH_LEN + 512] = "";
  hsize_t     dims[5];
  PetscInt    ncols;
  char      **cols;
  hid_t       space;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MHMonitorColumns(sim, &ncols, &cols));
  for (PetscInt c = 0; c < ncols; c++)
    PetscCall(PetscFree(cols[c]));
  PetscCall(PetscFree(cols));
  o->ncols = ncols;
  if (!rank) MHOutputCheckReopen(sim, why, sizeof why);
  PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_UNEXPECTED, "-restart", sim->chk.restart, why, sizeof why));
  PetscCall(PetscViewerHDF5Open(comm, o->path, FILE_MODE_APPEND, &o->viewer));
  PetscCall(PetscViewerHDF5GetFileId(o->viewer, &o->file));
  PetscCall(MHH5FlushOnlyAtFlush(comm, o->file));
  PetscCheck(H5Lexists(o->file, "time", H5P_DEFAULT) > 0 && H5Lexists(o->file, "monitors", H5P_DEFAULT) > 0 && H5Lexists(o->file, "monitors/table", H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-restart: %s is not a microheal output", o->path);
  {
    hid_t dapl    = MHSeriesAccess();
    o->dset_time  = H5Dopen2(o->file, "time", dapl);
    o->dset_table = H5Dopen2(o->file, "monitors/table", dapl);
    H5Pclose(dapl);
  }
  if (!rank) o->open_fd = open(o->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC); /* checked to be a regular file */
  space = H5Dget_space(o->dset_table);
  H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  PetscCheck((PetscInt)dims[1] == ncols && (PetscInt)dims[0] >= o->nrows, comm, PETSC_ERR_FILE_UNEXPECTED, "-restart: %s holds %d monitor rows of %d columns; the checkpoint counts %" PetscInt_FMT " of %" PetscInt_FMT " (an output of another run?)", o->path, (int)dims[0], (int)dims[1], o->nrows, ncols);
  dims[0] = (hsize_t)o->nrows;
  PetscCall(MHH5Check(comm, H5Dset_extent(o->dset_table, dims), "cut /monitors/table"));
  space = H5Dget_space(o->dset_time);
  H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  PetscCheck((PetscInt)dims[0] >= o->nwritten, comm, PETSC_ERR_FILE_UNEXPECTED, "-restart: %s holds %d snapshots; the checkpoint counts %" PetscInt_FMT, o->path, (int)dims[0], o->nwritten);
  o->cap_times = PetscMax(64, 2 * o->nwritten);
  PetscCall(PetscMalloc1(o->cap_times, &o->written_times));
  if (o->nwritten) {
    hsize_t start = 0, count = (hsize_t)o->nwritten;
    hid_t   fspace = H5Dget_space(o->dset_time), mspace = H5Screate_simple(1, &count, NULL);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL);
    PetscCall(MHH5Check(comm, H5Dread(o->dset_time, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, o->written_times), "read /time"));
    H5Sclose(mspace);
    H5Sclose(fspace);
  }
  dims[0] = (hsize_t)o->nwritten;
  PetscCall(MHH5Check(comm, H5Dset_extent(o->dset_time, dims), "cut /time"));
  for (PetscInt f = 0; f < m->nf; f++) {
    char  name[MH_NAME_LEN + 16];
    hid_t dset;
    PetscCall(PetscSNPrintf(name, sizeof name, "fields/%s", m->field_name[f]));
    if (H5Lexists(o->file, "fields", H5P_DEFAULT) <= 0 || H5Lexists(o->file, name, H5P_DEFAULT) <= 0) continue; /* none written yet */
    dset  = H5Dopen2(o->file, name, H5P_DEFAULT);
    space = H5Dget_space(dset);
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    dims[0] = (hsize_t)o->nwritten;
    PetscCall(MHH5Check(comm, H5Dset_extent(dset, dims), name));
    H5Dclose(dset);
  }
  o->xdmf_steps = -1;
  PetscCall(MHOutputWriteXDMF(sim, PETSC_TRUE));
  PetscCall(DMCreateGlobalVector(sim->d.grid.da1, &o->field));
  PetscCall(MHH5Check(comm, H5Fflush(o->file, H5F_SCOPE_GLOBAL), "flush"));
  PetscFunctionReturn(0);
}

PetscErrorCode MHOutputOpen(MHSim sim)
{
  MHOutput   *o    = &sim->out;
  MHModel     m    = sim->d.model;
  MPI_Comm    comm = sim->comm;
  PetscMPIInt rank, size;
  int         exists                      = 0;
  char        why[3 * PETSC_MAX_PATH_LEN] = "";
  hid_t       grp;
  char       *opts, version[256], buf[MH_MAX_FIELDS * (MH_NAME_LEN + 2)];
  PetscInt    ncols;
  char      **cols;

  PetscFunctionBeginUser;
  o->open_fd  = -1;
  o->eoa_disk = 0;
  o->dxpl     = -1;
  if (!o->enabled || sim->restarted) {
    PetscCall(MHCheckpointCheckPaths(sim, PETSC_FALSE));
    PetscCall(MHOutputTimes(sim));
    if (o->enabled) PetscCall(MHOutputReopen(sim));
    if (o->enabled) PetscCall(MHOutputWriteOutcomes(sim, NULL)); /* not reached again yet */
    PetscFunctionReturn(0);
  }
  PetscCall(PetscLogEventBegin(MH_EVENT_OUTPUT, 0, 0, 0, 0));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (!rank) MHOutputCheckPaths(sim, why, sizeof why, &exists);
  PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_OPEN, "-output", o->path, why, sizeof why));
  PetscCallMPI(MPI_Bcast(&exists, 1, MPI_INT, 0, comm));
  PetscCall(MHCheckpointCheckPaths(sim, PETSC_FALSE));
  PetscCall(MHOutputTimes(sim));
  /* the file is written under a temporary name, renamed into place once the run has passed its
     checks (a new file, after the first step) or has ended (a replacement: MHOutputCommit) */
  o->pending   = PETSC_TRUE;
  o->replacing = (PetscBool)exists;
  if (!rank && (o->open_fd = MHFileTemp(o->path, o->open_path, sizeof o->open_path, why, sizeof why)) < 0) { }
  PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_OPEN, "-output", o->path, why, sizeof why));
  PetscCallMPI(MPI_Bcast(o->open_path, sizeof o->open_path, MPI_CHAR, 0, comm));
  MHErrorIOSet(o->path);
  PetscCall(PetscViewerHDF5Open(comm, o->open_path, FILE_MODE_WRITE, &o->viewer));
  PetscCall(PetscViewerHDF5GetFileId(o->viewer, &o->file));
  PetscCall(MHH5FlushOnlyAtFlush(comm, o->file));
  if (!rank && !MHFileIsStill(o->open_fd, o->open_path)) PetscCall(PetscSNPrintf(why, sizeof why, "its temporary file %s was replaced by another program while it was opened", o->open_path));
  PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_OPEN, "-output", o->path, why, sizeof why));

  /* provenance */
  PetscCall(PetscGetVersion(version, sizeof version));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  PetscCall(MHWriteStringAttr(comm, o->file, "model", m->name));
  PetscCall(MHWriteStringAttr(comm, o->file, "run_id", sim->run_id));
  PetscCall(MHWriteStringAttr(comm, o->file, "version", MH_VERSION));
  PetscCall(MHWriteStringAttr(comm, o->file, "git_revision", MH_GIT_REVISION));
  PetscCall(MHWriteStringAttr(comm, o->file, "petsc_version", version));
  PetscCall(MHWriteIntAttr(comm, o->file, "mpi_ranks", size));
  PetscCall(MHWriteIntAttr(comm, o->file, "dim", sim->d.grid.dim));
  PetscCall(MHWriteStringAttr(comm, o->file, "length_unit", m->length_unit));
  PetscCall(MHWriteStringAttr(comm, o->file, "time_unit", m->time_unit));
  PetscCall(MHWriteStringAttr(comm, o->file, "options", opts));
  PetscCall(PetscFree(opts));
  PetscCall(MHWriteProvenance(sim, o->file));
  buf[0] = 0;
  for (PetscInt f = 0; f < m->nf; f++) {
    MHStrlcat(buf, f ? "," : "", sizeof buf);
    MHStrlcat(buf, m->field_name[f], sizeof buf);
  }
  PetscCall(MHWriteStringAttr(comm, o->file, "field_names", buf));
  buf[0] = 0;
  for (PetscInt f = 0; f < m->nf; f++) {
    MHStrlcat(buf, f ? "," : "", sizeof buf);
    MHStrlcat(buf, m->field_unit[f], sizeof buf);
  }
  PetscCall(MHWriteStringAttr(comm, o->file, "field_units", buf));

  PetscCall(MHOutputWriteOutcomes(sim, NULL));

  /* parameters */
  grp = H5Gcreate2(o->file, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, grp, "/parameters"));
  {
    size_t len = 1;
    char  *units;
    for (PetscInt i = 0; i < m->nparams; i++)
      len += strlen(m->param[i].name) + strlen(m->param[i].unit) + strlen(m->param[i].text) + 8;
    PetscCall(PetscCalloc1(len, &units));
    for (PetscInt i = 0; i < m->nparams; i++) {
      const MHParam *p = &m->param[i];
      if (p->text[0])
        PetscCall(MHWriteStringAttr(comm, grp, p->name, p->text));
      else
        PetscCall(MHWriteRealAttr(comm, grp, p->name, p->value));
      MHStrlcat(units, p->name, len);
      MHStrlcat(units, ": ", len);
      MHStrlcat(units, p->unit, len);
      MHStrlcat(units, "\n", len);
    }
    PetscCall(MHWriteStringAttr(comm, grp, "units", units));
    PetscCall(PetscFree(units));
  }
  H5Gclose(grp);

  PetscCall(MHWriteModelTables(sim));

  /* grid */
  grp = H5Gcreate2(o->file, "grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, grp, "/grid"));
  for (PetscInt a = 0; a < sim->d.grid.dim; a++) {
    char name[32];
    PetscCall(MHWriteSmall(comm, grp, axis_name[sim->d.grid.phys[a]], sim->d.grid.n[a], 0, sim->d.grid.centres[a], NULL));
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_faces", axis_name[sim->d.grid.phys[a]]));
    PetscCall(MHWriteSmall(comm, grp, name, sim->d.grid.n[a] + 1, 0, sim->d.grid.faces[a], NULL));
  }
  PetscCall(MHWriteStringAttr(comm, grp, "units", m->length_unit));
  for (PetscInt a = 0; a < sim->d.grid.dim; a++)
    for (PetscInt side = 0; side < 2; side++) {
      char name[32];
      PetscCall(PetscSNPrintf(name, sizeof name, "bc_%s_%s", axis_name[sim->d.grid.phys[a]], side ? "max" : "min"));
      PetscCall(MHWriteStringAttr(comm, grp, name, MHBCTypes[sim->d.grid.bc[a][side].type]));
    }
  H5Gclose(grp);

  /* series */
  PetscCall(MHCreateSeries(comm, o->file, "time", 0, &o->dset_time));
  PetscCall(MHWriteStringAttr(comm, o->dset_time, "units", m->time_unit));
  grp = H5Gcreate2(o->file, "monitors", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, grp, "/monitors"));
  PetscCall(MHMonitorColumns(sim, &ncols, &cols));
  o->ncols = ncols;
  PetscCall(MHCreateSeries(comm, grp, "table", ncols, &o->dset_table));
  {
    size_t len = 1;
    char  *all;
    for (PetscInt c = 0; c < ncols; c++)
      len += strlen(cols[c]) + 1;
    PetscCall(PetscCalloc1(len, &all));
    for (PetscInt c = 0; c < ncols; c++) {
      MHStrlcat(all, c ? "," : "", len);
      MHStrlcat(all, cols[c], len);
      PetscCall(PetscFree(cols[c]));
    }
    PetscCall(PetscFree(cols));
    PetscCall(MHWriteStringAttr(comm, o->dset_table, "columns", all));
    PetscCall(PetscFree(all));
  }
  H5Gclose(grp);
  PetscCall(DMCreateGlobalVector(sim->d.grid.da1, &o->field));
  MHErrorIOSet(NULL);
  PetscCall(PetscLogEventEnd(MH_EVENT_OUTPUT, 0, 0, 0, 0));
  if (!o->replacing) PetscCall(MHOutputCommit(sim, PETSC_FALSE)); /* a new file: at its name from the first snapshot on */
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
   tests/fault_kill.py 0 all). HDF5 does not tell the end of allocation it holds in memory under
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
  H5Dclose(dset);
  if (!k) {
    PetscCall(PetscSNPrintf(path, sizeof path, "/fields/%s", name));
    PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, path, "timestepping", PETSC_BOOL, &tru));
    PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, path, "units", PETSC_STRING, unit));
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
static PetscErrorCode MHOutputWriteOutcomes(MHSim sim, const PetscReal *values)
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
