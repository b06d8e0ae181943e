/* Unit tests of topical delivery in the microneedling model (models/microneedling/delivery.c) and
   of the framework's conduits (MHModelOps.conduit) it rides on, on a 2-D unit cell just after a
   session and an application (channels open, a film on the surface), with two solutes (a small
   one and a hyaluronan) and the state perturbed at random:
   - the assembled Jacobian (reactions, diffusion, capacities, the film's exchange and the
     conduit's gated flux) equals central differences of the right-hand side;
   - the right-hand side conserves each solute: sum over cells of (capacity x rate x volume) of its
     skin, film and cleared fields is zero to round-off, in treated and in intact skin;
   - the pointwise reaction Jacobian in the top row of cells (where the film exchanges; random
     points elsewhere rarely fall there) equals finite differences;
   - with a perfect channel gate (open fraction 1 in a column), the conduit carries the flux of
     its closed-form series conductance;
   - with the channel closed to 1e-170 everywhere (weeks after a session), the Jacobian is finite;
   - on several ranks, the right-hand side equals a serial one on rank 0. */
#include "test_models.h"

/* The skin's own fields come first; the solutes' follow (the first is named after caffeine). */
static PetscInt nskin = -1;

static PetscInt SkinFields(MHModel m)
{
  for (PetscInt f = 0; f < m->nf; f++)
    if (!strncmp(m->field_name[f], "caffeine", 8)) return f;
  return -1;
}

static const char help[]   = "Unit tests of topical delivery and of the framework's conduits.\n";
static int        failures = 0;
static PetscBool  verbose  = PETSC_FALSE;

#define OPTS                                                                                                   \
  "-model microneedling -nx 10 -nz 24 -microneedling_needle_length_mm 0.5 -microneedling_density_per_cm2 400 " \
  "-microneedling_solutes caffeine,hyaluronic_acid_50kda -microneedling_application_h 0 -quiet -output none"

/* The state after the first event (session and application at day 0), every field raised by a
   pseudo-random amount in [0, 0.5 (1 + |u|)] so that no term sits at a kink. */
static PetscErrorCode PerturbedState(MHSim sim, Vec U)
{
  MHModel       m;
  const MHGrid *g;
  PetscRandom   rnd;
  PetscScalar  *u;
  PetscInt      n;

  PetscFunctionBeginUser;
  PetscCall(MHSimGetModel(sim, &m));
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(m->ops.event(m, g, 0, 0.0, U));
  PetscCall(PetscRandomCreate(PetscObjectComm((PetscObject)U), &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 20261207));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecGetLocalSize(U, &n));
  PetscCall(VecGetArray(U, &u));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal r;
    PetscCall(PetscRandomGetValueReal(rnd, &r));
    u[i] += 0.5 * r * (1 + PetscAbsScalar(u[i]));
  }
  PetscCall(VecRestoreArray(U, &u));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckJacobianAndConservation(void)
{
  MHSim              sim;
  MHModel            m;
  const MHGrid      *g;
  Vec                U, V, F;
  PetscReal          err, nrm;
  const PetscScalar *f;
  PetscInt           k = 0;

  PetscFunctionBeginUser;
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, OPTS, &sim));
  PetscCall(MHSimGetModel(sim, &m));
  PetscCall(MHSimGetGrid(sim, &g));
  nskin = SkinFields(m);
  TEST_CHECK(nskin > 0 && m->nf == nskin + 12 && m->nconduit == 2, "two solutes make %d fields after the skin's %d and %d conduits, not 12 and 2", (int)(m->nf - nskin), (int)nskin, (int)m->nconduit);
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(PerturbedState(sim, U));
  PetscCall(VecDuplicate(U, &V));
  PetscCall(VecDuplicate(U, &F));
  /* along the solutes' fields and the channel (the gate), the rest held: the skin's own
     reactions are covered by test_jacobians, and their curvature would swamp the differences */
  PetscCall(VecCopy(U, V));
  {
    PetscScalar *v;
    PetscInt     n;
    PetscCall(VecGetLocalSize(V, &n));
    PetscCall(VecGetArray(V, &v));
    for (PetscInt i = 0; i < n; i++)
      if (i % m->nf != 0 && i % m->nf < nskin)
        v[i] = 0;
      else
        v[i] *= 0.1;
    PetscCall(VecRestoreArray(V, &v));
  }
  PetscCall(TestJacobianVsDifferences(sim, U, V, &err, &nrm));
  if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "Jacobian vs differences: error %g of |J V| %g\n", (double)err, (double)nrm));
  TEST_CHECK(err <= 1e-8 * nrm, "Jacobian with solutes: |J V - differences| = %g of |J V| = %g", (double)err, (double)nrm);

  /* conservation of each solute by the right-hand side */
  PetscCall(MHSimComputeRHS(sim, 0, U, F));
  {
    PetscReal loc[4 * 2] = {0}, glob[4 * 2]; /* per solute and skin: sum, sum of |.| */
    PetscCall(VecGetArrayRead(F, &f));
    MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
      PetscInt  idx[3] = {i, j, kk};
      PetscReal v      = MHGridCellVolume(g, idx), cap[MH_MAX_FIELDS];
      MHCell    c;
      MHGridCellOf(g, idx, &c);
      m->ops.capacity(m->data, c.x, cap);
      for (PetscInt s = 0; s < 2; s++)
        for (PetscInt tw = 0; tw < 2; tw++)
          for (PetscInt q = 0; q < 3; q++) {
            PetscInt fi = nskin + 6 * s + 3 * tw + q;
            loc[(2 * s + tw) * 2] += cap[fi] * v * PetscRealPart(f[k * m->nf + fi]);
            loc[(2 * s + tw) * 2 + 1] += cap[fi] * v * PetscAbsScalar(f[k * m->nf + fi]);
          }
    }
    PetscCall(VecRestoreArrayRead(F, &f));
    PetscCall(MPIU_Allreduce(loc, glob, 8, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
    for (PetscInt q = 0; q < 4; q++) {
      if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "solute %d %s: net rate %g of %g\n", (int)(q / 2), q % 2 ? "intact" : "treated", (double)glob[2 * q], (double)glob[2 * q + 1]));
      TEST_CHECK(glob[2 * q + 1] > 0 && PetscAbsReal(glob[2 * q]) <= 1e-13 * glob[2 * q + 1], "solute %d (%s) not conserved by the right-hand side: net %g of %g", (int)(q / 2), q % 2 ? "intact" : "treated", (double)glob[2 * q], (double)glob[2 * q + 1]);
    }
  }

  /* the pointwise reaction Jacobian in the top row (film on) */
  {
    PetscScalar u[MH_MAX_FIELDS], Ja[MH_MAX_FIELDS * MH_MAX_FIELDS], Jf[MH_MAX_FIELDS * MH_MAX_FIELDS];
    PetscReal   x[3] = {0.1, 0, 0.5 * g->widths[g->dim - 1][0]}, worst = 0;
    for (PetscInt q = 0; q < m->nf; q++)
      u[q] = 0.3 + 0.05 * (PetscReal)q;
    m->ops.reaction_jacobian(m->data, 0.01, x, u, Ja);
    MHModelReactionJacobianFD(m, 0.01, x, u, Jf);
    for (PetscInt i = 0; i < m->nf; i++) {
      PetscReal rs = 1e-8;
      for (PetscInt j = 0; j < m->nf; j++)
        rs = PetscMax(rs, PetscAbsScalar(Jf[i * m->nf + j]));
      for (PetscInt j = 0; j < m->nf; j++)
        worst = PetscMax(worst, PetscAbsScalar(Ja[i * m->nf + j] - Jf[i * m->nf + j]) / rs);
    }
    if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "top-row reaction Jacobian: worst relative difference %g\n", (double)worst));
    TEST_CHECK(worst <= 1e-5, "top-row reaction Jacobian differs from finite differences by %g (relative)", (double)worst);
    TEST_CHECK(PetscAbsScalar(Ja[nskin * m->nf + nskin + 1]) > 0 && PetscAbsScalar(Ja[nskin * m->nf + 0]) > 0, "the film's exchange is missing from the top row's Jacobian");
  }
  PetscCall(VecDestroy(&V));
  PetscCall(VecDestroy(&F));
  PetscCall(TestSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* A column of cells fully open (d = 1) beside closed ones, the solute linear in depth inside it:
   the conduit's flux through every interior horizontal face of the column is kappa x gradient (the
   series conductance of equal halves), so the rate of an interior cell of the column is zero and
   the top cell's is -kappa g / w (its lower face only; film off). */
/* A channel closed to 1e-170 (weeks after a session its open fraction decays below what a square
   of it can hold: the conduit's derivative once divided 0 by 0): the Jacobian stays finite. */
static PetscErrorCode CheckClosedChannelJacobian(void)
{
  MHSim        sim;
  MHModel      m;
  Vec          U;
  Mat          J;
  PetscScalar *u;
  PetscInt     n;
  PetscReal    nrm;

  PetscFunctionBeginUser;
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, OPTS, &sim));
  PetscCall(MHSimGetModel(sim, &m));
  nskin = SkinFields(m);
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(PerturbedState(sim, U));
  PetscCall(VecGetLocalSize(U, &n));
  PetscCall(VecGetArray(U, &u));
  for (PetscInt i = 0; i < n; i += m->nf)
    u[i] = 1e-170 * (1 + (PetscReal)(i % 7)); /* the channel (field 0, the conduits' gate), nearly closed everywhere */
  PetscCall(VecRestoreArray(U, &u));
  PetscCall(MHSimCreateJacobianMatrix(sim, &J));
  PetscCall(MHSimComputeRHSJacobian(sim, 0, U, J));
  PetscCall(MatNorm(J, NORM_FROBENIUS, &nrm));
  if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "Jacobian with the channel closed to 1e-170: norm %g\n", (double)nrm));
  TEST_CHECK(PetscIsNormalReal(nrm), "Jacobian with the channel closed to 1e-170 is not finite (norm %g)", (double)nrm);
  PetscCall(MatDestroy(&J));
  PetscCall(TestSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckConduitColumn(void)
{
  MHSim              sim;
  MHModel            m;
  const MHGrid      *g;
  Vec                U, F;
  PetscScalar       *u;
  const PetscScalar *f;
  PetscInt           k = 0, zd, col = 3;
  PetscReal          worst = 0, scale = 0, grad = 2.0;

  PetscFunctionBeginUser;
  /* no sessions (no channels of the model's own) and the film not on yet at t = 0 */
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, "-model microneedling -nx 8 -nz 24 -microneedling_sessions 0 -microneedling_solutes caffeine -microneedling_application_h 24 -t_end 2 -quiet -output none", &sim));
  PetscCall(MHSimGetModel(sim, &m));
  nskin = SkinFields(m);
  PetscCall(MHSimGetGrid(sim, &g));
  zd = g->dim - 1;
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(VecGetArray(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt  idx[3]     = {i, j, kk};
    PetscReal z          = g->centres[zd][idx[zd]];
    u[k * m->nf + 0]     = idx[0] == col ? 1 : 0; /* the gate: damage */
    u[k * m->nf + nskin] = 1 + grad * z;          /* the solute, linear in depth everywhere */
  }
  PetscCall(VecRestoreArray(U, &u));
  PetscCall(MHSimComputeRHS(sim, 0, U, F));
  /* compare with the tissue path alone (gate closed): the difference is the conduit's */
  {
    Vec                F0, U0;
    const PetscScalar *f0;
    PetscReal          kappa[MH_MAX_TAXIS], cap[MH_MAX_FIELDS];
    PetscCall(VecDuplicate(U, &U0));
    PetscCall(VecDuplicate(U, &F0));
    PetscCall(VecCopy(U, U0));
    PetscCall(VecGetArray(U0, &u));
    k = 0;
    MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k)
      u[k * m->nf + 0] = 0;
    PetscCall(VecRestoreArray(U0, &u));
    PetscCall(MHSimComputeRHS(sim, 0, U0, F0));
    PetscCall(VecGetArrayRead(F, &f));
    PetscCall(VecGetArrayRead(F0, &f0));
    k = 0;
    MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
      PetscInt  idx[3] = {i, j, kk}, n = g->n[zd];
      PetscReal expect = 0, got = PetscRealPart(f[k * m->nf + nskin] - f0[k * m->nf + nskin]), w = g->widths[zd][idx[zd]];
      MHCell    c;
      MHGridCellOf(g, idx, &c);
      m->ops.conduit(m->data, c.x, kappa);
      m->ops.capacity(m->data, c.x, cap);
      if (idx[0] == col) {
        /* flux down through a face = kappa grad (exact for a linear profile with equal kappa); a
           cell gains (flux in at its top) - (flux out at its bottom) */
        if (idx[zd] == 0) expect = kappa[0] * grad / w / cap[nskin];
        if (idx[zd] == n - 1) expect = -kappa[0] * grad / w / cap[nskin];
      }
      worst = PetscMax(worst, PetscAbsReal(got - expect));
      scale = PetscMax(scale, PetscAbsReal(expect));
    }
    PetscCall(VecRestoreArrayRead(F, &f));
    PetscCall(VecRestoreArrayRead(F0, &f0));
    PetscCall(VecDestroy(&U0));
    PetscCall(VecDestroy(&F0));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &worst, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &scale, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "open column: conduit rate error %g of %g\n", (double)worst, (double)scale));
  TEST_CHECK(scale > 0 && worst <= 1e-10 * scale, "conduit through an open column: rates off by %g (scale %g)", (double)worst, (double)scale);
  PetscCall(VecDestroy(&F));
  PetscCall(TestSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* On several ranks the right-hand side equals the serial one (rank 0). */
static PetscErrorCode CheckRanks(void)
{
  MHSim       sim, ser;
  Vec         U, F, Fseq, Us, Fs;
  PetscMPIInt size, rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (size == 1) PetscFunctionReturn(0);
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, OPTS, &sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(PerturbedState(sim, U)); /* the perturbation depends on the partition: compare F of the gathered state */
  PetscCall(VecDuplicate(U, &F));
  PetscCall(MHSimComputeRHS(sim, 0, U, F));
  {
    Vec Useq;
    PetscCall(TestGatherNatural(sim, U, &Useq));
    PetscCall(TestGatherNatural(sim, F, &Fseq));
    if (rank == 0) {
      PetscReal diff, scale;
      PetscCall(TestSimFromString(PETSC_COMM_SELF, OPTS, &ser));
      PetscCall(MHSimGetSolution(ser, &Us));
      PetscCall(VecCopy(Useq, Us));
      PetscCall(VecDuplicate(Us, &Fs));
      PetscCall(MHSimComputeRHS(ser, 0, Us, Fs));
      PetscCall(VecNorm(Fs, NORM_INFINITY, &scale));
      PetscCall(VecAXPY(Fs, -1, Fseq));
      PetscCall(VecNorm(Fs, NORM_INFINITY, &diff));
      if (verbose) PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d ranks vs one: right-hand sides differ by %g (scale %g)\n", (int)size, (double)diff, (double)scale));
      if (diff > 1e-12 * scale) {
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "FAIL: right-hand side with solutes on %d ranks differs from one rank's by %g (scale %g)\n", (int)size, (double)diff, (double)scale));
        failures++;
      }
      PetscCall(VecDestroy(&Fs));
      PetscCall(TestSimDestroy(&ser));
    }
    PetscCall(VecDestroy(&Useq));
    PetscCall(VecDestroy(&Fseq));
  }
  PetscCall(VecDestroy(&F));
  PetscCall(TestSimDestroy(&sim));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-verbose", &verbose, NULL));
  PetscCall(CheckJacobianAndConservation());
  PetscCall(CheckClosedChannelJacobian());
  PetscCall(CheckConduitColumn());
  PetscCall(CheckRanks());
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &failures, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
