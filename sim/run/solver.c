/* Time stepping: a TS over the whole semi-discrete system, written as F(t, u, u') = u' - R(t, u)
   so every implicit or IMEX integrator of PETSc applies. The default is the L-stable, stiffly
   accurate ARK IMEX 3 scheme used fully implicitly, with error-controlled adaptive steps. */
#include "mhrun.h"

/* Bounds of the default Krylov solve: iterations before it counts as failed, GMRES restart. */
#define MH_KSP_MAX_IT 40
#define MH_KSP_RESTART 20

static PetscErrorCode MHIFunction(TS ts, PetscReal t, Vec U, Vec Udot, Vec F, void *ctx)
{
  MHSim sim = (MHSim)ctx;

  PetscFunctionBeginUser;
  PetscCall(MHOperatorsRHS(&sim->d, t, U, F));
  PetscCall(VecAYPX(F, -1.0, Udot));
  PetscFunctionReturn(0);
}

static PetscErrorCode MHIJacobian(TS ts, PetscReal t, Vec U, Vec Udot, PetscReal shift, Mat A, Mat P, void *ctx)
{
  MHSim sim = (MHSim)ctx;

  PetscFunctionBeginUser;
  PetscCall(MHOperatorsJacobian(&sim->d, t, U, shift, -1.0, P));
  PetscCall(MHMultigridUpdate(sim->d.mg, P));
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

/* A step whose densities fall below minus the negative tolerance is rejected and retried smaller.
   By default that tolerance is the step's absolute tolerance (-ts_atol, or the entry of a vector of
   them): the error control admits errors of that size, so smaller undershoots, as at the foot of a
   pulled front, are within the accuracy asked for, and rejecting them only makes the step sequence
   erratic. Only the stage at the step's end is checked (for the stiffly accurate default schemes,
   ARK IMEX and BDF, it is the new solution): inner stages are not solutions and may undershoot
   further without harm, since the models' rates are defined for small negative densities. */
static PetscErrorCode MHDomainCheck(TS ts, PetscReal t, Vec Y, PetscBool *accept)
{
  MHSim              sim;
  MHModel            m;
  const PetscScalar *y, *va = NULL;
  PetscInt           n, nf;
  PetscReal          atol, tol, worst = 0, gworst, t0, dt;
  Vec                vatol = NULL;

  PetscFunctionBeginUser;
  *accept = PETSC_TRUE;
  PetscCall(TSGetApplicationContext(ts, &sim));
  PetscCall(TSGetTime(ts, &t0));
  PetscCall(TSGetTimeStep(ts, &dt));
  if (PetscAbsReal(t - (t0 + dt)) > 1e-10 * PetscAbsReal(dt)) PetscFunctionReturn(0); /* an inner stage */
  m  = sim->d.model;
  nf = m->nf;
  PetscCall(TSGetTolerances(ts, &atol, &vatol, NULL, NULL));
  tol = sim->negative_tol >= 0 ? sim->negative_tol : atol;
  if (sim->negative_tol < 0 && vatol) PetscCall(VecGetArrayRead(vatol, &va));
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCall(VecGetArrayRead(Y, &y));
  for (PetscInt k = 0; k < n; k += nf)
    for (PetscInt f = 0; f < nf; f++)
      if (m->nonnegative[f]) {
        PetscReal v = PetscRealPart(y[k + f]), lim = va ? PetscRealPart(va[k + f]) : tol;
        if (v < 0) worst = PetscMax(worst, lim > 0 ? -v / lim : PETSC_MAX_REAL);
      }
  PetscCall(VecRestoreArrayRead(Y, &y));
  if (va) PetscCall(VecRestoreArrayRead(vatol, &va));
  PetscCall(MPIU_Allreduce(&worst, &gworst, 1, MPIU_REAL, MPIU_MAX, sim->comm));
  *accept = (PetscBool)(gworst <= 1);
  if (!*accept) sim->steps_rejected_negative++;
  PetscFunctionReturn(0);
}

/* Newton's stopping test, as in SUNDIALS CVODE and SciPy's BDF: the stage needs no more accuracy
   than the step's error control asks for, so Newton stops once its update, in the root mean square
   weighted by the step tolerances, |du| / (atol + rtol |u|), is below newton_wtol, scaled by
   min(1, rate / (1 - rate)) from the second iteration on (rate: the ratio of successive updates),
   which estimates the distance to the root. SNES's own tests (-snes_rtol, ...) still apply. */
static PetscErrorCode MHNewtonConverged(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm, PetscReal fnorm, SNESConvergedReason *reason, void *ctx)
{
  MHSim              sim = (MHSim)ctx;
  Vec                X, dX, vatol, vrtol;
  const PetscScalar *x, *dx, *va = NULL, *vr = NULL;
  PetscReal          atol, rtol, sum[2] = {0, 0}, gsum[2], w, rate;
  PetscInt           n;

  PetscFunctionBeginUser;
  PetscCall(SNESConvergedDefault(snes, it, xnorm, snorm, fnorm, reason, NULL));
  if (*reason || it == 0 || sim->newton_wtol <= 0) {
    if (it == 0) sim->newton_wprev = -1;
    PetscFunctionReturn(0);
  }
  PetscCall(SNESGetSolution(snes, &X));
  PetscCall(SNESGetSolutionUpdate(snes, &dX));
  PetscCall(TSGetTolerances(sim->ts, &atol, &vatol, &rtol, &vrtol));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayRead(dX, &dx));
  if (vatol) PetscCall(VecGetArrayRead(vatol, &va));
  if (vrtol) PetscCall(VecGetArrayRead(vrtol, &vr));
  for (PetscInt i = 0; i < n; i++) { /* entries without a tolerance (atol 0 and x 0) are not weighed, as PETSc's TS norms do */
    PetscReal tol = (va ? PetscRealPart(va[i]) : atol) + (vr ? PetscRealPart(vr[i]) : rtol) * PetscAbsScalar(x[i]);
    if (tol > 0) {
      PetscReal e = PetscAbsScalar(dx[i]) / tol;
      sum[0] += e * e;
      sum[1] += 1;
    }
  }
  if (vr) PetscCall(VecRestoreArrayRead(vrtol, &vr));
  if (va) PetscCall(VecRestoreArrayRead(vatol, &va));
  PetscCall(VecRestoreArrayRead(dX, &dx));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(MPIU_Allreduce(sum, gsum, 2, MPIU_REAL, MPIU_SUM, sim->comm));
  w                 = gsum[1] > 0 ? PetscSqrtReal(gsum[0] / gsum[1]) : 0;
  rate              = sim->newton_wprev > 0 ? w / sim->newton_wprev : -1;
  sim->newton_wprev = w;
  if (rate >= 0 && rate < 1) w *= PetscMin(1, rate / (1 - rate));
  if (PetscIsInfOrNanReal(w))
    *reason = SNES_DIVERGED_FNORM_NAN; /* an update of Inf or NaN is no convergence */
  else if (w <= sim->newton_wtol)
    *reason = SNES_CONVERGED_SNORM_RELATIVE;
  PetscFunctionReturn(0);
}

/* Block fills: the reaction's coupling pattern within a cell; neighbours couple a field to itself
   where it diffuses or moves by taxis or through a conduit, and to its attractant or gate. */
static PetscErrorCode MHSetBlockFills(MHSim sim)
{
  MHModel            m  = sim->d.model;
  PetscInt           nf = m->nf, nc = MHModelCoefficients(m), n;
  PetscInt          *dfill, *ofill;
  PetscReal          lmax[MH_MAX_FIELDS] = {0}, gmax[MH_MAX_FIELDS];
  const PetscScalar *c;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(sim->d.coef, &n));
  PetscCall(VecGetArrayRead(sim->d.coef, &c));
  for (PetscInt k = 0; k < n; k += nc)
    for (PetscInt f = 0; f < nf; f++)
      lmax[f] = PetscMax(lmax[f], PetscRealPart(c[k + f]));
  PetscCall(VecRestoreArrayRead(sim->d.coef, &c));
  PetscCall(MPIU_Allreduce(lmax, gmax, (PetscMPIInt)nf, MPIU_REAL, MPIU_MAX, sim->comm));
  PetscCall(PetscCalloc2(nf * nf, &dfill, nf * nf, &ofill));
  for (PetscInt i = 0; i < nf; i++) {
    for (PetscInt j = 0; j < nf; j++)
      dfill[i * nf + j] = m->coupling[i][j] || i == j;
    if (gmax[i] > 0) ofill[i * nf + i] = 1;
  }
  for (PetscInt t = 0; t < m->ntaxis; t++) {
    PetscInt q = m->taxis_field[t], a = m->taxis_attractant[t];
    ofill[q * nf + q] = 1;
    ofill[q * nf + a] = 1;
    dfill[q * nf + a] = 1;
  }
  for (PetscInt t = 0; t < m->nconduit; t++) { /* a conduit's flux: the field and its gate on both sides */
    PetscInt q = m->conduit_field[t], a = m->conduit_gate[t];
    ofill[q * nf + q] = 1;
    ofill[q * nf + a] = 1;
    dfill[q * nf + a] = 1;
  }
  for (PetscInt k = 0; k < nf * nf; k++) {
    sim->d.dfill[k] = (PetscBool)dfill[k];
    sim->d.ofill[k] = (PetscBool)ofill[k];
  }
  PetscCall(PetscFree2(dfill, ofill));
  PetscFunctionReturn(0);
}

/* The Jacobian's AIJ matrix with its complete nonzero pattern from the block fills, set as COO
   entries (MHOperatorsJacobianPattern; DMCreateMatrix would demand that periodic axes have a
   multiple of three cells). */
static PetscErrorCode MHJacobianMatrix(MHSim sim, Mat *J)
{
  const MHGrid          *g    = &sim->d.grid;
  PetscInt               nloc = g->xm[0] * g->xm[1] * g->xm[2] * g->nf;
  ISLocalToGlobalMapping ltog;
  Mat                    A;

  PetscFunctionBeginUser;
  PetscCall(MatCreate(sim->comm, &A));
  PetscCall(MatSetSizes(A, nloc, nloc, PETSC_DETERMINE, PETSC_DETERMINE));
  PetscCall(MatSetType(A, MATAIJ));
  PetscCall(MatSetBlockSize(A, g->nf));
  PetscCall(DMGetLocalToGlobalMapping(g->daJ, &ltog));
  PetscCall(MatSetLocalToGlobalMapping(A, ltog, ltog));
  PetscCall(MHOperatorsJacobianPattern(&sim->d, A));
  *J = A;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimCreateJacobianMatrix(MHSim sim, Mat *J)
{
  PetscFunctionBeginUser;
  PetscCall(MHJacobianMatrix(sim, J));
  PetscFunctionReturn(0);
}

/* du/dt = R(t, u) for explicit integrators (-ts_type rk, euler, ssp), which read no IFunction. */
static PetscErrorCode MHRHSFunction(TS ts, PetscReal t, Vec U, Vec F, void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(MHOperatorsRHS(&((MHSim)ctx)->d, t, U, F));
  PetscFunctionReturn(0);
}

/* The colouring's Jacobian, then the multigrid's coarse operators from it. */
static PetscErrorCode MHIJacobianColor(TS ts, PetscReal t, Vec U, Vec Udot, PetscReal shift, Mat A, Mat P, void *ctx)
{
  MHSim sim = (MHSim)ctx;

  PetscFunctionBeginUser;
  PetscCall(TSComputeIJacobianDefaultColor(ts, t, U, Udot, shift, A, P, NULL));
  PetscCall(MHMultigridUpdate(sim->d.mg, P));
  PetscFunctionReturn(0);
}

/* The fallback for models without an analytic reaction Jacobian: finite differences of the
   residual with a colouring of the same pattern. */
static PetscErrorCode MHSetColoredJacobian(MHSim sim)
{
  MatColoring   mc;
  ISColoring    iscoloring;
  MatFDColoring color;

  PetscFunctionBeginUser;
  PetscCall(MHJacobianMatrix(sim, &sim->J));
  PetscCall(MatColoringCreate(sim->J, &mc));
  PetscCall(MatColoringSetType(mc, MATCOLORINGSL));
  PetscCall(MatColoringApply(mc, &iscoloring));
  PetscCall(MatColoringDestroy(&mc));
  PetscCall(MatFDColoringCreate(sim->J, iscoloring, &color));
  PetscCall(MatFDColoringSetFunction(color, (PetscErrorCode(*)(void))(void (*)(void))SNESTSFormFunction, sim->ts));
  PetscCall(MatFDColoringSetFromOptions(color));
  PetscCall(MatFDColoringSetUp(sim->J, iscoloring, color));
  PetscCall(PetscObjectCompose((PetscObject)sim->J, "TSMatFDColoring", (PetscObject)color));
  PetscCall(MatFDColoringDestroy(&color));
  PetscCall(ISColoringDestroy(&iscoloring));
  PetscCall(TSSetIJacobian(sim->ts, sim->J, sim->J, MHIJacobianColor, sim));
  PetscFunctionReturn(0);
}

/* Viewers that TSSolve reads only when it returns, long after the first step's check for
   unknown options: taken as read here, so that they are accepted (and honoured at the end). */
static PetscErrorCode MHViewersAtEnd(TS ts)
{
  const char *const names[] = {"-ts_view", "-ts_view_solution", "-ts_trajectory_view"};
  const char       *prefix;
  PetscBool         set;

  PetscFunctionBeginUser;
  PetscCall(TSGetOptionsPrefix(ts, &prefix));
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    PetscCall(PetscOptionsHasName(NULL, prefix, names[k], &set));
  PetscFunctionReturn(0);
}

/* The default linear solver, set before the options so that every -ksp_*, -pc_* and -mg_* option
   still applies on top of it:
   - 1-D: a direct solve (LU in natural order: the block-tridiagonal matrix factors within its
     band), inside GMRES, which converges in one iteration;
     on several ranks MUMPS when PETSc has it, else LU of the whole system on every rank;
   - 2-D and 3-D: GMRES preconditioned by geometric multigrid on the grid's hierarchy (multigrid.c),
     V-cycles smoothed by two symmetric Gauss-Seidel (SOR) sweeps before and after
     the coarse correction (point-block Jacobi for models that ask for it: MHSetup.block_smoother)
     and a direct solve on the coarsest level; also when -pc_type mg
     is given, with -pc_mg_levels capping the levels.
   Every Krylov solve is bounded (-ksp_max_it): one that does not converge fails the Newton solve,
   and the integrator retries the step smaller. */
static PetscErrorCode MHLinearSolverDefaults(MHSim sim, SNES snes)
{
  KSP         ksp;
  PC          pc;
  const char *prefix;
  char        pctype[64] = "";
  PetscBool   set, mg;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(sim->comm, &size));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(KSPGetOptionsPrefix(ksp, &prefix));
  PetscCall(PetscOptionsGetString(NULL, prefix, "-pc_type", pctype, sizeof pctype, &set));
  PetscCall(PetscStrcmp(pctype, PCMG, &mg));
  PetscCall(KSPSetTolerances(ksp, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, MH_KSP_MAX_IT));
  if (sim->d.grid.dim == 1) {
    if (set) PetscFunctionReturn(0);
    /* GMRES around the exact factorisation (one iteration) rather than KSPPREONLY, so that the
       -ksp_* tolerances still apply and are read */
    PetscCall(KSPSetType(ksp, KSPGMRES));
    if (size == 1) {
      PetscCall(PCSetType(pc, PCLU));
      PetscCall(PCFactorSetMatOrderingType(pc, MATORDERINGNATURAL));
    } else {
      PetscBool mumps;
      PetscCall(PetscHasExternalPackage("mumps", &mumps));
      if (mumps) {
        PetscCall(PCSetType(pc, PCLU));
        PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
      } else {
        KSP inner;
        PC  ipc;
        PetscCall(PCSetType(pc, PCREDUNDANT));
        PetscCall(PCRedundantGetKSP(pc, &inner));
        PetscCall(KSPGetPC(inner, &ipc));
        PetscCall(PCSetType(ipc, PCLU));
        PetscCall(PCFactorSetMatOrderingType(ipc, MATORDERINGNATURAL));
      }
    }
    PetscFunctionReturn(0);
  }
  if (set && !mg) PetscFunctionReturn(0);
  {
    PetscInt levels = PETSC_MAX_INT, n;
    PetscCall(PetscOptionsGetInt(NULL, prefix, "-pc_mg_levels", &levels, NULL));
    PetscCheck(levels >= 1, sim->comm, PETSC_ERR_ARG_OUTOFRANGE, "-pc_mg_levels %" PetscInt_FMT ": must be at least 1", levels);
    PetscCall(MHMultigridCreate(&sim->d, levels, &sim->d.mg));
    PetscCall(MHMultigridSetPC(sim->d.mg, pc));
    PetscCall(PCMGGetLevels(pc, &n));
    PetscCall(KSPSetType(ksp, KSPGMRES));
    PetscCall(KSPGMRESSetRestart(ksp, MH_KSP_RESTART));
    for (PetscInt l = 1; l < n; l++) {
      KSP smoother;
      PC  spc;
      PetscCall(PCMGGetSmoother(pc, l, &smoother));
      PetscCall(KSPSetType(smoother, KSPRICHARDSON));
      PetscCall(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 2));
      PetscCall(KSPGetPC(smoother, &spc));
      PetscCall(PCSetType(spc, sim->setup.block_smoother ? PCPBJACOBI : PCSOR));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MHSolverSetUp(MHSim sim)
{
  TS   ts;
  SNES snes;

  PetscFunctionBeginUser;
  PetscCall(MHOperatorsSetUp(&sim->d));
  PetscCall(MHSetBlockFills(sim));
  PetscCall(TSCreate(sim->comm, &ts));
  sim->ts = ts;
  PetscCall(TSSetDM(ts, sim->d.grid.da));
  PetscCall(TSSetApplicationContext(ts, sim));
  PetscCall(TSSetProblemType(ts, TS_NONLINEAR));
  PetscCall(TSSetType(ts, TSARKIMEX));
  PetscCall(TSARKIMEXSetType(ts, TSARKIMEX3));
  PetscCall(TSARKIMEXSetFullyImplicit(ts, PETSC_TRUE));
  {
    /* explicit integrators take du/dt = R (and refuse an IFunction, which cannot be unset): the
       choice is read before TSSetFromOptions sets the type */
    char      type[64]    = "";
    PetscBool explicit_ts = PETSC_FALSE;
    PetscCall(PetscOptionsGetString(NULL, NULL, "-ts_type", type, sizeof type, NULL));
    for (const char *const *e = (const char *const[]) {TSRK, TSEULER, TSSSP, NULL}; *e; e++) {
      PetscBool same;
      PetscCall(PetscStrcmp(type, *e, &same));
      explicit_ts = (PetscBool)(explicit_ts || same);
    }
    if (explicit_ts)
      PetscCall(TSSetRHSFunction(ts, NULL, MHRHSFunction, sim));
    else
      PetscCall(TSSetIFunction(ts, NULL, MHIFunction, sim));
  }
  if (sim->analytic_jacobian) {
    PetscCall(MHSimCreateJacobianMatrix(sim, &sim->J));
    PetscCall(TSSetIJacobian(ts, sim->J, sim->J, MHIJacobian, sim));
  } else
    PetscCall(MHSetColoredJacobian(sim));
  PetscCall(TSSetMaxTime(ts, sim->t_end));
  PetscCall(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetTimeStep(ts, sim->setup.dt_initial > 0 ? sim->setup.dt_initial : 1e-4 * sim->t_end));
  PetscCall(TSSetMaxStepRejections(ts, 100));
  PetscCall(TSSetMaxSNESFailures(ts, -1));
  PetscCall(TSSetTolerances(ts, 1e-6, NULL, 1e-4, NULL));
  PetscCall(TSSetFunctionDomainError(ts, MHDomainCheck));
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESSetTolerances(snes, 1e-10, 1e-8, 1e-10, 20, PETSC_DEFAULT));
  PetscCall(SNESSetConvergenceTest(snes, MHNewtonConverged, sim, NULL));
  PetscCall(MHLinearSolverDefaults(sim, snes));
  PetscCall(TSSetFromOptions(ts));
  PetscCall(MHViewersAtEnd(ts));
  PetscCall(TSGetMaxTime(ts, &sim->t_end));
  PetscCall(TSGetTimeStep(ts, &sim->dt0));
  {
    TSAdapt adapt;
    PetscCall(TSGetAdapt(ts, &adapt));
    PetscCall(TSAdaptGetStepLimits(adapt, NULL, &sim->dt_max)); /* -ts_adapt_dt_max */
  }
  PetscFunctionReturn(0);
}
