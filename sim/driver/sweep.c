/* Parameter sweeps, part 2: checking every point, running them on groups of ranks and resuming
   (gathering: sweep_gather.c; SLURM: sweep_slurm.c).

   Each point is an ordinary run with its own options database (PetscOptionsPush): the base file,
   the sweep's fixed options, options given on the command line, then the point's values. Its
   output is <dir>/runs/p0007.h5; its state is <dir>/runs/p0007.status ("key value" lines: status
   running|done|failed|stopped, signature, checkpoint, message, wall_s), written by the group's
   rank 0 through a temporary file and a rename, so a killed sweep leaves every status readable.
   A point is done when its status says so, its signature (a hash of all its options) matches and
   its output exists; rerunning the sweep runs every other point, continuing stopped ones from
   their checkpoint. */
#include "mhdriver.h"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t MHHash(const char *t, uint64_t h)
{
  for (; *t; t++)
    h = (h ^ (unsigned char)*t) * 1099511628211ULL;
  return h;
}

void MHPointId(const MHSweepCtx *c, PetscInt p, char *id, size_t len)
{
  snprintf(id, len, "p%0*ld", (int)c->width, (long)p);
}

void MHPointPath(const MHSweepCtx *c, PetscInt p, const char *ext, char *path, size_t len)
{
  char id[32];
  MHPointId(c, p, id, sizeof id);
  path[0] = 0;
  MHStrlcat(path, c->s->outdir, len);
  MHStrlcat(path, "/runs/", len);
  MHStrlcat(path, id, len);
  MHStrlcat(path, ext, len);
}

/* "name=value, name=value" of point p, for messages. */
static void MHPointText(const MHSweep *s, PetscInt p, char *buf, size_t len)
{
  buf[0] = 0;
  for (PetscInt k = 0; k < s->nparams; k++) {
    MHStrlcat(buf, k ? ", " : "", len);
    MHStrlcat(buf, s->param[k].name, len);
    MHStrlcat(buf, "=", len);
    MHStrlcat(buf, s->value[p * s->nparams + k], len);
  }
  if (s->replicates > 1) {
    char r[64];
    snprintf(r, sizeof r, ", replicate %ld", (long)(p % s->replicates));
    MHStrlcat(buf, r, len);
  }
}

static PetscErrorCode MHSetOption(PetscOptions o, const char *name, const char *value)
{
  char opt[2 * MH_NAME_LEN + 2];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s", name));
  PetscCall(PetscOptionsSetValue(o, opt, value));
  PetscFunctionReturn(0);
}

/* The options database of point p: base file, fixed options, the command line's extra options,
   the point's values, and (for_run) where its output goes. */
static PetscErrorCode MHPointOptions(MHSweepCtx *c, PetscInt p, PetscBool for_run, const char *restart, PetscOptions *o)
{
  MHSweep *s = c->s;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(o));
  if (s->base[0]) {
    size_t n = strlen(s->base);
    if ((n > 5 && !strcmp(s->base + n - 5, ".yaml")) || (n > 4 && !strcmp(s->base + n - 4, ".yml")))
      PetscCall(PetscOptionsInsertFileYAML(PETSC_COMM_SELF, *o, s->base, PETSC_TRUE));
    else
      PetscCall(PetscOptionsInsertFile(PETSC_COMM_SELF, *o, s->base, PETSC_TRUE));
  }
  for (PetscInt f = 0; f < s->nfixed; f++)
    PetscCall(MHSetOption(*o, s->fixed[f].name, s->fixed[f].value));
  if (s->extra) PetscCall(PetscOptionsInsertString(*o, s->extra));
  for (PetscInt k = 0; k < s->nparams; k++)
    PetscCall(MHSetOption(*o, s->param[k].name, s->value[p * s->nparams + k]));
  if (s->replicates > 1) {
    char seed[64];
    PetscCall(PetscSNPrintf(seed, sizeof seed, "%" PetscInt64_FMT, s->seed + p % s->replicates));
    PetscCall(MHSetOption(*o, s->seed_option, seed));
  }
  if (for_run) {
    char      path[PETSC_MAX_PATH_LEN], id[32], files[2 * PETSC_MAX_PATH_LEN];
    PetscBool set;
    MHPointPath(c, p, ".h5", path, sizeof path);
    MHPointId(c, p, id, sizeof id);
    PetscCall(PetscOptionsSetValue(*o, "-output", path));
    PetscCall(PetscOptionsSetValue(*o, "-output_overwrite", "true"));
    PetscCall(PetscOptionsHasName(*o, NULL, "-quiet", &set));
    if (!set) PetscCall(PetscOptionsSetValue(*o, "-quiet", "true"));
    PetscCall(PetscOptionsSetValue(*o, "-sweep_point", id));
    PetscCall(PetscSNPrintf(files, sizeof files, "%s%s%s", s->file, s->base[0] ? "," : "", s->base));
    PetscCall(PetscOptionsSetValue(*o, "-sweep_files", files));
    if (restart && restart[0]) PetscCall(PetscOptionsSetValue(*o, "-restart", restart));
  }
  PetscFunctionReturn(0);
}

/* Checks every point before anything runs, as its run would read it (model, grid, output and
   checkpoint options, the model's parameters with their ranges): each varied name must be an
   option something reads. Also records the model, the outcomes and each point's signature. */
static PetscErrorCode MHSweepCheck(MHSweepCtx *c)
{
  MHSweep *s = c->s;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(s->npoints, &c->signature));
  for (PetscInt k = 0; k < s->nparams; k++)
    s->param[k].numeric = PETSC_TRUE;
  for (PetscInt p = 0; p < s->npoints; p++) {
    PetscOptions o;
    MHSim        sim;
    char         where[1024], text[768], *all, typo[256] = "";
    PetscInt     n;
    char       **names, **values;
    MHPointText(s, p, text, sizeof text);
    PetscCall(PetscSNPrintf(where, sizeof where, "-sweep %s: point %" PetscInt_FMT " (%s)", s->file, p, text));
    MHErrorContextSet(where, c->comm);
    PetscCall(MHPointOptions(c, p, PETSC_FALSE, NULL, &o));
    PetscCall(PetscOptionsGetAll(o, &all));
    c->signature[p] = MHHash(all, 14695981039346656037ULL);
    PetscCall(PetscFree(all));
    PetscCall(PetscOptionsPush(o));
    PetscCall(MHSimCreate(PETSC_COMM_SELF, &sim));
    PetscCall(MHSimSetFromOptions(sim));
    PetscCheck(sim->d.model, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "no model: give model: in the base file (base:) or in options:");
    if (!p) {
      PetscCall(PetscStrncpy(s->model, sim->d.model->name, sizeof s->model));
      if (!s->noutcomes) {
        s->noutcomes = sim->d.model->noutcomes;
        for (PetscInt q = 0; q < s->noutcomes; q++)
          PetscCall(PetscStrncpy(s->outcome[q], sim->d.model->outcome_name[q], MH_NAME_LEN));
      }
      for (PetscInt q = 0; q < s->noutcomes; q++) {
        PetscInt found       = -1;
        char     known[2048] = "";
        for (PetscInt r = 0; r < sim->d.model->noutcomes; r++) {
          if (!strcmp(s->outcome[q], sim->d.model->outcome_name[r])) found = r;
          MHStrlcat(known, r ? ", " : "", sizeof known);
          MHStrlcat(known, sim->d.model->outcome_name[r], sizeof known);
        }
        PetscCheck(found >= 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "line %d: outcomes: %s is not an outcome of model %s; its outcomes: %s", s->outcome_line[q], s->outcome[q], s->model, known);
        PetscCall(PetscStrncpy(s->outcome_unit[q], sim->d.model->outcome_unit[found], MH_NAME_LEN));
      }
    }
    PetscCheck(!strcmp(s->model, sim->d.model->name), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "runs model %s but point 0 runs %s; a sweep runs one model", sim->d.model->name, s->model);
    for (PetscInt k = 0; k < s->nparams; k++) {
      char     *end;
      PetscBool used;
      PetscCall(PetscOptionsUsed(o, s->param[k].name, &used)); /* the database's names have no dash */
      PetscCheck(used || MHOptionIsLate(s->param[k].name), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "line %d: unknown parameter %s: model %s and the framework have no option -%s (microheal -model %s -help lists them)", s->param[k].line, s->param[k].name, s->model, s->param[k].name, s->model);
      (void)strtod(s->value[p * s->nparams + k], &end);
      if (end == s->value[p * s->nparams + k] || *end) s->param[k].numeric = PETSC_FALSE;
    }
    /* a typo among the fixed or command-line options: unread, and not one read later */
    PetscCall(PetscOptionsLeftGet(o, &n, &names, &values));
    for (PetscInt i = 0; i < n && !typo[0]; i++) {
      if (MHOptionIsLate(names[i])) continue;
      for (PetscInt f = 0; f < s->nfixed; f++)
        if (!strcmp(s->fixed[f].name, names[i])) PetscCall(PetscSNPrintf(typo, sizeof typo, "line %d: unknown option %s", s->fixed[f].line, names[i]));
      if (s->replicates > 1 && !strcmp(names[i], s->seed_option)) PetscCall(PetscSNPrintf(typo, sizeof typo, "line %d: replicate_seed_option %s", s->seed_opt_line, names[i]));
    }
    PetscCall(PetscOptionsLeftRestore(o, &n, &names, &values));
    PetscCheck(!typo[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s: nothing reads it (microheal -model %s -help lists the options)", typo, s->model);
    PetscCall(MHSimDestroy(&sim));
    PetscCall(PetscOptionsPop());
    PetscCall(PetscOptionsDestroy(&o));
  }
  MHErrorContextSet(NULL, MPI_COMM_NULL);
  PetscFunctionReturn(0);
}

/* ----------------------------------------------------------------------------------------------
   Running */
PetscErrorCode MHMakeFolder(MPI_Comm comm, const char *dir)
{
  char probe[PETSC_MAX_PATH_LEN + 16], failed[PETSC_MAX_PATH_LEN] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(probe, sizeof probe, "%s/x", dir));
  if (MHMakeParentFolders(probe, failed, sizeof failed)) SETERRQ(comm, PETSC_ERR_FILE_OPEN, "-sweep: cannot create the folder %s: %s", failed, strerror(errno));
  PetscFunctionReturn(0);
}

/* Runs the points marked in todo[] on groups of ranks_per_run ranks. A group takes the next
   point to do when it is free: its rank 0 draws the next position from a counter held by rank 0
   of comm (MPI_Fetch_and_op on a window), so slow points do not hold the others back. Which group
   runs a point changes nothing in its result. Returns counts {run, done, failed, stopped} summed
   over groups. */
static PetscErrorCode MHSweepRunPoints(MHSweepCtx *c, const PetscInt todo[], PetscInt counts[4], int *signal)
{
  MHSweep    *s = c->s;
  PetscMPIInt rank, size, grank;
  MPI_Comm    group;
  PetscInt    g, *list, nlist = 0, mine[4] = {0, 0, 0, 0};
  MPI_Win     win;
  int64_t    *counter;
  int         sig = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(c->comm, &rank));
  PetscCallMPI(MPI_Comm_size(c->comm, &size));
  g = rank / c->ranks_per_run;
  PetscCallMPI(MPI_Comm_split(c->comm, (int)g, rank, &group));
  PetscCallMPI(MPI_Comm_rank(group, &grank));
  PetscCall(PetscMalloc1(s->npoints, &list));
  for (PetscInt p = 0; p < s->npoints; p++)
    if (todo[p]) list[nlist++] = p;
  PetscCallMPI(MPI_Win_allocate(rank ? 0 : (MPI_Aint)sizeof(int64_t), sizeof(int64_t), MPI_INFO_NULL, c->comm, &counter, &win));
  if (!rank) { /* the window's memory, under its lock */
    PetscCallMPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win));
    *counter = 0;
    PetscCallMPI(MPI_Win_unlock(0, win));
  }
  PetscCallMPI(MPI_Barrier(c->comm));
  while (!sig) {
    int64_t        one = 1, next = 0;
    PetscInt       p;
    PetscOptions   o;
    MHPointStatus  st;
    char           where[1024], text[768], id[32], checkpoint[PETSC_MAX_PATH_LEN] = "";
    int            status = 0, flag = 0;
    PetscErrorCode ierr;
    PetscLogDouble t0, t1;
    /* a signal between runs: stop here, before the next one starts */
    flag = MHSignalsPending();
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MAX, group));
    if (flag) {
      sig = flag;
      break;
    }
    if (!grank) {
      PetscCallMPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
      PetscCallMPI(MPI_Fetch_and_op(&one, &next, MPI_INT64_T, 0, 0, MPI_SUM, win));
      PetscCallMPI(MPI_Win_unlock(0, win));
    }
    PetscCallMPI(MPI_Bcast(&next, 1, MPI_INT64_T, 0, group));
    if (next >= nlist) break;
    p = list[next];
    MHPointText(s, p, text, sizeof text);
    MHPointId(c, p, id, sizeof id);
    if (!grank) MHStatusRead(c, p, &st);
    if (todo[p] == 2 && !grank) PetscCall(PetscStrncpy(checkpoint, st.checkpoint, sizeof checkpoint));
    PetscCallMPI(MPI_Bcast(checkpoint, sizeof checkpoint, MPI_CHAR, 0, group));
    if (!grank) PetscCall(MHStatusWrite(c, p, "running", NULL, NULL, 0));
    PetscCall(PetscSNPrintf(where, sizeof where, "sweep point %s (%s)", id, text));
    PetscCall(PetscTime(&t0));
    PetscCall(MHPointOptions(c, p, PETSC_TRUE, checkpoint, &o));
    PetscCall(PetscOptionsPush(o));
    MHErrorContextSet(where, group);
    ierr = MHRunOne(group, &status, checkpoint, sizeof checkpoint);
    MHErrorContextSet(NULL, MPI_COMM_NULL);
    PetscCall(PetscOptionsPop());
    PetscCall(PetscOptionsDestroy(&o));
    PetscCall(PetscTime(&t1));
    if (!grank) {
      const char *what = ierr ? "failed" : status == MH_EXIT_CHECKPOINTED ? "stopped"
                                                                          : "done";
      PetscCall(MHStatusWrite(c, p, what, checkpoint, ierr ? (MHErrorLast()[0] ? MHErrorLast() : "the run failed (see its log)") : NULL, (PetscReal)(t1 - t0)));
      printf("[sweep] %s %s (%s): %s%s in %.1f s\n", id, what, text, ierr ? MHErrorLast() : status == MH_EXIT_CHECKPOINTED ? checkpoint
                                                                                                                           : "ok",
          todo[p] == 2 ? ", continued from its checkpoint" : "", t1 - t0);
      fflush(stdout);
    }
    if (!grank) { /* counted once per group */
      mine[0]++;
      mine[ierr ? 2 : status == MH_EXIT_CHECKPOINTED ? 3
                                                     : 1]++;
    }
    if (status == MH_EXIT_CHECKPOINTED) sig = MHSignalsPending() ? MHSignalsPending() : -1;
  }
  PetscCallMPI(MPI_Barrier(c->comm)); /* no group draws from the counter any more */
  PetscCallMPI(MPI_Win_free(&win));
  PetscCall(PetscFree(list));
  PetscCallMPI(MPI_Comm_free(&group));
  PetscCallMPI(MPI_Allreduce(mine, counts, 4, MPIU_INT, MPI_SUM, c->comm));
  /* a signal number, or -1 for a run that stopped at -max_wall_time */
  PetscCallMPI(MPI_Allreduce(&sig, signal, 1, MPI_INT, MPI_MAX, c->comm));
  if (!*signal) PetscCallMPI(MPI_Allreduce(&sig, signal, 1, MPI_INT, MPI_MIN, c->comm));
  PetscFunctionReturn(0);
}

/* ----------------------------------------------------------------------------------------------
   The driver */

/* Options given on the command line that nothing has read yet: they go to every run. */
static PetscErrorCode MHSweepExtraOptions(MHSweep *s)
{
  PetscInt n;
  char   **names, **values;
  size_t   len = 1;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++)
    len += strlen(names[i]) + (values[i] ? strlen(values[i]) : 0) + 3;
  PetscCall(PetscCalloc1(len, &s->extra));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool set;
    for (PetscInt k = 0; k < s->nparams; k++)
      PetscCheck(strcmp(names[i], s->param[k].name), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-%s on the command line: the sweep %s varies it (line %d); leave it out", names[i], s->file, s->param[k].line);
    PetscCheck(!values[i] || !strchr(values[i], ' '), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-%s '%s': a sweep passes command-line options to its runs, and cannot pass values with spaces; put it in the sweep file's options:", names[i], values[i]);
    MHStrlcat(s->extra, i ? " -" : "-", len);
    MHStrlcat(s->extra, names[i], len);
    if (values[i]) {
      MHStrlcat(s->extra, " ", len);
      MHStrlcat(s->extra, values[i], len);
    }
    {
      char opt[PETSC_MAX_PATH_LEN];
      PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s", names[i]));
      PetscCall(PetscOptionsHasName(NULL, NULL, opt, &set)); /* read: passed on */
    }
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSweepRun(MPI_Comm comm, int *exit_status)
{
  MHSweepCtx  c;
  MHSweep    *s;
  char        file[PETSC_MAX_PATH_LEN] = "", outdir[PETSC_MAX_PATH_LEN] = "";
  PetscMPIInt rank, size;
  PetscBool   help, index_set;
  PetscInt   *todo, counts[4] = {0, 0, 0, 0}, gathered[5] = {0, 0, 0, 0, 0}, ntodo = 0;
  int         signal = 0;
  MHLock      lock   = {-1, ""};

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&c, sizeof c));
  c.comm          = comm;
  c.ranks_per_run = 1;
  c.index         = -1;
  c.batch         = 1;
  c.slurm_batch   = 1;
  c.slurm_grace   = 300;
  *exit_status    = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscOptionsBegin(comm, NULL, "Parameter sweeps (a sweep file: configs/sweeps/; README \"Parameter sweeps\")", NULL);
  PetscCall(PetscOptionsString("-sweep", "Run the points of this sweep file (YAML); points already done are skipped", "file", file, file, sizeof file, NULL));
  PetscCall(PetscOptionsInt("-sweep_ranks_per_run", "MPI ranks per run: the ranks split into groups of this many, each running its share of the points", "ranks", c.ranks_per_run, &c.ranks_per_run, NULL));
  PetscCall(PetscOptionsString("-sweep_output_dir", "Folder of the runs, manifest and summary (default: the file's output_dir, else out/sweeps/<name>)", "folder", outdir, outdir, sizeof outdir, NULL));
  PetscCall(PetscOptionsBool("-sweep_list", "Check the sweep and list its points with their status; run nothing", "flag", c.list, &c.list, NULL));
  PetscCall(PetscOptionsInt("-sweep_index", "Run only the points of this batch (a SLURM array task): points index*batch ... index*batch + batch - 1; no gathering", "index", c.index, &c.index, &index_set));
  PetscCall(PetscOptionsInt("-sweep_batch", "Points per -sweep_index", "points", c.batch, &c.batch, NULL));
  PetscCall(PetscOptionsBool("-sweep_gather", "Only gather: write summary.h5, summary.csv and manifest.csv from the runs there are", "flag", c.gather, &c.gather, NULL));
  PetscCall(PetscOptionsBool("-sweep_force", "Rerun every point, also those done", "flag", c.force, &c.force, NULL));
  PetscCall(PetscOptionsString("-sweep_slurm", "Write a SLURM array script (sbatch) for the sweep to this file; run nothing", "file", c.slurm, c.slurm, sizeof c.slurm, NULL));
  PetscCall(PetscOptionsInt("-sweep_slurm_batch", "Points per array task", "points", c.slurm_batch, &c.slurm_batch, NULL));
  PetscCall(PetscOptionsInt("-sweep_slurm_throttle", "At most this many array tasks at once (0: no limit)", "tasks", c.slurm_throttle, &c.slurm_throttle, NULL));
  PetscCall(PetscOptionsString("-sweep_slurm_time", "Time limit per array task, as sbatch --time takes it (e.g. 02:00:00); the task gets SIGUSR1 -sweep_slurm_grace s before it and checkpoints", "HH:MM:SS", c.slurm_time, c.slurm_time, sizeof c.slurm_time, NULL));
  PetscCall(PetscOptionsInt("-sweep_slurm_grace", "Seconds before the time limit at which a task is told to checkpoint and stop", "s", c.slurm_grace, &c.slurm_grace, NULL));
  PetscCall(PetscOptionsString("-sweep_slurm_partition", "sbatch --partition", "name", c.slurm_partition, c.slurm_partition, sizeof c.slurm_partition, NULL));
  PetscCall(PetscOptionsString("-sweep_slurm_account", "sbatch --account", "name", c.slurm_account, c.slurm_account, sizeof c.slurm_account, NULL));
  PetscCall(PetscOptionsString("-sweep_slurm_sbatch", "Extra #SBATCH directives for the array, separated by ';' (e.g. \"--mem=8G;--mail-type=END,FAIL\"); on the command line the option may also be repeated", "directives", c.slurm_sbatch, c.slurm_sbatch, sizeof c.slurm_sbatch, NULL));
  if (MHOptionsTaken("-sweep_slurm_sbatch")[0]) { /* the command line's, after an options file's */
    if (c.slurm_sbatch[0]) MHStrlcat(c.slurm_sbatch, ";", sizeof c.slurm_sbatch);
    MHStrlcat(c.slurm_sbatch, MHOptionsTaken("-sweep_slurm_sbatch"), sizeof c.slurm_sbatch);
  }
  PetscCall(PetscOptionsString("-sweep_slurm_prelude", "A file of shell lines each task runs before microheal (e.g. module load petsc)", "file", c.slurm_prelude, c.slurm_prelude, sizeof c.slurm_prelude, NULL));
  PetscCall(PetscOptionsString("-sweep_slurm_launcher", "Command that starts a run's ranks in a task (default: none for 1 rank, mpiexec -n K for K)", "command", c.slurm_launcher, c.slurm_launcher, sizeof c.slurm_launcher, NULL));
  PetscOptionsEnd();
  if (help) PetscFunctionReturn(0);
  PetscCheck(file[0], comm, PETSC_ERR_USER_INPUT, "-sweep: give the sweep file (configs/sweeps/*.yaml)");
  PetscCheck(c.ranks_per_run >= 1 && size % c.ranks_per_run == 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_ranks_per_run %" PetscInt_FMT ": must divide the %d ranks", c.ranks_per_run, size);
  PetscCheck(c.batch >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_batch %" PetscInt_FMT ": must be >= 1", c.batch);
  PetscCheck(c.slurm_batch >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_slurm_batch %" PetscInt_FMT ": must be >= 1", c.slurm_batch);
  PetscCheck(c.slurm_throttle >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_slurm_throttle %" PetscInt_FMT ": must be >= 0", c.slurm_throttle);
  PetscCheck(c.slurm_grace >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_slurm_grace %" PetscInt_FMT ": must be >= 0 [s]", c.slurm_grace);
  PetscCall(PetscNew(&s));
  c.s = s;
  PetscCall(MHSweepRead(s, file));
  if (outdir[0]) PetscCall(PetscStrncpy(s->outdir, outdir, sizeof s->outdir));
  PetscCheck(!index_set || (c.index >= 0 && c.index * c.batch < s->npoints), comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_index %" PetscInt_FMT ": out of range; the %" PetscInt_FMT " points make %" PetscInt_FMT " batches of %" PetscInt_FMT, c.index, s->npoints, (s->npoints + c.batch - 1) / c.batch, c.batch);
  for (c.width = 4; s->npoints > 1 && (PetscInt)PetscPowReal(10, (PetscReal)c.width) < s->npoints; c.width++) { }
  PetscCall(MHSweepExtraOptions(s));
  PetscCall(MHSweepCheck(&c));
  if (c.list) {
    if (!rank) PetscCall(MHSweepListPoints(&c));
  } else if (c.slurm[0]) {
    if (!rank) PetscCall(MHSweepSlurm(&c));
  } else {
    char runs[PETSC_MAX_PATH_LEN];
    PetscCall(PetscSNPrintf(runs, sizeof runs, "%s/runs", s->outdir));
    if (!rank) PetscCall(MHMakeFolder(PETSC_COMM_SELF, runs));
    /* one sweep at a time on a folder; the tasks of a SLURM array share it (each point's output
       has a lock of its own) */
    if (!index_set) {
      char why[2 * PETSC_MAX_PATH_LEN] = "", name[PETSC_MAX_PATH_LEN + 16];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s/sweep", s->outdir));
      if (!rank) MHLockTake(name, &lock, why, sizeof why);
      PetscCall(MHCheckWhy(comm, PETSC_ERR_FILE_OPEN, "-sweep_output_dir", s->outdir, why, sizeof why));
    }
    PetscCall(PetscCalloc1(s->npoints, &todo));
    if (!c.gather && !rank) {
      MHPointStatus st;
      PetscInt      lo = index_set ? c.index * c.batch : 0, hi = index_set ? PetscMin(s->npoints, lo + c.batch) : s->npoints;
      for (PetscInt p = lo; p < hi; p++)
        ntodo += (todo[p] = MHPointTodo(&c, p, &st)) ? 1 : 0;
      printf("[sweep] %s: %" PetscInt_FMT " point%s%s, %" PetscInt_FMT " to run on %d group%s of %" PetscInt_FMT " rank%s (%s)\n", s->name, hi - lo, hi - lo > 1 ? "s" : "", index_set ? " in this batch" : "", ntodo, size / (int)c.ranks_per_run, size / (int)c.ranks_per_run > 1 ? "s" : "", c.ranks_per_run, c.ranks_per_run > 1 ? "s" : "", s->outdir);
      fflush(stdout);
    }
    PetscCallMPI(MPI_Bcast(todo, (PetscMPIInt)s->npoints, MPIU_INT, 0, comm));
    PetscCall(MHSignalsInstall());
    PetscCall(MHSweepRunPoints(&c, todo, counts, &signal));
    PetscCall(MHSignalsRestore());
    PetscCall(PetscFree(todo));
    if (!rank) PetscCall(MHSweepGather(&c, (PetscBool)!index_set, gathered));
    PetscCallMPI(MPI_Bcast(gathered, 5, MPIU_INT, 0, comm));
    if (!rank) {
      if (counts[0] || !c.gather) printf("[sweep] ran %" PetscInt_FMT " point%s: %" PetscInt_FMT " done, %" PetscInt_FMT " failed, %" PetscInt_FMT " stopped with a checkpoint\n", counts[0], counts[0] == 1 ? "" : "s", counts[1], counts[2], counts[3]);
      if (!index_set)
        printf("[sweep] %s/summary.h5 and summary.csv: %" PetscInt_FMT " of %" PetscInt_FMT " points done (%" PetscInt_FMT " failed, %" PetscInt_FMT " stopped, %" PetscInt_FMT " running, %" PetscInt_FMT " not run); figures: scripts/sweep_plot.py %s/summary.h5 --list\n", s->outdir, gathered[0], s->npoints, gathered[1], gathered[2], gathered[3], gathered[4], s->outdir);
      if (signal) printf("[sweep] stopped by %s: rerun the same command to continue (points done are skipped; a stopped run continues from its checkpoint)\n", signal > 0 ? (signal == SIGTERM ? "SIGTERM" : "SIGUSR1") : "-max_wall_time");
      fflush(stdout);
    }
    if (signal)
      *exit_status = MH_EXIT_CHECKPOINTED;
    else if (counts[2] || (!index_set && gathered[1])) { /* failed now, or found failed by the gathering */
      PetscInt nfailed = PetscMax(counts[2], index_set ? 0 : gathered[1]);
      if (!rank) fprintf(stderr, "microheal: error: sweep %s: %" PetscInt_FMT " point%s failed (messages in %s/manifest.csv); rerun the same command to retry them\n", s->name, nfailed, nfailed > 1 ? "s" : "", s->outdir);
      *exit_status = 1;
    }
    MHLockRelease(&lock);
  }
  PetscCall(PetscFree(c.signature));
  PetscCall(MHSweepDestroy(s));
  PetscCall(PetscFree(s));
  PetscFunctionReturn(0);
}
