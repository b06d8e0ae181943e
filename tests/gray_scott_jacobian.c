/* Unit test of the gray_scott model: its analytic reaction Jacobian equals central finite
   differences of its reaction at random states in [0, 1]^2, for ex5's parameters and another set. */
#include "microheal.h"

static const char help[] = "gray_scott: analytic reaction Jacobian against finite differences.\n";

static PetscErrorCode CheckJacobian(PetscBool other, PetscRandom rnd, PetscInt *failures)
{
  MHModel     m;
  MHSetup     setup;
  PetscScalar u[2], J[4], Jfd[4];
  PetscReal   x[3] = {0, 0, 0};

  PetscFunctionBeginUser;
  if (other) {
    PetscCall(PetscOptionsSetValue(NULL, "-gray_scott_gamma", "0.04"));
    PetscCall(PetscOptionsSetValue(NULL, "-gray_scott_kappa", "0.1"));
  }
  PetscCall(MHModelCreate(PETSC_COMM_WORLD, "gray_scott", &m));
  PetscCall(PetscMemzero(&setup, sizeof setup));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "test", NULL);
  PetscCall(m->ops.setfromoptions(m, PetscOptionsObject, &setup));
  PetscOptionsEnd();
  PetscCheck(m->ops.reaction_jacobian, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "gray_scott has no analytic Jacobian");
  for (PetscInt trial = 0; trial < 200; trial++) {
    for (PetscInt f = 0; f < 2; f++) PetscCall(PetscRandomGetValue(rnd, &u[f]));
    m->ops.reaction_jacobian(m->data, 0, x, u, J);
    MHModelReactionJacobianFD(m, 0, x, u, Jfd);
    for (PetscInt k = 0; k < 4; k++) {
      PetscReal err = PetscAbsScalar(J[k] - Jfd[k]);
      if (err > 1e-8) {
        PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: u = (%g, %g): J[%" PetscInt_FMT "][%" PetscInt_FMT "] analytic %.12g, finite differences %.12g, |difference| %g > 1e-8\n", (double)u[0], (double)u[1], k / 2, k % 2, (double)J[k], (double)Jfd[k], (double)err));
        (*failures)++;
      }
    }
  }
  PetscCall(MHModelDestroy(&m));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscRandom rnd;
  PetscInt    failures = 0;

  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 5));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(CheckJacobian(PETSC_FALSE, rnd, &failures));
  PetscCall(CheckJacobian(PETSC_TRUE, rnd, &failures));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
