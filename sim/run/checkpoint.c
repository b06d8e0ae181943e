/* Checkpoints, restarts, job-time limits, and starting from data.

   A checkpoint holds everything a run needs to go on as if it had not stopped: the state vector
   (in the DMDA's natural ordering, so it loads on any rank count), time, step number and the next
   step size, the next event, the output schedule and how much of the output file is valid, the
   model's running state (MHModelSetState) and the outcomes. It is written to <name>.tmp and
   renamed when complete; the last -checkpoint_keep are kept.

   The integrator restarts its step sequence at every checkpoint (TSRestartStep), in the run that
   writes it and in the run that continues from it, so both take the same steps: a continued run
   matches an uninterrupted one to round-off on the same rank count.

   SIGTERM and SIGUSR1 (what SLURM sends before a job's time limit) set a flag (sys/signals.c); after the next
   step every rank learns of it (one reduction per step), writes a checkpoint and stops with
   status MH_EXIT_CHECKPOINTED. -max_wall_time does the same from inside. */
#include "mhrun.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static PetscErrorCode MHRunIdNew(MPI_Comm, char *, size_t);

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
    PetscCall(PetscSNPrintf(c->prefix, sizeof c->prefix, "out/%s", sim->d.model->name));
  MHStrlcat(c->prefix, ".checkpoint", sizeof c->prefix);
  PetscCall(PetscOptionsString("-checkpoint_prefix", "Checkpoints are <prefix>-<number>.h5 (default: the output's name + .checkpoint)", "path", c->prefix, c->prefix, sizeof c->prefix, &c->asked));
  PetscCall(PetscSNPrintf(help, sizeof help, "Simulated time between checkpoints (0: none)"));
  PetscCall(PetscOptionsReal("-checkpoint_interval", help, sim->d.model->time_unit, c->interval, &c->interval, NULL));
  PetscCheck(c->interval >= 0 && !PetscIsInfOrNanReal(c->interval), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-checkpoint_interval %g: must be >= 0 [%s]", (double)c->interval, sim->d.model->time_unit);
  PetscCall(PetscOptionsReal("-checkpoint_wall_interval", "Wall time between checkpoints (0: none)", "s", c->wall_interval, &c->wall_interval, NULL));
  PetscCheck(c->wall_interval >= 0 && !PetscIsInfOrNanReal(c->wall_interval), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-checkpoint_wall_interval %g: must be >= 0 [s]", (double)c->wall_interval);
  c->keep = 2;
  PetscCall(PetscOptionsInt("-checkpoint_keep", "Checkpoints kept (older ones are deleted)", "count", c->keep, &c->keep, NULL));
  PetscCheck(c->keep >= 1 && c->keep <= MH_MAX_KEEP, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-checkpoint_keep %" PetscInt_FMT ": must lie in [1, %d]", c->keep, MH_MAX_KEEP);
  PetscCall(PetscOptionsReal("-max_wall_time", "Wall time after which the run writes a checkpoint and stops with status 75 (0: no limit)", "s", c->max_wall, &c->max_wall, NULL));
  PetscCheck(c->max_wall >= 0 && !PetscIsInfOrNanReal(c->max_wall), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-max_wall_time %g: must be >= 0 [s]", (double)c->max_wall);
  PetscCall(PetscOptionsString("-restart", "Continue the run saved in this checkpoint file (same options; output continues in the same file)", "file", c->restart, c->restart, sizeof c->restart, NULL));
  PetscCall(PetscOptionsString("-initial_condition_file", "Start from the fields of this microheal output file (same grid)", "file", c->initial, c->initial, sizeof c->initial, NULL));
  c->initial_step = -1;
  PetscCall(PetscOptionsInt("-initial_condition_step", "The snapshot of -initial_condition_file to start from (0 first; -1 last)", "index", c->initial_step, &c->initial_step, NULL));
  c->next_t  = MHNextCheckpointTime(c, 0);
  c->lock.fd = -1;
  c->asked   = (PetscBool)(c->asked || o->enabled || c->interval > 0 || c->wall_interval > 0 || c->max_wall > 0 || c->restart[0]);
  PetscCall(MHRunIdNew(sim->comm, sim->run_id, sizeof sim->run_id));
  PetscCheck(!c->restart[0] || !c->initial[0], sim->comm, PETSC_ERR_ARG_INCOMP, "-restart and -initial_condition_file: choose one");
  PetscFunctionReturn(0);
}

/* A run's identity: 128 random bits from rank 0, as 32 hex digits. */
static PetscErrorCode MHRunIdNew(MPI_Comm comm, char *id, size_t len)
{
  unsigned char bytes[16] = {0};
  PetscMPIInt   rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, bytes, sizeof bytes) != (ssize_t)sizeof bytes) { /* no urandom: the clock and the pid */
      unsigned long long x = (unsigned long long)time(NULL) * 6364136223846793005ULL ^ (unsigned long long)getpid() * 1442695040888963407ULL ^ (unsigned long long)clock();
      for (size_t i = 0; i < sizeof bytes; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
        bytes[i] = (unsigned char)(x >> 56);
    }
    if (fd >= 0) close(fd);
  }
  PetscCallMPI(MPI_Bcast(bytes, sizeof bytes, MPI_UNSIGNED_CHAR, 0, comm));
  for (size_t i = 0; i < sizeof bytes && 2 * i + 2 < len; i++)
    snprintf(id + 2 * i, 3, "%02x", bytes[i]);
  PetscFunctionReturn(0);
}

/* v with the fewest digits that read back as v. */
static const char *MHRealText(PetscReal v, char buf[32])
{
  for (int digits = 6; digits <= 17; digits++) {
    snprintf(buf, 32, "%.*g", digits, (double)v);
    if (strtod(buf, NULL) == (double)v) break;
  }
  return buf;
}

/* What defines the run a checkpoint belongs to, as "option value" lines: the model and every
   parameter (as resolved, defaults included), the grid, the end time and the output schedule.
   Solver options are not part of it: a restart may change how accurately it goes on. */
static PetscErrorCode MHRunDefinition(MHSim sim, char **text)
{
  MHModel   m   = sim->d.model;
  MHSetup  *s   = &sim->setup;
  MHOutput *o   = &sim->out;
  size_t    len = 4096 + (size_t)m->nparams * (2 * MH_NAME_LEN + 48), at = 0;
  char     *t, r1[32], r2[32], r3[32];

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(len, &t));
#define MH_DEF(...) at += (size_t)snprintf(t + at, at < len ? len - at : 0, __VA_ARGS__)
  MH_DEF("-model %s\n-dim %" PetscInt_FMT "\n", m->name, s->dim);
  for (PetscInt p = 0; p < 3; p++) {
    PetscBool used = PETSC_FALSE;
    for (PetscInt a = 0; a < sim->d.grid.dim; a++)
      used = (PetscBool)(used || sim->d.grid.phys[a] == p);
    if (!used) continue;
    MH_DEF("-n%s %" PetscInt_FMT "\n-length_%s %s\n-grading_%s %s\n", MHAxisNames[p], s->cells[p], MHAxisNames[p], MHRealText(s->length[p], r1), MHAxisNames[p], MHRealText(s->grading[p], r2));
    MH_DEF("-bc_%s_min %s\n-bc_%s_max %s\n", MHAxisNames[p], MHBCTypes[s->bc[p][0].type], MHAxisNames[p], MHBCTypes[s->bc[p][1].type]);
  }
  MH_DEF("-t_end %s\n-output_count %" PetscInt_FMT "\n-output_spacing %s\n-output_log_first %s\n", MHRealText(sim->t_end, r1), o->count, o->log_spacing ? "log" : "linear", MHRealText(o->t_first, r3));
  for (PetscInt i = 0; i < m->nparams; i++) {
    const MHParam *p = &m->param[i];
    if (p->text[0])
      MH_DEF("-%s_%s %s\n", m->name, p->name, p->text);
    else
      MH_DEF("-%s_%s %s\n", m->name, p->name, MHRealText(p->value, r1));
  }
#undef MH_DEF
  PetscCheck(at < len, sim->comm, PETSC_ERR_PLIB, "run definition longer than %zu characters", len);
  *text = t;
  PetscFunctionReturn(0);
}

/* The value of the line "key value" of a run definition, and its length; NULL when none. */
static const char *MHDefinitionValue(const char *text, const char *key, size_t klen, size_t *vlen)
{
  for (const char *l = text; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n'))
    if (!strncmp(l, key, klen) && l[klen] == ' ') {
      *vlen = strcspn(l + klen + 1, "\n");
      return l + klen + 1;
    }
  return NULL;
}

/* The first difference between two run definitions, as a sentence into buf ("" when equal). */
static void MHDefinitionDiff(const char *saved, const char *now, char *buf, size_t len)
{
  const char *texts[2] = {saved, now};

  buf[0] = 0;
  for (int pass = 0; pass < 2; pass++)
    for (const char *l = texts[pass]; *l && !buf[0]; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n')) {
      size_t      k = strcspn(l, " \n"), va = strcspn(l + k, "\n"), vb = 0;
      const char *other;
      if (l[k] != ' ') continue;
      va--;
      other = MHDefinitionValue(texts[1 - pass], l, k, &vb);
      if (!other)
        snprintf(buf, len, pass ? "this run has %.*s, which the checkpoint's run did not have" : "the checkpoint's run had %.*s, which this run does not have", (int)(k + 1 + va), l);
      else if (!pass && (va != vb || strncmp(l + k + 1, other, va)))
        snprintf(buf, len, "the checkpoint's run had %.*s, this run has %.*s", (int)(k + 1 + va), l, (int)vb, other);
    }
}

/* Whether name is <base>-NNNNNN.h5 (a checkpoint of prefix base). */
static PetscBool MHIsCheckpointName(const char *name, const char *base)
{
  size_t n = strlen(base);

  if (strncmp(name, base, n) || name[n] != '-') return PETSC_FALSE;
  for (int i = 1; i <= 6; i++)
    if (name[n + i] < '0' || name[n + i] > '9') return PETSC_FALSE;
  return (PetscBool)!strcmp(name + n + 7, ".h5");
}

/* Rank 0: the checkpoints <prefix>-NNNNNN.h5 there are (first one's name in first); removes them
   with remove. */
static PetscInt MHCheckpointsThere(const char *prefix, char *first, size_t len, PetscBool remove, PetscInt *last)
{
  char           dir[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN];
  DIR           *d;
  struct dirent *e;
  PetscInt       n = 0;

  MHPathSplit(prefix, dir, sizeof dir, base, sizeof base);
  if (first) first[0] = 0;
  if (!(d = opendir(dir))) return 0;
  while ((e = readdir(d))) {
    if (!MHIsCheckpointName(e->d_name, base)) continue;
    if (first && (!first[0] || strcmp(e->d_name, first) < 0)) snprintf(first, len, "%s", e->d_name);
    if (last) *last = PetscMax(*last, (PetscInt)atol(e->d_name + strlen(base) + 1));
    if (remove) {
      char path[2 * PETSC_MAX_PATH_LEN];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
    n++;
  }
  closedir(d);
  return n;
}

/* Before the run touches anything: the checkpoints' folder can be created and written, the
   prefix is not another run's (its lock), a fresh run finds no checkpoints of an earlier one
   there unless -output_overwrite, and two checkpoints fit on the disk. A run that was not asked
   for checkpoints (-output none, no checkpoint option) does this only when a signal makes it
   write one (lazy), and then numbers its checkpoints after those there are, replacing none. */
PetscErrorCode MHCheckpointCheckPaths(MHSim sim, PetscBool lazy)
{
  MHCheckpoint *c                           = &sim->chk;
  char          why[2 * PETSC_MAX_PATH_LEN] = "", tmp[PETSC_MAX_PATH_LEN + 32], first[PETSC_MAX_PATH_LEN], a[32], b[32];
  PetscMPIInt   rank;
  PetscInt      n[2] = {0, 0};

  PetscFunctionBeginUser;
  if (!c->asked && !lazy) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(sim->comm, &rank));
  if (!rank && !MHLockTake(c->prefix, &c->lock, why, sizeof why)) {
    char dir[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN];
    MHPathSplit(c->prefix, dir, sizeof dir, base, sizeof base);
    MHRemoveOrphans(dir, base, "-[0-9][0-9][0-9][0-9][0-9][0-9].h5");
  }
  if (!rank && c->lock.fd >= 0) {
    int    fd   = MHFileTemp(c->prefix, tmp, sizeof tmp, why, sizeof why);
    double need = (c->keep + 1) * (8.0 * sim->d.model->nf * sim->d.grid.n[0] * sim->d.grid.n[1] * sim->d.grid.n[2] + 32768), avail = MHFreeBytes(c->prefix);
    if (fd >= 0) {
      close(fd);
      unlink(tmp);
    }
    if (!why[0] && !sim->restarted) n[0] = MHCheckpointsThere(c->prefix, first, sizeof first, PETSC_FALSE, &n[1]);
    if (!why[0] && n[0] && !sim->out.overwrite && !lazy)
      snprintf(why, sizeof why, "%" PetscInt_FMT " checkpoint%s of an earlier run %s there (%s); pass -output_overwrite to replace them, -restart one to continue that run, or choose another -checkpoint_prefix", n[0], n[0] > 1 ? "s" : "", n[0] > 1 ? "are" : "is", first);
    if (!why[0] && avail >= 0 && need > avail) {
      MHBytesText(need, a, sizeof a);
      MHBytesText(avail, b, sizeof b);
      snprintf(why, sizeof why, "%" PetscInt_FMT " checkpoints take about %s, but the disk has %s free: choose another -checkpoint_prefix or a coarser grid", c->keep + 1, a, b);
    }
  }
  PetscCallMPI(MPI_Bcast(n, 2, MPIU_INT, 0, sim->comm));
  if (lazy && !sim->out.overwrite)
    c->number = PetscMax(c->number, n[1]); /* after those there are */
  else
    c->nstale = n[0];
  PetscCall(MHCheckWhy(sim->comm, PETSC_ERR_FILE_OPEN, "-checkpoint_prefix", c->prefix, why, sizeof why));
  PetscFunctionReturn(0);
}

/* A fresh run with -output_overwrite, once it has passed its checks: the earlier run's
   checkpoints go, so that none can be mistaken for this run's. */
PetscErrorCode MHCheckpointRemoveStale(MHSim sim)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!sim->chk.nstale) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(sim->comm, &rank));
  if (!rank) MHCheckpointsThere(sim->chk.prefix, NULL, 0, PETSC_TRUE, NULL);
  sim->chk.nstale = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode MHCheckpointWrite(MHSim sim)
{
  MHCheckpoint *c    = &sim->chk;
  MHOutput     *o    = &sim->out;
  MHModel       m    = sim->d.model;
  MPI_Comm      comm = sim->comm;
  PetscViewer   v;
  hid_t         file;
  char          path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 32], why[2 * PETSC_MAX_PATH_LEN + 64] = "", *def;
  PetscReal     t, dt;
  PetscInt      step;
  PetscMPIInt   rank, size;
  int           fd = -1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MHOutputCommit(sim, PETSC_TRUE)); /* the output it continues has its final name */
  if (!c->asked && !c->checked) PetscCall(MHCheckpointCheckPaths(sim, PETSC_TRUE));
  c->checked = PETSC_TRUE;
  PetscCall(MHCheckpointRemoveStale(sim));
  PetscCall(MHOutputFlush(sim)); /* the output file holds everything the checkpoint counts */
  PetscCall(MHOutputWriteXDMF(sim, PETSC_TRUE));
  PetscCall(TSGetTime(sim->ts, &t));
  PetscCall(TSGetTimeStep(sim->ts, &dt));
  PetscCall(TSGetStepNumber(sim->ts, &step));
  c->number++;
  PetscCall(PetscSNPrintf(path, sizeof path, "%s-%06" PetscInt_FMT ".h5", c->prefix, c->number));
  if (!rank) fd = MHFileTemp(path, tmp, sizeof tmp, why, sizeof why);
  PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_WRITE, "-checkpoint_prefix", c->prefix, why, sizeof why));
  PetscCallMPI(MPI_Bcast(tmp, sizeof tmp, MPI_CHAR, 0, comm));
  PetscCall(MHRunDefinition(sim, &def));
  MHErrorIOSet(path);
  PetscCall(PetscViewerHDF5Open(comm, tmp, FILE_MODE_WRITE, &v));
  PetscCall(PetscObjectSetName((PetscObject)sim->U, "state"));
  PetscCall(VecView(sim->U, v));
  PetscCall(PetscObjectSetName((PetscObject)sim->U, "u"));
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  PetscCall(MHWriteStringAttr(comm, file, "model", m->name));
  PetscCall(MHWriteStringAttr(comm, file, "version", MH_VERSION));
  PetscCall(MHWriteStringAttr(comm, file, "output", o->enabled ? o->path : "none"));
  PetscCall(MHWriteStringAttr(comm, file, "run_id", sim->run_id));
  PetscCall(MHWriteStringAttr(comm, file, "run_definition", def));
  PetscCall(PetscFree(def));
  {
    const char *names[] = {"t", "dt", "step", "event_next", "output_next", "output_snapshots", "output_rows", "number", "ranks", "nf", "n0", "n1", "n2", "steps_rejected_negative"};
    PetscReal   vals[]  = {t, dt, (PetscReal)step, (PetscReal)sim->event_next, (PetscReal)o->next, (PetscReal)o->nwritten, (PetscReal)o->nrows, (PetscReal)c->number, (PetscReal)size, (PetscReal)m->nf, (PetscReal)sim->d.grid.n[0], (PetscReal)sim->d.grid.n[1], (PetscReal)sim->d.grid.n[2], (PetscReal)sim->steps_rejected_negative};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
      PetscCall(MHWriteRealAttr(comm, file, names[i], vals[i]));
  }
  PetscCall(MHWriteSmall(comm, file, "model_state", m->nstate, 0, m->state, NULL));
  PetscCall(MHWriteSmall(comm, file, "outcomes", m->noutcomes, 0, sim->outcomes, NULL));
  PetscCall(PetscViewerDestroy(&v));
  if (!rank) {
    if (!MHFileIsStill(fd, tmp))
      snprintf(why, sizeof why, "its temporary file %s was moved or replaced by another program", tmp);
    else if (fsync(fd) && errno != EINVAL)
      snprintf(why, sizeof why, "cannot write %s: %s", tmp, strerror(errno));
    else if (!MHFilePlace(tmp, path, 1, why, sizeof why) && c->nkept == c->keep) {
      unlink(c->kept[0]);
      for (PetscInt i = 1; i < c->nkept; i++)
        PetscCall(PetscStrcpy(c->kept[i - 1], c->kept[i]));
      c->nkept--;
    }
    if (!why[0])
      PetscCall(PetscStrcpy(c->kept[c->nkept++], path));
    else
      unlink(tmp);
    close(fd);
  }
  PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_WRITE, "-checkpoint_prefix", c->prefix, why, sizeof why));
  MHErrorIOSet(NULL);
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
    flag[0] = MHSignalsPending();
    flag[1] = c->max_wall > 0 && now - sim->wall_start >= c->max_wall;
    flag[2] = c->wall_interval > 0 && now - c->last_wall >= c->wall_interval;
  } else
    flag[0] = MHSignalsPending();
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
  MHModel       m    = sim->d.model;
  MPI_Comm      comm = sim->comm;
  const char   *what = c->restart;
  PetscViewer   v;
  hid_t         file;
  char          name[MH_NAME_LEN];
  PetscReal     t, dt, step, ev, next, nw, nr, number, nf, n[3], rej;
  PetscBool     same;

  PetscFunctionBeginUser;
  PetscCall(MHH5CheckReadable(comm, "-restart", what));
  PetscCall(PetscViewerHDF5Open(comm, what, FILE_MODE_READ, &v));
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  PetscCheck(H5Lexists(file, "state", H5P_DEFAULT) > 0 && H5Aexists(file, "t") > 0 && H5Aexists(file, "model") > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-restart %s: not a microheal checkpoint (checkpoints are <prefix>-NNNNNN.h5; an output file cannot be continued from)", what);
  PetscCall(MHReadStringAttr(comm, file, "-restart", "model", name, sizeof name));
  PetscCall(PetscStrcmp(name, m->name, &same));
  PetscCheck(same, comm, PETSC_ERR_ARG_INCOMP, "-restart %s: a checkpoint of model %s, not %s", what, name, m->name);
  {
    char *saved, *now, diff[1024];
    PetscCall(PetscMalloc1(65536, &saved));
    PetscCheck(H5Aexists(file, "run_definition") > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-restart %s: it does not record the run it belongs to (written by an older microheal); rerun from the start", what);
    PetscCall(MHReadStringAttr(comm, file, "-restart", "run_definition", saved, 65536));
    PetscCall(MHReadStringAttr(comm, file, "-restart", "run_id", sim->run_id, sizeof sim->run_id));
    PetscCall(MHRunDefinition(sim, &now));
    MHDefinitionDiff(saved, now, diff, sizeof diff);
    PetscCall(PetscFree(saved));
    PetscCall(PetscFree(now));
    PetscCheck(!diff[0], comm, PETSC_ERR_ARG_INCOMP, "-restart %s: not a checkpoint of this run: %s (restart with the options of the run that wrote it)", what, diff);
  }
  PetscCall(MHReadRealAttr(v, what, "nf", &nf));
  PetscCall(MHReadRealAttr(v, what, "n0", &n[0]));
  PetscCall(MHReadRealAttr(v, what, "n1", &n[1]));
  PetscCall(MHReadRealAttr(v, what, "n2", &n[2]));
  PetscCheck((PetscInt)nf == m->nf, comm, PETSC_ERR_ARG_INCOMP, "-restart %s: %d fields, the model has %" PetscInt_FMT, what, (int)nf, m->nf);
  PetscCheck((PetscInt)n[0] == sim->d.grid.n[0] && (PetscInt)n[1] == sim->d.grid.n[1] && (PetscInt)n[2] == sim->d.grid.n[2], comm, PETSC_ERR_ARG_INCOMP, "-restart %s: a grid of %d x %d x %d cells, this run has %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (restart with the options of the run that wrote it)", what, (int)n[0], (int)n[1], (int)n[2], sim->d.grid.n[0],
      sim->d.grid.n[1], sim->d.grid.n[2]);
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
  {
    const PetscScalar *u;
    PetscInt           nloc;
    int                bad = 0, anybad;
    PetscCall(VecGetLocalSize(sim->U, &nloc));
    PetscCall(VecGetArrayRead(sim->U, &u));
    for (PetscInt i = 0; i < nloc && !bad; i++)
      bad = PetscIsInfOrNanScalar(u[i]); /* a norm's max skips NaN */
    PetscCall(VecRestoreArrayRead(sim->U, &u));
    PetscCallMPI(MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_LOR, comm));
    PetscCheck(!anybad, comm, PETSC_ERR_FILE_UNEXPECTED, "-restart %s: its state holds values that are not finite (NaN or inf); restart from an earlier checkpoint", what);
    PetscCheck(!PetscIsInfOrNanReal(t) && !PetscIsInfOrNanReal(dt) && dt > 0 && t >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "-restart %s: its time %g or step %g is not valid", what, (double)t, (double)dt);
  }
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
