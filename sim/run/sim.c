/* The simulation object: options, set-up, the time loop's monitor (outputs, progress, outcomes),
   and the summary at the end. */
#include "mhrun.h"
#include <sys/resource.h>
#include <unistd.h>

static const char *const MHJacobianTypes[] = {"analytic", "fd_coloring", NULL};
#define MH_OUTPUTS_PER_STEP 64

/* A unit for printing after a number: nothing for dimensionless quantities. */
static const char *MHUnit(const char *unit)
{
  return strcmp(unit, "1") ? unit : "";
}

PetscErrorCode MHSimCreate(MPI_Comm comm, MHSim *sim)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(sim));
  (*sim)->comm         = comm;
  (*sim)->d.comm       = comm;
  (*sim)->negative_tol = -1;   /* the step's absolute tolerance, -ts_atol */
  (*sim)->newton_wtol  = 0.05; /* SUNDIALS CVODE and SciPy BDF use 0.03 to 0.1 */
  (*sim)->out.lock.fd  = -1;
  (*sim)->out.open_fd  = -1;
  (*sim)->chk.lock.fd  = -1;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimSetFromOptions(MHSim sim)
{
  char      name[MH_NAME_LEN] = "";
  PetscInt  jac               = 0;
  PetscBool version           = MHVersionAsked();
  MHModel   m;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasHelp(NULL, &sim->help));
  PetscOptionsBegin(sim->comm, NULL, "microheal: model and run", NULL);
  PetscCall(PetscOptionsString("-model", "Model to run (the list follows with -help)", "name", name, name, sizeof name, NULL));
  PetscCall(PetscOptionsBool("-version", "Print the version and git revision", "flag", version, &version, NULL));
  PetscCall(PetscOptionsBool("-quiet", "No progress lines or summary", "flag", sim->quiet, &sim->quiet, NULL));
  sim->progress_interval = 10;
  PetscCall(PetscOptionsReal("-progress_interval", "Wall time between progress lines when the output is not a terminal (0: a line at each output time only); on a terminal the line is updated in place", "s", sim->progress_interval, &sim->progress_interval, NULL));
  PetscCheck(sim->progress_interval >= 0 && !PetscIsInfOrNanReal(sim->progress_interval), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-progress_interval %g: must be >= 0 [s]", (double)sim->progress_interval);
  {
    PetscBool set;
    PetscCall(PetscOptionsReal("-negative_tolerance", "A step taking a density below minus this is rejected and retried smaller (default: the absolute step tolerance -ts_atol, below which values are not controlled anyway)", "field units", sim->negative_tol, &sim->negative_tol, &set));
    PetscCheck(!set || (sim->negative_tol >= 0 && !PetscIsInfOrNanReal(sim->negative_tol)), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-negative_tolerance %g: must be >= 0", (double)sim->negative_tol);
  }
  PetscCall(PetscOptionsReal("-newton_tolerance", "Newton stops once its update, weighted by the step tolerances (RMS of du / (ts_atol + ts_rtol |u|)), times min(1, rate / (1 - rate)), is below this; 0: only SNES's own tests", "dimensionless", sim->newton_wtol, &sim->newton_wtol, NULL));
  PetscCheck(sim->newton_wtol >= 0 && !PetscIsInfOrNanReal(sim->newton_wtol), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-newton_tolerance %g: must be >= 0", (double)sim->newton_wtol);
  PetscCall(MHOptionsCheckChoice(sim->comm, "-jacobian", MHJacobianTypes, 2));
  PetscCall(PetscOptionsEList("-jacobian", "Jacobian: the model's analytic one, or finite differences with colouring", "choice", MHJacobianTypes, 2, MHJacobianTypes[0], &jac, NULL));
  PetscOptionsEnd();
  if (version) PetscCall(MHPrintVersion(sim->comm));
  if (!name[0]) {
    if (sim->help) PetscCall(MHModelList(sim->comm, PETSC_STDOUT));
    PetscCheck(sim->help || version, sim->comm, PETSC_ERR_USER_INPUT, "no model chosen: pass -model NAME (microheal -help lists the models), usually through -options_file configs/<case>.yaml");
    sim->help = PETSC_TRUE; /* nothing to run */
    PetscFunctionReturn(0);
  }
  PetscCall(MHModelCreate(sim->comm, name, &sim->d.model));
  m                      = sim->d.model;
  sim->analytic_jacobian = (PetscBool)(jac == 0);
  if (!m->ops.reaction_jacobian) sim->analytic_jacobian = PETSC_FALSE;

  PetscCall(MHSetupDefaults(&sim->setup));
  if (m->ops.setfromoptions) {
    char title[128];
    PetscCall(PetscSNPrintf(title, sizeof title, "Model %s (length in %s, time in %s)", m->name, m->length_unit, m->time_unit));
    PetscOptionsBegin(sim->comm, NULL, title, NULL);
    PetscCall(m->ops.setfromoptions(m, PetscOptionsObject, &sim->setup));
    PetscOptionsEnd();
  }
  PetscOptionsBegin(sim->comm, NULL, "Grid, time span and output", NULL);
  PetscCall(MHGridSetFromOptions(PetscOptionsObject, &sim->d.grid, m, &sim->setup));
  {
    char help[128];
    PetscCall(PetscSNPrintf(help, sizeof help, "End time"));
    PetscCall(PetscOptionsReal("-t_end", help, m->time_unit, sim->setup.t_end, &sim->setup.t_end, NULL));
    PetscCheck(sim->setup.t_end > 0 && !PetscIsInfOrNanReal(sim->setup.t_end), sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-t_end %g: must be > 0", (double)sim->setup.t_end);
    PetscCall(PetscSNPrintf(help, sizeof help, "First time step (0: t_end * 1e-4)"));
    PetscCall(PetscOptionsReal("-dt_initial", help, m->time_unit, sim->setup.dt_initial, &sim->setup.dt_initial, NULL));
    PetscCheck(sim->setup.dt_initial >= 0 && sim->setup.dt_initial <= sim->setup.t_end, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-dt_initial %g: must lie in [0, t_end = %g]", (double)sim->setup.dt_initial, (double)sim->setup.t_end);
    sim->t_end = sim->setup.t_end;
  }
  PetscCall(MHOutputSetFromOptions(sim, PetscOptionsObject));
  PetscOptionsEnd();
  PetscOptionsBegin(sim->comm, NULL, "Checkpoints, restarts and job-time limits", NULL);
  PetscCall(MHCheckpointSetFromOptions(sim, PetscOptionsObject));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* The check for unknown options (sys/unknown.c), with the model's options as the names a typo
   is compared with. */
PetscErrorCode MHSimCheckUnused(MHSim sim, PetscBool early)
{
  MHModel     m = sim->d.model;
  PetscInt    n = 0;
  char        names[MH_MAX_PARAMS][2 * MH_NAME_LEN + 2];
  const char *known[MH_MAX_PARAMS];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; m && i < m->nparams; i++) {
    PetscBool seen = PETSC_FALSE;
    PetscCall(PetscSNPrintf(names[n], sizeof names[n], "%s_%s", m->name, m->param[i].name));
    names[n][strcspn(names[n], ".")] = 0; /* per-layer values: name.layer */
    for (PetscInt j = 0; j < n && !seen; j++)
      seen = (PetscBool)!strcmp(names[j], names[n]);
    if (seen) continue;
    known[n] = names[n];
    n++;
  }
  PetscCall(MHOptionsCheckUnused(sim->comm, early, n, known));
  PetscFunctionReturn(0);
}

/* Ends an in-place progress line, so that what follows starts on a line of its own. */
PetscErrorCode MHProgressClear(MHSim sim)
{
  PetscFunctionBeginUser;
  if (!sim->progress_open) PetscFunctionReturn(0);
  PetscCall(PetscPrintf(sim->comm, "\r\033[K"));
  sim->progress_open = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* The progress line: simulated time of the end time, percent, step, step size, wall time and the
   time left (extrapolated from the simulated time per wall second so far). On a terminal it is
   rewritten in place at most 4 times a second; otherwise a line at every output time and at
   least every -progress_interval seconds. Rank 0 decides and prints; nothing here is collective. */
static PetscErrorCode MHProgress(MHSim sim, PetscReal t, PetscReal dt, PetscInt step, PetscBool at_output)
{
  PetscLogDouble now, wall;
  PetscReal      frac = sim->t_end > 0 ? t / sim->t_end : 1;
  PetscBool      line;
  char           msg[256], left[64] = "";
  const char    *unit = MHUnit(sim->d.model->time_unit);

  PetscFunctionBeginUser;
  if (sim->quiet) PetscFunctionReturn(0);
  PetscCall(PetscTime(&now));
  wall = now - sim->wall_start;
  if (sim->tty)
    line = (PetscBool)(now - sim->progress_last >= 0.25 || frac >= 1);
  else
    line = (PetscBool)(at_output || (sim->progress_interval > 0 && now - sim->progress_last >= sim->progress_interval));
  if (!line) PetscFunctionReturn(0);
  sim->progress_last = now;
  if (frac >= 0.01 && frac < 1) { /* extrapolate once there is something to go on */
    PetscLogDouble rest = wall * (1 - frac) / frac;
    if (rest < 120)
      PetscCall(PetscSNPrintf(left, sizeof left, "  left ~%.0f s", rest));
    else if (rest < 7200)
      PetscCall(PetscSNPrintf(left, sizeof left, "  left ~%.1f min", rest / 60));
    else
      PetscCall(PetscSNPrintf(left, sizeof left, "  left ~%.1f h", rest / 3600));
  }
  PetscCall(PetscSNPrintf(msg, sizeof msg, "[microheal] t = %.4g of %.6g %s (%5.1f%%)  step %" PetscInt_FMT "  dt %.3g %s  wall %.1f s%s", (double)t, (double)sim->t_end, unit, (double)(100 * frac), step, (double)dt, unit, wall, left));
  if (sim->tty) {
    PetscCall(PetscPrintf(sim->comm, "\r\033[K%s", msg));
    if (sim->rank0) fflush(PETSC_STDOUT);
    sim->progress_open = PETSC_TRUE;
  } else
    PetscCall(PetscPrintf(sim->comm, "%s\n", msg));
  PetscFunctionReturn(0);
}

/* After every accepted step (a TS post-step, so a stop request ends the run at once) and once
   for the initial state: the monitor row, outputs due by now (interpolated to their exact times),
   progress, the model's stop request, and, after the first step (when every solver option has
   been read), the check for unknown options. */
static PetscErrorCode MHAfterStep(MHSim sim, PetscBool stepped)
{
  TS        ts = sim->ts;
  MHOutput *o  = &sim->out;
  PetscReal row[2 + 3 * MH_MAX_FIELDS + MH_MAX_OUTCOMES], t, tprev;
  PetscBool stop, wrote = PETSC_FALSE;
  PetscInt  step;
  Vec       U;

  PetscFunctionBeginUser;
  PetscCall(TSGetTime(ts, &t));
  PetscCall(TSGetStepNumber(ts, &step));
  PetscCall(TSGetSolution(ts, &U));
  tprev = t;
  if (stepped) PetscCall(TSGetPrevTime(ts, &tprev)); /* else dt = 0: the initial state, or just after an event */
  PetscCall(MHMonitorCompute(sim, t, t - tprev, U, row, &stop));
  PetscCall(MHOutputAppendRow(sim, row));
  while (o->next < o->ntimes && o->times[o->next] <= t + 1e-12 * PetscMax(1.0, PetscAbsReal(t))) {
    PetscReal to = o->times[o->next];
    /* an output at the time of a pending event shows the state after it */
    if (sim->event_next < sim->d.model->nevents && PetscAbsReal(to - sim->d.model->event_time[sim->event_next]) <= 1e-12 * PetscMax(1.0, sim->t_end)) break;
    if (PetscAbsReal(to - t) <= 1e-12 * PetscMax(1.0, PetscAbsReal(t)))
      PetscCall(MHOutputWriteFields(sim, to, U));
    else {
      Vec W;
      PetscCall(VecDuplicate(U, &W));
      PetscCall(TSInterpolate(ts, to, W));
      PetscCall(MHOutputWriteFields(sim, to, W));
      PetscCall(VecDestroy(&W));
    }
    o->next++;
    wrote = PETSC_TRUE;
  }
  if (stop) {
    if (!wrote) PetscCall(MHOutputWriteFields(sim, t, U));
    wrote = PETSC_TRUE;
    PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
    sim->stopped = PETSC_TRUE;
  }
  if (wrote) PetscCall(MHOutputStepDone(sim));
  /* a step covers at most MH_OUTPUTS_PER_STEP output times, so that a signal is honoured within
     that many outputs (outputs are written after the step; a few thousand take seconds) */
  if (o->enabled && o->next < o->ntimes && !sim->stopped) {
    TSAdapt   adapt;
    PetscReal hmax = PetscMin(sim->dt_max, o->times[PetscMin(o->next + MH_OUTPUTS_PER_STEP, o->ntimes - 1)] - t), dt;
    if (hmax > 0) {
      PetscCall(TSGetAdapt(ts, &adapt));
      PetscCall(TSAdaptSetStepLimits(adapt, PETSC_DEFAULT, hmax));
      PetscCall(TSGetTimeStep(ts, &dt));
      if (dt > hmax) PetscCall(TSSetTimeStep(ts, hmax));
    }
  }
  PetscCall(MHProgress(sim, t, t - tprev, step, wrote));
  if (step >= 1 && !sim->unused_checked) {
    PetscCall(MHSimCheckUnused(sim, PETSC_FALSE));
    sim->unused_checked = 1;
    PetscCall(MHCheckpointRemoveStale(sim)); /* every option checked: the earlier run's checkpoints go */
  }
  if (!sim->stopped) PetscCall(MHCheckpointAfterStep(sim));
  PetscFunctionReturn(0);
}

/* The model's next event, applied to the state in place. */
static PetscErrorCode MHApplyEvent(MHSim sim)
{
  MHModel   m = sim->d.model;
  PetscInt  k = sim->event_next;
  PetscReal t = m->event_time[k];

  PetscFunctionBeginUser;
  PetscCall(m->ops.event(m, &sim->d.grid, k, t, sim->U));
  sim->event_next++;
  PetscCall(MHProgressClear(sim));
  if (!sim->quiet) PetscCall(PetscPrintf(sim->comm, "[microheal] event %" PetscInt_FMT " of %" PetscInt_FMT " at t = %.6g %s\n", k + 1, m->nevents, (double)t, MHUnit(m->time_unit)));
  PetscFunctionReturn(0);
}

static PetscErrorCode MHTSPostStep(TS ts)
{
  MHSim sim;

  PetscFunctionBeginUser;
  PetscCall(TSGetApplicationContext(ts, &sim));
  PetscCall(MHAfterStep(sim, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* Memory a cell takes, at least: 30 state-sized vectors (integrator stages, Newton and Krylov
   work, output) and the Jacobian with its multigrid levels (12 bytes a nonzero, a third more for
   the coarse levels), with a coupling to each face neighbour for the diagonal of each field. */
static double MHBytesPerCell(PetscInt nf, PetscInt dim)
{
  return 8.0 * 30 * nf + 12.0 * 4 / 3 * nf * (nf + 2 * dim);
}

/* MemAvailable of this node, from /proc/meminfo [bytes]; -1 when unknown. */
static double MHNodeMemAvailable(void)
{
  FILE  *fp = fopen("/proc/meminfo", "r");
  char   line[256];
  double kb = -1;

  if (!fp) return -1;
  while (fgets(line, sizeof line, fp))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
  fclose(fp);
  return kb < 0 ? -1 : kb * 1024;
}

/* Before the grid is built: its unknowns and the Jacobian's nonzeros fit PETSc's indices, and its
   memory fits the nodes (each node's share against what the node has available, each rank's
   against its address-space limit), with what to change when not. */
static PetscErrorCode MHResourcesCheck(MHSim sim)
{
  const MHGrid *g     = &sim->d.grid;
  PetscInt      nf    = sim->d.model->nf;
  double        cells = (double)g->n[0] * g->n[1] * g->n[2], unknowns = cells * nf, nnz = unknowns * (nf + 2 * g->dim);
  double        need = cells * MHBytesPerCell(nf, g->dim), share, avail, worst[2] = {0, 0}, all[2];
  char          a[32], b[32];
  PetscMPIInt   size, lsize, lrank;
  MPI_Comm      node;
  struct rlimit rl;

  PetscFunctionBeginUser;
  PetscCheck(nnz < (double)PETSC_MAX_INT, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "the grid of %.0f cells (%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ") has %.3g unknowns and %.3g Jacobian nonzeros; this PETSc build counts them in %d-bit integers (at most %d): use a coarser grid (-nx, -ny, -nz), or a PETSc configured --with-64-bit-indices", cells, g->n[0], g->n[1], g->n[2], unknowns, nnz, (int)(8 * sizeof(PetscInt)), (int)PETSC_MAX_INT);
  PetscCallMPI(MPI_Comm_size(sim->comm, &size));
  PetscCallMPI(MPI_Comm_split_type(sim->comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &lsize));
  PetscCallMPI(MPI_Comm_rank(node, &lrank));
  PetscCallMPI(MPI_Comm_free(&node));
  share = need * lsize / size;
  avail = lrank ? -1 : MHNodeMemAvailable();
  if (avail > 0) worst[0] = share / avail;
  if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY) worst[1] = need / size / (double)rl.rlim_cur;
  PetscCallMPI(MPI_Allreduce(worst, all, 2, MPI_DOUBLE, MPI_MAX, sim->comm));
  MHBytesText(need, a, sizeof a);
  MHBytesText(need / cells, b, sizeof b);
  PetscCheck(all[0] <= 1, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "the grid of %.0f cells (%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ") needs at least %s of memory (%s a cell), %.1f times what a node has available for its %d rank%s: use a coarser grid (-nx, -ny, -nz), or more nodes", cells, g->n[0], g->n[1], g->n[2], a, b, all[0], (int)lsize, lsize > 1 ? "s" : "");
  PetscCheck(all[1] <= 1, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "the grid of %.0f cells (%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ") needs at least %s of memory (%s a cell), %.1f times a rank's address-space limit (ulimit -v): use a coarser grid, more ranks, or a higher limit", cells, g->n[0], g->n[1], g->n[2], a, b, all[1]);
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimSetUp(MHSim sim)
{
  MHModel      m;
  MHGrid      *g = &sim->d.grid;
  PetscScalar *u;
  PetscInt     k = 0;
  MHCell       cell;

  PetscFunctionBeginUser;
  if (!sim->d.model) PetscFunctionReturn(0);
  m = sim->d.model;
  PetscCall(MHResourcesCheck(sim));
  PetscCall(MHGridCreate(sim->comm, g, m));
  if (m->ops.setup) PetscCall(m->ops.setup(m, g));
  PetscCall(DMCreateGlobalVector(g->da, &sim->U));
  PetscCall(PetscObjectSetName((PetscObject)sim->U, "u"));
  PetscCall(DMCreateLocalVector(g->da, &sim->d.Ulocal));
  PetscCall(DMCreateLocalVector(g->dacoef, &sim->d.coef));
  PetscCall(MHGridFillCoefficients(g, m, sim->d.coef));
  PetscCall(VecGetArray(sim->U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt idx[3] = {i, j, kk};
    MHGridCellOf(g, idx, &cell);
    PetscCall(m->ops.initial(m, &cell, &u[k * m->nf]));
  }
  PetscCall(VecRestoreArray(sim->U, &u));
  if (sim->chk.initial[0] && !sim->help) PetscCall(MHInitialConditionLoad(sim));
  PetscCall(MHSolverSetUp(sim));
  if (sim->chk.restart[0] && !sim->help) PetscCall(MHCheckpointLoad(sim));
  PetscCall(TSSetPostStep(sim->ts, MHTSPostStep));
  /* every option but the solvers' has been read: a typo stops the run before it writes anything */
  if (!sim->help) PetscCall(MHSimCheckUnused(sim, PETSC_TRUE));
  if (!sim->help) PetscCall(MHOutputOpen(sim));
  sim->setup_called = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The summary at the end of a run: time, steps, outcomes, and the files written. */
static PetscErrorCode MHSimSummary(MHSim sim, PetscLogDouble wall)
{
  MHModel     m = sim->d.model;
  MHOutput   *o = &sim->out;
  PetscInt    steps, rejects, width = 8;
  PetscReal   t;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCall(TSGetSolveTime(sim->ts, &t));
  PetscCall(TSGetStepNumber(sim->ts, &steps));
  PetscCall(TSGetStepRejections(sim->ts, &rejects));
  PetscCallMPI(MPI_Comm_size(sim->comm, &size));
  PetscCall(PetscPrintf(sim->comm, "Done: t = %.6g %s in %" PetscInt_FMT " steps (%" PetscInt_FMT " rejected, %" PetscInt_FMT " of them for a negative density), %.2f s wall on %d rank%s%s.\n", (double)t, MHUnit(m->time_unit), steps, rejects, sim->steps_rejected_negative, wall, size, size > 1 ? "s" : "",
      sim->stopped ? "; the model stopped the run" : ""));
  if (sim->chk.why)
    PetscCall(PetscPrintf(sim->comm, "Stopped by %s with a checkpoint: continue with -restart %s-%06" PetscInt_FMT ".h5 and the same options (exit status %d).\n", sim->chk.why, sim->chk.prefix, sim->chk.number, MH_EXIT_CHECKPOINTED));
  for (PetscInt k = 0; k < m->noutcomes; k++)
    width = PetscMax(width, (PetscInt)strlen(m->outcome_name[k]));
  if (m->noutcomes) PetscCall(PetscPrintf(sim->comm, "Outcomes:\n"));
  for (PetscInt k = 0; k < m->noutcomes; k++)
    PetscCall(PetscPrintf(sim->comm, "  %-*s %-14.6g %s\n", (int)width, m->outcome_name[k], (double)sim->outcomes[k], MHUnit(m->outcome_unit[k])));
  if (o->enabled) {
    PetscCall(PetscPrintf(sim->comm, "Files:\n  %s  %" PetscInt_FMT " snapshots of %" PetscInt_FMT " fields, %" PetscInt_FMT " monitor rows (h5py, h5dump -H)\n", o->path, o->nwritten, m->nf, o->nrows));
    if (o->xdmf) PetscCall(PetscPrintf(sim->comm, "  %s  for ParaView (open with \"XDMF Reader\") and VisIt\n", o->xdmf_path));
    PetscCall(PetscPrintf(sim->comm, "  figures: scripts/figures.py %s\n", o->path));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimSolve(MHSim sim)
{
  TSConvergedReason reason;
  PetscReal         t;
  PetscLogDouble    now;
  MHModel           m = sim->d.model;

  PetscFunctionBeginUser;
  PetscCheck(sim->setup_called, sim->comm, PETSC_ERR_ORDER, "call MHSimSetUp() first");
  if (!sim->quiet) {
    PetscCall(MHModelView(m, PETSC_VIEWER_STDOUT_(sim->comm)));
    PetscCall(PetscPrintf(sim->comm, "Grid: %" PetscInt_FMT "-D, %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " cells; end time %g %s; output %s\n", sim->d.grid.dim, sim->d.grid.n[0], sim->d.grid.n[1], sim->d.grid.n[2], (double)sim->t_end, MHUnit(m->time_unit), sim->out.enabled ? sim->out.path : "none"));
    {
      char solver[512];
      SNES snes;
      KSP  ksp;
      PetscCall(TSGetSNES(sim->ts, &snes));
      PetscCall(SNESGetKSP(snes, &ksp));
      PetscCall(MHMultigridDescribe(sim->d.mg, ksp, solver, sizeof solver));
      PetscCall(PetscPrintf(sim->comm, "Linear solver: %s\n", solver));
    }
  }
  PetscCall(PetscTime(&sim->wall_start));
  sim->progress_last = sim->wall_start;
  {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(sim->comm, &rank));
    sim->rank0 = (PetscBool)!rank;
    /* progress updated in place only on a terminal seen as one: under mpiexec plain lines, since
       its pseudo-terminal may stand for a log file (which then filled with carriage returns) */
    sim->tty = (PetscBool)(!rank && isatty(fileno(PETSC_STDOUT)) && !MHUnderLauncher());
  }
  PetscCall(TSSetSolution(sim->ts, sim->U));
  sim->chk.last_wall = sim->wall_start;
  PetscCall(MHSignalsInstall());
  if (!sim->restarted) {
    sim->event_next = 0;
    while (sim->event_next < m->nevents && m->event_time[sim->event_next] <= 0)
      PetscCall(MHApplyEvent(sim));
    PetscCall(MHAfterStep(sim, PETSC_FALSE)); /* the initial state */
  } else {
    PetscCall(TSGetTime(sim->ts, &t));
    if (!sim->quiet) PetscCall(PetscPrintf(sim->comm, "[microheal] continuing from %s at t = %.6g %s\n", sim->chk.restart, (double)t, MHUnit(m->time_unit)));
  }
  /* integrate from event to event: each run of TSSolve ends exactly on the next event's time */
  while (!sim->stopped) {
    PetscBool event  = (PetscBool)(sim->event_next < m->nevents && m->event_time[sim->event_next] < sim->t_end);
    PetscReal target = event ? m->event_time[sim->event_next] : sim->t_end;
    PetscCall(TSGetTime(sim->ts, &t));
    if (t < target - 1e-12 * PetscMax(1.0, PetscAbsReal(target))) { /* a restart may stand on the target */
      PetscCall(TSSetMaxTime(sim->ts, target));
      PetscCall(TSSolve(sim->ts, sim->U));
      PetscCall(TSGetConvergedReason(sim->ts, &reason));
      if (reason < 0 || sim->stopped) break;
    }
    if (!event) break;
    PetscCall(MHApplyEvent(sim));
    PetscCall(TSRestartStep(sim->ts));
    PetscCall(TSSetTimeStep(sim->ts, sim->dt0));
    PetscCall(MHAfterStep(sim, PETSC_FALSE));
  }
  PetscCall(MHSignalsRestore());
  PetscCall(PetscTime(&now));
  PetscCall(TSGetConvergedReason(sim->ts, &reason));
  PetscCall(TSGetSolveTime(sim->ts, &t));
  PetscCall(MHProgressClear(sim));
  PetscCheck(reason >= 0, sim->comm, PETSC_ERR_NOT_CONVERGED, "time integration failed at t = %g %s: %s. Try a smaller -dt_initial, looser -ts_rtol/-ts_atol, or -ts_monitor -snes_converged_reason to see why.", (double)t, m->time_unit, TSConvergedReasons[reason]);
  if (!sim->unused_checked) {
    PetscCall(MHSimCheckUnused(sim, PETSC_FALSE));
    sim->unused_checked = 1;
  }
  PetscCall(MHCheckpointRemoveStale(sim));
  PetscCall(MHOutputCommit(sim, PETSC_TRUE));
  PetscCall(MHOutputFlush(sim));
  if (!sim->quiet) PetscCall(MHSimSummary(sim, now - sim->wall_start));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimDestroy(MHSim *sim)
{
  MHSim s = *sim;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(0);
  PetscCall(MHOutputClose(s));
  PetscCall(TSDestroy(&s->ts));
  PetscCall(MatDestroy(&s->J));
  PetscCall(MHMultigridDestroy(&s->d.mg));
  PetscCall(VecDestroy(&s->U));
  PetscCall(VecDestroy(&s->d.Ulocal));
  PetscCall(VecDestroy(&s->d.coef));
  if (s->d.model) PetscCall(MHGridDestroy(&s->d.grid));
  PetscCall(MHModelDestroy(&s->d.model));
  PetscCall(PetscFree(*sim));
  PetscFunctionReturn(0);
}
