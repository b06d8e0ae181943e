/* Per-step scalar monitors: time, step size, each field's integral, minimum and maximum, and the
   model's outcomes. One row per accepted step, stored in the output's monitor table. */
#include "mhrun.h"

PetscErrorCode MHMonitorColumns(MHSim sim, PetscInt *ncols, char ***names)
{
  MHModel  m = sim->d.model;
  PetscInt n = 2 + 3 * m->nf + m->noutcomes, k = 0;
  char   **c;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &c));
  PetscCall(PetscStrallocpy("t", &c[k++]));
  PetscCall(PetscStrallocpy("dt", &c[k++]));
  for (PetscInt f = 0; f < m->nf; f++) {
    const char *suffix[3] = {"integral", "min", "max"};
    for (PetscInt s = 0; s < 3; s++) {
      char buf[2 * MH_NAME_LEN];
      PetscCall(PetscSNPrintf(buf, sizeof buf, "%s_%s", m->field_name[f], suffix[s]));
      PetscCall(PetscStrallocpy(buf, &c[k++]));
    }
  }
  for (PetscInt o = 0; o < m->noutcomes; o++)
    PetscCall(PetscStrallocpy(m->outcome_name[o], &c[k++]));
  *ncols = n;
  *names = c;
  PetscFunctionReturn(0);
}

PetscErrorCode MHMonitorCompute(MHSim sim, PetscReal t, PetscReal dt, Vec U, PetscReal row[], PetscBool *stop)
{
  MHModel            m  = sim->d.model;
  const MHGrid      *g  = &sim->d.grid;
  PetscInt           nf = m->nf, k = 0;
  PetscReal          lmin[MH_MAX_FIELDS], lmax[MH_MAX_FIELDS], gmin[MH_MAX_FIELDS], gmax[MH_MAX_FIELDS], total[MH_MAX_FIELDS];
  const PetscScalar *u;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(MH_EVENT_MONITOR, 0, 0, 0, 0));
  *stop = PETSC_FALSE;
  for (PetscInt f = 0; f < nf; f++) {
    lmin[f] = PETSC_MAX_REAL;
    lmax[f] = PETSC_MIN_REAL;
  }
  PetscCall(VecGetArrayRead(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k)
    for (PetscInt f = 0; f < nf; f++) {
      PetscReal v = PetscRealPart(u[k * nf + f]);
      lmin[f]     = PetscMin(lmin[f], v);
      lmax[f]     = PetscMax(lmax[f], v);
    }
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(lmin, gmin, (PetscMPIInt)nf, MPIU_REAL, MPIU_MIN, sim->comm));
  PetscCall(MPIU_Allreduce(lmax, gmax, (PetscMPIInt)nf, MPIU_REAL, MPIU_MAX, sim->comm));
  PetscCall(MHGridIntegrate(g, U, total));
  row[0] = t;
  row[1] = dt;
  for (PetscInt f = 0; f < nf; f++) {
    row[2 + 3 * f]     = total[f];
    row[2 + 3 * f + 1] = gmin[f];
    row[2 + 3 * f + 2] = gmax[f];
  }
  if (m->ops.outcomes) {
    PetscCall(m->ops.outcomes(m, g, t, U, sim->outcomes, stop));
    for (PetscInt o = 0; o < m->noutcomes; o++)
      row[2 + 3 * nf + o] = sim->outcomes[o];
  }
  PetscCall(PetscLogEventEnd(MH_EVENT_MONITOR, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
