/* The output file's opening: the checks before anything is written (paths, disk space), the
   header of a new output (provenance, grid, parameters, model tables) and the reopening of the
   output a restart continues. The layout is in output.c. */
#include "mhrun.h"
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

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
  { /* each value's status and source, where the model gives them: "name: status; source" lines */
    size_t len = 1;
    char  *status;
    for (PetscInt i = 0; i < m->nparams; i++)
      if (m->param[i].status[0]) len += strlen(m->param[i].name) + strlen(m->param[i].status) + strlen(m->param[i].source) + 8;
    if (len > 1) {
      PetscCall(PetscCalloc1(len, &status));
      for (PetscInt i = 0; i < m->nparams; i++) {
        const MHParam *p = &m->param[i];
        if (!p->status[0]) continue;
        MHStrlcat(status, p->name, len);
        MHStrlcat(status, ": ", len);
        MHStrlcat(status, p->status, len);
        if (p->source[0]) {
          MHStrlcat(status, "; ", len);
          MHStrlcat(status, p->source, len);
        }
        MHStrlcat(status, "\n", len);
      }
      PetscCall(MHWriteStringAttr(comm, grp, "status", status));
      PetscCall(PetscFree(status));
    }
  }
  H5Gclose(grp);

  PetscCall(MHWriteModelTables(sim));

  /* grid */
  grp = H5Gcreate2(o->file, "grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, grp, "/grid"));
  for (PetscInt a = 0; a < sim->d.grid.dim; a++) {
    char name[32];
    PetscCall(MHWriteSmall(comm, grp, MHAxisNames[sim->d.grid.phys[a]], sim->d.grid.n[a], 0, sim->d.grid.centres[a], NULL));
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_faces", MHAxisNames[sim->d.grid.phys[a]]));
    PetscCall(MHWriteSmall(comm, grp, name, sim->d.grid.n[a] + 1, 0, sim->d.grid.faces[a], NULL));
  }
  for (PetscInt a = 0; a < sim->d.grid.dim; a++) { /* the cell centres: the fields' coordinates */
    const char *axis = MHAxisNames[sim->d.grid.phys[a]];
    char        name[32];
    hid_t       dset;
    PetscCall(MHH5MakeScale(comm, grp, axis, axis));
    for (PetscInt faces = 0; faces < 2; faces++) {
      PetscCall(PetscSNPrintf(name, sizeof name, faces ? "%s_faces" : "%s", axis));
      dset = H5Dopen2(grp, name, H5P_DEFAULT);
      PetscCall(MHH5Check(comm, dset, name));
      PetscCall(MHWriteStringAttr(comm, dset, "units", m->length_unit));
      H5Dclose(dset);
    }
  }
  PetscCall(MHWriteStringAttr(comm, grp, "units", m->length_unit));
  for (PetscInt a = 0; a < sim->d.grid.dim; a++)
    for (PetscInt side = 0; side < 2; side++) {
      char name[32];
      PetscCall(PetscSNPrintf(name, sizeof name, "bc_%s_%s", MHAxisNames[sim->d.grid.phys[a]], side ? "max" : "min"));
      PetscCall(MHWriteStringAttr(comm, grp, name, MHBCTypes[sim->d.grid.bc[a][side].type]));
    }
  H5Gclose(grp);

  /* series */
  PetscCall(MHCreateSeries(comm, o->file, "time", 0, &o->dset_time));
  PetscCall(MHWriteStringAttr(comm, o->dset_time, "units", m->time_unit));
  PetscCall(MHH5MakeScale(comm, o->file, "time", "time"));
  grp = H5Gcreate2(o->file, "monitors", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(comm, grp, "/monitors"));
  PetscCall(MHMonitorColumns(sim, &ncols, &cols));
  o->ncols = ncols;
  PetscCall(MHCreateSeries(comm, grp, "table", ncols, &o->dset_table));
  PetscCall(MHH5Label(comm, o->dset_table, 0, "step"));
  PetscCall(MHH5Label(comm, o->dset_table, 1, "column"));
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
