/* Checkpoints, restarts, job-time limits, and starting from data.

   A checkpoint holds everything a run needs to go on as if it had not stopped: the state vector
   (in the DMDA's natural ordering, so it loads on any rank count), time, step number and the next
   step size, the next event, the output schedule and how much of the output file is valid, the
   model's running state (MHModelSetState) and the outcomes. It is written to <name>.tmp and
   renamed when complete; the last -checkpoint_keep are kept.

   The integrator restarts its step sequence at every checkpoint (TSRestartStep), in the run that
   writes it and in the run that continues from it, so both take the same steps: a continued run
   matches an uninterrupted one to round-off on the same rank count.

   SIGTERM and SIGUSR1 (what SLURM sends before a job's time limit) set a flag; after the next
   step every rank learns of it (one reduction per step), writes a checkpoint and stops with
   status MH_EXIT_CHECKPOINTED. -max_wall_time does the same from inside. */
#include "mhimpl.h"
#include <errno.h>
#include <signal.h>
#include <unistd.h>

/* The file-scope mutables: all a signal handler may do is set a flag. The handlers nest: a sweep
   installs them around all its runs, so that a signal between two runs is not lost. */
static volatile sig_atomic_t mh_signal = 0;
static struct sigaction      mh_old_term, mh_old_usr1;
static int                   mh_signal_depth = 0;

static void MHSignalHandler(int sig)
{
  mh_signal = sig;
}

PetscErrorCode MHSignalsInstall(void)
{
  struct sigaction sa;

  PetscFunctionBeginUser;
  if (mh_signal_depth++) PetscFunctionReturn(0);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = MHSignalHandler;
  sa.sa_flags   = SA_RESTART; /* a system call (file I/O) interrupted by the signal goes on */
  sigemptyset(&sa.sa_mask);
  mh_signal = 0;
  PetscCheck(sigaction(SIGTERM, &sa, &mh_old_term) == 0 && sigaction(SIGUSR1, &sa, &mh_old_usr1) == 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot install the signal handlers: %s", strerror(errno));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSignalsRestore(void)
{
  PetscFunctionBeginUser;
  if (--mh_signal_depth) PetscFunctionReturn(0);
  sigaction(SIGTERM, &mh_old_term, NULL);
  sigaction(SIGUSR1, &mh_old_usr1, NULL);
  PetscFunctionReturn(0);
}

/* The signal received since the handlers were installed (0: none). */
int MHSignalsPending(void)
{
  return (int)mh_signal;
}

/* Where the next simulated-time checkpoint falls after time t. */
static PetscReal MHNextCheckpointTime(const MHCheckpoint *c, PetscReal t)
{
  return c->interval > 0 ? (PetscFloorReal(t / c->interval * (1 + 1e-12)) + 1) * c->interval : PETSC_MAX_REAL;
}

PetscErrorCode MHCheckpointSetFromOptions(MHSim sim, PetscOptionItems *PetscOptionsObject)
{
  MHCheckpoint *c = &sim->chk;
  MHOutput     *o = &sim->out;
  char          help[160];

  PetscFunctionBeginUser;
  /* default prefix: the output's name without its extension */
  if (o->enabled) {
    PetscCall(MHOutputXDMFPath(o->path, c->prefix, sizeof c->prefix));
    c->prefix[strlen(c->prefix) - 4] = 0;
  } else
    PetscCall(PetscSNPrintf(c->prefix, sizeof c->prefix, "out/%s", sim->model->name));
  MHStrlcat(c->prefix, ".checkpoint", sizeof c->prefix);
  PetscCall(PetscOptionsString("-checkpoint_prefix", "Checkpoints are <prefix>-<number>.h5 (default: the output's name + .checkpoint)", "", c->prefix, c->prefix, sizeof c->prefix, NULL));
  PetscCall(PetscSNPrintf(help, sizeof help, "Simulated time between checkpoints (0: none) [%s]", sim->model->time_unit));
  PetscCall(PetscOptionsReal("-checkpoint_interval", help, "", c->interval, &c->interval, NULL));
  PetscCheck(c->interval >= 0 && !PetscIsInfOrNanReal(c->interval), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-checkpoint_interval %g: must be >= 0 [%s]", (double)c->interval, sim->model->time_unit);
  PetscCall(PetscOptionsReal("-checkpoint_wall_interval", "Wall time between checkpoints (0: none) [s]", "", c->wall_interval, &c->wall_interval, NULL));
  PetscCheck(c->wall_interval >= 0 && !PetscIsInfOrNanReal(c->wall_interval), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-checkpoint_wall_interval %g: must be >= 0 [s]", (double)c->wall_interval);
  c->keep = 2;
  PetscCall(PetscOptionsInt("-checkpoint_keep", "Checkpoints kept (older ones are deleted)", "", c->keep, &c->keep, NULL));
  PetscCheck(c->keep >= 1 && c->keep <= MH_MAX_KEEP, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-checkpoint_keep %" PetscInt_FMT ": must lie in [1, %d]", c->keep, MH_MAX_KEEP);
  PetscCall(PetscOptionsReal("-max_wall_time", "Wall time after which the run writes a checkpoint and stops with status 75 (0: no limit) [s]", "", c->max_wall, &c->max_wall, NULL));
  PetscCheck(c->max_wall >= 0 && !PetscIsInfOrNanReal(c->max_wall), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-max_wall_time %g: must be >= 0 [s]", (double)c->max_wall);
  PetscCall(PetscOptionsString("-restart", "Continue the run saved in this checkpoint file (same options; output continues in the same file)", "", c->restart, c->restart, sizeof c->restart, NULL));
  PetscCall(PetscOptionsString("-initial_condition_file", "Start from the fields of this microheal output file (same grid)", "", c->initial, c->initial, sizeof c->initial, NULL));
  c->initial_step = -1;
  PetscCall(PetscOptionsInt("-initial_condition_step", "The snapshot of -initial_condition_file to start from (0 first; -1 last)", "", c->initial_step, &c->initial_step, NULL));
  c->next_t = MHNextCheckpointTime(c, 0);
  PetscCheck(!c->restart[0] || !c->initial[0], sim->comm, PETSC_ERR_ARG_INCOMP, "-restart and -initial_condition_file: choose one");
  PetscFunctionReturn(0);
}

static PetscErrorCode MHFileMustExist(MPI_Comm comm, const char *option, const char *path)
{
  PetscMPIInt rank;
  int         ok = 1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) ok = access(path, R_OK) == 0;
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "%s %s: no such file (or not readable)", option, path);
  PetscFunctionReturn(0);
}

/* A small 1-D dataset of n reals, read by every rank; its length must be n. */
static PetscErrorCode MHReadSmall(MPI_Comm comm, hid_t file, const char *what, const char *name, PetscInt n, PetscReal *data)
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
static PetscErrorCode MHReadStringAttr(MPI_Comm comm, hid_t obj, const char *what, const char *name, char *buf, size_t len)
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

static PetscErrorCode MHReadRealAttr(PetscViewer v, const char *what, const char *name, PetscReal *value)
{
  PetscBool has;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5HasAttribute(v, "/", name, &has));
  PetscCheck(has, PetscObjectComm((PetscObject)v), PETSC_ERR_FILE_UNEXPECTED, "%s: no attribute %s; not a microheal checkpoint", what, name);
  PetscCall(PetscViewerHDF5ReadAttribute(v, "/", name, PETSC_REAL, NULL, value));
  PetscFunctionReturn(0);
}

PetscErrorCode MHCheckpointWrite(MHSim sim)
{
  MHCheckpoint *c    = &sim->chk;
  MHOutput     *o    = &sim->out;
  MHModel       m    = sim->model;
  MPI_Comm      comm = sim->comm;
  PetscViewer   v;
  hid_t         file;
  char          path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8], why[PETSC_MAX_PATH_LEN + 64] = "";
  PetscReal     t, dt;
  PetscInt      step;
  PetscMPIInt   rank, size;
  int           ok = 1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MHOutputFlush(sim)); /* the output file holds everything the checkpoint counts */
  PetscCall(TSGetTime(sim->ts, &t));
  PetscCall(TSGetTimeStep(sim->ts, &dt));
  PetscCall(TSGetStepNumber(sim->ts, &step));
  c->number++;
  PetscCall(PetscSNPrintf(path, sizeof path, "%s-%06" PetscInt_FMT ".h5", c->prefix, c->number));
  PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.tmp", path));
  if (!rank) ok = MHMakeParentFolders(path, why, sizeof why) == 0;
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "-checkpoint_prefix %s: %s", c->prefix, rank ? "cannot create its folder" : why);
  PetscCall(PetscViewerHDF5Open(comm, tmp, FILE_MODE_WRITE, &v));
  PetscCall(PetscObjectSetName((PetscObject)sim->U, "state"));
  PetscCall(VecView(sim->U, v));
  PetscCall(PetscObjectSetName((PetscObject)sim->U, "u"));
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  PetscCall(MHWriteStringAttr(comm, file, "model", m->name));
  PetscCall(MHWriteStringAttr(comm, file, "version", MH_VERSION));
  PetscCall(MHWriteStringAttr(comm, file, "output", o->enabled ? o->path : "none"));
  {
    const char *names[] = {"t", "dt", "step", "event_next", "output_next", "output_snapshots", "output_rows", "number", "ranks", "nf", "n0", "n1", "n2", "steps_rejected_negative"};
    PetscReal   vals[]  = {t, dt, (PetscReal)step, (PetscReal)sim->event_next, (PetscReal)o->next, (PetscReal)o->nwritten, (PetscReal)o->nrows, (PetscReal)c->number, (PetscReal)size, (PetscReal)m->nf, (PetscReal)sim->grid.n[0], (PetscReal)sim->grid.n[1], (PetscReal)sim->grid.n[2], (PetscReal)sim->steps_rejected_negative};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
      PetscCall(MHWriteRealAttr(comm, file, names[i], vals[i]));
  }
  PetscCall(MHWriteSmall(comm, file, "model_state", m->nstate, 0, m->state, NULL));
  PetscCall(MHWriteSmall(comm, file, "outcomes", m->noutcomes, 0, sim->outcomes, NULL));
  PetscCall(PetscViewerDestroy(&v));
  if (!rank) {
    ok = rename(tmp, path) == 0;
    if (ok && c->nkept == c->keep) {
      unlink(c->kept[0]);
      for (PetscInt i = 1; i < c->nkept; i++)
        PetscCall(PetscStrcpy(c->kept[i - 1], c->kept[i]));
      c->nkept--;
    }
    if (ok) PetscCall(PetscStrcpy(c->kept[c->nkept++], path));
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "cannot rename the checkpoint %s to %s", tmp, path);
  PetscCall(TSRestartStep(sim->ts));
  c->next_t = MHNextCheckpointTime(c, t);
  PetscCall(PetscTime(&c->last_wall));
  PetscCall(MHProgressClear(sim));
  if (!sim->quiet) PetscCall(PetscPrintf(comm, "[microheal] checkpoint %" PetscInt_FMT " at t = %.6g %s: %s\n", c->number, (double)t, m->time_unit, path));
  PetscFunctionReturn(0);
}

/* After every step (collective): checkpoints due by simulated or wall time, and the stop on a
   signal or the wall-time limit. */
PetscErrorCode MHCheckpointAfterStep(MHSim sim)
{
  MHCheckpoint  *c       = &sim->chk;
  int            flag[3] = {0, 0, 0}, all[3]; /* signal number, wall limit reached, wall checkpoint due */
  PetscReal      t;
  PetscLogDouble now;

  PetscFunctionBeginUser;
  PetscCall(TSGetTime(sim->ts, &t));
  PetscCall(PetscTime(&now));
  if (sim->rank0) {
    flag[0] = (int)mh_signal;
    flag[1] = c->max_wall > 0 && now - sim->wall_start >= c->max_wall;
    flag[2] = c->wall_interval > 0 && now - c->last_wall >= c->wall_interval;
  } else
    flag[0] = (int)mh_signal;
  PetscCallMPI(MPI_Allreduce(flag, all, 3, MPI_INT, MPI_MAX, sim->comm));
  if (all[0] || all[1]) {
    c->why = all[0] == SIGTERM ? "SIGTERM" : all[0] == SIGUSR1 ? "SIGUSR1"
        : all[0]                                               ? "a signal"
                                                               : "-max_wall_time";
    PetscCall(MHCheckpointWrite(sim));
    sim->stopped     = PETSC_TRUE;
    sim->exit_status = MH_EXIT_CHECKPOINTED;
    PetscCall(TSSetConvergedReason(sim->ts, TS_CONVERGED_USER));
  } else if (all[2] || t >= c->next_t * (1 - 1e-12))
    PetscCall(MHCheckpointWrite(sim));
  PetscFunctionReturn(0);
}

/* -restart: the state, clocks and schedules of the checkpoint, after MHSimSetUp built the run
   from the same options. */
PetscErrorCode MHCheckpointLoad(MHSim sim)
{
  MHCheckpoint *c    = &sim->chk;
  MHOutput     *o    = &sim->out;
  MHModel       m    = sim->model;
  MPI_Comm      comm = sim->comm;
  const char   *what = c->restart;
  PetscViewer   v;
  hid_t         file;
  char          name[MH_NAME_LEN];
  PetscReal     t, dt, step, ev, next, nw, nr, number, nf, n[3], rej;
  PetscBool     same;

  PetscFunctionBeginUser;
  PetscCall(MHFileMustExist(comm, "-restart", what));
  PetscCall(PetscViewerHDF5Open(comm, what, FILE_MODE_READ, &v));
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  PetscCall(MHReadStringAttr(comm, file, "-restart", "model", name, sizeof name));
  PetscCall(PetscStrcmp(name, m->name, &same));
  PetscCheck(same, comm, PETSC_ERR_ARG_INCOMP, "-restart %s: a checkpoint of model %s, not %s", what, name, m->name);
  PetscCall(MHReadRealAttr(v, what, "nf", &nf));
  PetscCall(MHReadRealAttr(v, what, "n0", &n[0]));
  PetscCall(MHReadRealAttr(v, what, "n1", &n[1]));
  PetscCall(MHReadRealAttr(v, what, "n2", &n[2]));
  PetscCheck((PetscInt)nf == m->nf, comm, PETSC_ERR_ARG_INCOMP, "-restart %s: %d fields, the model has %" PetscInt_FMT, what, (int)nf, m->nf);
  PetscCheck((PetscInt)n[0] == sim->grid.n[0] && (PetscInt)n[1] == sim->grid.n[1] && (PetscInt)n[2] == sim->grid.n[2], comm, PETSC_ERR_ARG_INCOMP, "-restart %s: a grid of %d x %d x %d cells, this run has %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (restart with the options of the run that wrote it)", what, (int)n[0], (int)n[1], (int)n[2], sim->grid.n[0],
      sim->grid.n[1], sim->grid.n[2]);
  PetscCall(MHReadRealAttr(v, what, "t", &t));
  PetscCall(MHReadRealAttr(v, what, "dt", &dt));
  PetscCall(MHReadRealAttr(v, what, "step", &step));
  PetscCall(MHReadRealAttr(v, what, "event_next", &ev));
  PetscCall(MHReadRealAttr(v, what, "output_next", &next));
  PetscCall(MHReadRealAttr(v, what, "output_snapshots", &nw));
  PetscCall(MHReadRealAttr(v, what, "output_rows", &nr));
  PetscCall(MHReadRealAttr(v, what, "number", &number));
  PetscCall(MHReadRealAttr(v, what, "steps_rejected_negative", &rej));
  PetscCheck(t < sim->t_end * (1 + 1e-12), comm, PETSC_ERR_ARG_INCOMP, "-restart %s: saved at t = %g, past this run's end time %g", what, (double)t, (double)sim->t_end);
  PetscCheck((PetscInt)ev <= m->nevents, comm, PETSC_ERR_ARG_INCOMP, "-restart %s: saved after event %d, this run has %" PetscInt_FMT " events", what, (int)ev, m->nevents);
  PetscCall(MHReadSmall(comm, file, what, "model_state", m->nstate, m->state));
  PetscCall(MHReadSmall(comm, file, what, "outcomes", m->noutcomes, sim->outcomes));
  PetscCall(PetscObjectSetName((PetscObject)sim->U, "state"));
  PetscCall(VecLoad(sim->U, v));
  PetscCall(PetscObjectSetName((PetscObject)sim->U, "u"));
  PetscCall(PetscViewerDestroy(&v));
  PetscCall(TSSetTime(sim->ts, t));
  PetscCall(TSSetStepNumber(sim->ts, (PetscInt)step));
  PetscCall(TSSetTimeStep(sim->ts, dt));
  sim->event_next              = (PetscInt)ev;
  sim->steps_rejected_negative = (PetscInt)rej;
  o->next                      = (PetscInt)next;
  o->nwritten                  = (PetscInt)nw;
  o->nrows                     = (PetscInt)nr;
  c->number                    = (PetscInt)number;
  c->next_t                    = MHNextCheckpointTime(c, t);
  sim->restarted               = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* -initial_condition_file: every field from a snapshot of an output file on the same grid. */
PetscErrorCode MHInitialConditionLoad(MHSim sim)
{
  MHCheckpoint *c    = &sim->chk;
  MHModel       m    = sim->model;
  MHGrid       *g    = &sim->grid;
  MPI_Comm      comm = sim->comm;
  const char   *what = c->initial;
  PetscViewer   v;
  hid_t         file;
  Vec           w;
  PetscInt      k = 0;

  PetscFunctionBeginUser;
  PetscCall(MHFileMustExist(comm, "-initial_condition_file", what));
  PetscCall(PetscViewerHDF5Open(comm, what, FILE_MODE_READ, &v));
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  /* the grid: the same cells, faces where ours are */
  for (PetscInt a = 0; a < g->dim; a++) {
    const char *axes[] = {"x", "y", "z"};
    char        name[32];
    PetscReal  *faces;
    PetscCall(PetscSNPrintf(name, sizeof name, "/grid/%s_faces", axes[g->phys[a]]));
    PetscCall(PetscMalloc1(g->n[a] + 1, &faces));
    if (H5Lexists(file, "/grid", H5P_DEFAULT) <= 0 || H5Lexists(file, name, H5P_DEFAULT) <= 0) PetscCall(PetscFree(faces));
    PetscCheck(H5Lexists(file, "/grid", H5P_DEFAULT) > 0 && H5Lexists(file, name, H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-initial_condition_file %s: no %s; not a %" PetscInt_FMT "-D microheal output", what, name, g->dim);
    {
      hid_t   dset = H5Dopen2(file, name, H5P_DEFAULT), space = H5Dget_space(dset);
      hsize_t len = 0;
      if (H5Sget_simple_extent_ndims(space) == 1) H5Sget_simple_extent_dims(space, &len, NULL);
      H5Sclose(space);
      H5Dclose(dset);
      if ((PetscInt)len != g->n[a] + 1) PetscCall(PetscFree(faces));
      PetscCheck((PetscInt)len == g->n[a] + 1, comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: %d cells along %s, this run has %" PetscInt_FMT "; use the grid options of the run that wrote it", what, (int)len - 1, axes[g->phys[a]], g->n[a]);
    }
    PetscCall(MHReadSmall(comm, file, what, name, g->n[a] + 1, faces));
    for (PetscInt i = 0; i <= g->n[a]; i++)
      if (PetscAbsReal(faces[i] - g->faces[a][i]) > 1e-9 * g->length[a]) {
        PetscReal fi = faces[i], gi = g->faces[a][i];
        PetscCall(PetscFree(faces));
        SETERRQ(comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: its %s-faces differ from this run's (face %" PetscInt_FMT " at %g, here %g); use the grid options of the run that wrote it", what, axes[g->phys[a]], i, (double)fi, (double)gi);
      }
    PetscCall(PetscFree(faces));
  }
  PetscCall(DMCreateGlobalVector(g->da1, &w));
  for (PetscInt f = 0; f < m->nf; f++) {
    char    name[MH_NAME_LEN + 16];
    hid_t   dset, space;
    hsize_t dims[4] = {0, 0, 0, 0};
    int     nd      = 0;
    PetscCall(PetscSNPrintf(name, sizeof name, "/fields/%s", m->field_name[f]));
    PetscCheck(H5Lexists(file, "/fields", H5P_DEFAULT) > 0 && H5Lexists(file, name, H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-initial_condition_file %s: no field %s (model %s needs every one of its fields)", what, name, m->name);
    dset  = H5Dopen2(file, name, H5P_DEFAULT);
    space = H5Dget_space(dset);
    nd    = H5Sget_simple_extent_ndims(space);
    if (nd >= 2 && nd <= 4) H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    H5Dclose(dset);
    PetscCheck(nd == 1 + g->dim, comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: %s has %d dimensions, expected time + %" PetscInt_FMT, what, name, nd, g->dim);
    for (PetscInt a = 0; a < g->dim; a++)
      PetscCheck((PetscInt)dims[g->dim - a] == g->n[a], comm, PETSC_ERR_ARG_INCOMP, "-initial_condition_file %s: %s has %d cells along DMDA axis %" PetscInt_FMT ", this grid %" PetscInt_FMT "; use the grid options of the run that wrote it", what, name, (int)dims[g->dim - a], a, g->n[a]);
    k = c->initial_step < 0 ? (PetscInt)dims[0] + c->initial_step : c->initial_step;
    PetscCheck(k >= 0 && k < (PetscInt)dims[0], comm, PETSC_ERR_ARG_OUTOFRANGE, "-initial_condition_step %" PetscInt_FMT ": %s holds snapshots 0 to %d", c->initial_step, what, (int)dims[0] - 1);
    PetscCall(PetscObjectSetName((PetscObject)w, m->field_name[f]));
    PetscCall(PetscViewerHDF5PushGroup(v, "/fields"));
    PetscCall(PetscViewerHDF5PushTimestepping(v));
    PetscCall(PetscViewerHDF5SetTimestep(v, k));
    PetscCall(VecLoad(w, v));
    PetscCall(PetscViewerHDF5PopTimestepping(v));
    PetscCall(PetscViewerHDF5PopGroup(v));
    PetscCall(VecStrideScatter(w, f, sim->U, INSERT_VALUES));
  }
  PetscCall(VecDestroy(&w));
  PetscCall(PetscViewerDestroy(&v));
  if (!sim->quiet) PetscCall(PetscPrintf(comm, "[microheal] initial condition: snapshot %" PetscInt_FMT " of %s\n", k, what));
  PetscFunctionReturn(0);
}
