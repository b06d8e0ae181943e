/* The simulation object's public accessors (microheal.h) for the driver, the tests and the
   benchmarks: its parts, its operators applied to any state, and error norms against a model's
   exact solution. */
#include "mhrun.h"

PetscErrorCode MHSimHelpRequested(MHSim sim, PetscBool *help)
{
  PetscFunctionBeginUser;
  *help = sim->help;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimGetModel(MHSim sim, MHModel *m)
{
  PetscFunctionBeginUser;
  *m = sim->d.model;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimGetGrid(MHSim sim, const MHGrid **g)
{
  PetscFunctionBeginUser;
  *g = &sim->d.grid;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimGetSolution(MHSim sim, Vec *U)
{
  PetscFunctionBeginUser;
  *U = sim->U;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimGetTS(MHSim sim, TS *ts)
{
  PetscFunctionBeginUser;
  *ts = sim->ts;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimGetOutcomes(MHSim sim, PetscInt *n, const PetscReal **values)
{
  PetscFunctionBeginUser;
  *n      = sim->d.model->noutcomes;
  *values = sim->outcomes;
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimComputeRHS(MHSim sim, PetscReal t, Vec U, Vec F)
{
  PetscFunctionBeginUser;
  PetscCall(MHOperatorsRHS(&sim->d, t, U, F));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimOperatorsStorage(MHSim sim, PetscInt *nface_values, PetscBool *in_place)
{
  PetscFunctionBeginUser;
  PetscCall(MHOperatorsStorage(&sim->d, nface_values, in_place));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimComputeRHSJacobian(MHSim sim, PetscReal t, Vec U, Mat J)
{
  PetscFunctionBeginUser;
  PetscCall(MHOperatorsJacobian(&sim->d, t, U, 0.0, 1.0, J));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSimErrorNorms(MHSim sim, PetscReal t, Vec U, PetscReal l2[], PetscReal linf[])
{
  MHModel            m  = sim->d.model;
  const MHGrid      *g  = &sim->d.grid;
  PetscInt           nf = m->nf, k = 0;
  PetscReal          lsum[MH_MAX_FIELDS] = {0}, lmax[MH_MAX_FIELDS] = {0}, vol = MHGridTotalVolume(g);
  PetscScalar        ex[MH_MAX_FIELDS];
  const PetscScalar *u;
  MHCell             cell;

  PetscFunctionBeginUser;
  PetscCheck(m->ops.exact, sim->comm, PETSC_ERR_SUP, "model %s has no exact solution", m->name);
  PetscCall(VecGetArrayRead(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt idx[3] = {i, j, kk};
    MHGridCellOf(g, idx, &cell);
    m->ops.exact(m->data, t, cell.x, &u[k * nf], ex);
    for (PetscInt f = 0; f < nf; f++) {
      PetscReal e = PetscAbsScalar(u[k * nf + f] - ex[f]);
      lsum[f] += MHGridCellVolume(g, idx) * e * e;
      lmax[f] = PetscMax(lmax[f], e);
    }
  }
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(lsum, l2, (PetscMPIInt)nf, MPIU_REAL, MPIU_SUM, sim->comm));
  PetscCall(MPIU_Allreduce(lmax, linf, (PetscMPIInt)nf, MPIU_REAL, MPIU_MAX, sim->comm));
  for (PetscInt f = 0; f < nf; f++)
    l2[f] = PetscSqrtReal(l2[f] / vol);
  PetscFunctionReturn(0);
}
