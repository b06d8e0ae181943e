/* Unit test of the waugh_sherratt model: its analytic reaction Jacobian equals central finite
   differences of its reaction at random states (densities up to 1200 cells/mm^3, TGF-beta up to
   10 ng/mL), for the default parameters and for alpha = 0.2 (normal healing). */
#include "microheal.h"

static const char help[] = "waugh_sherratt: analytic reaction Jacobian against finite differences.\n";

static PetscErrorCode CheckJacobian(const char *alpha, PetscRandom rnd, PetscInt *failures)
{
  MHModel     m;
  MHSetup     setup;
  PetscScalar u[3], J[9], Jfd[9];
  PetscReal   x[3] = {0, 0, 0}, scale[3] = {1200, 1200, 10};

  PetscFunctionBeginUser;
  if (alpha) PetscCall(PetscOptionsSetValue(NULL, "-waugh_sherratt_alpha", alpha));
  PetscCall(MHModelCreate(PETSC_COMM_WORLD, "waugh_sherratt", &m));
  PetscCall(PetscMemzero(&setup, sizeof setup));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "test", NULL);
  PetscCall(m->ops.setfromoptions(m, PetscOptionsObject, &setup));
  PetscOptionsEnd();
  PetscCheck(m->ops.reaction_jacobian, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "waugh_sherratt has no analytic Jacobian");
  for (PetscInt trial = 0; trial < 200; trial++) {
    for (PetscInt f = 0; f < 3; f++) {
      PetscReal r;
      PetscCall(PetscRandomGetValueReal(rnd, &r));
      u[f] = scale[f] * r;
    }
    m->ops.reaction_jacobian(m->data, 0, x, u, J);
    MHModelReactionJacobianFD(m, 0, x, u, Jfd);
    for (PetscInt i = 0; i < 3; i++)
      for (PetscInt j = 0; j < 3; j++) {
        PetscReal err = PetscAbsScalar(J[i * 3 + j] - Jfd[i * 3 + j]), tol = 1e-6 * PetscMax(1.0, PetscAbsScalar(Jfd[i * 3 + j]));
        if (err > tol) {
          PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: alpha %s, u = (%g, %g, %g): J[%" PetscInt_FMT "][%" PetscInt_FMT "] analytic %.12g, finite differences %.12g, |difference| %g > %g\n", alpha ? alpha : "default", (double)u[0], (double)u[1], (double)u[2], i, j,
                                (double)J[i * 3 + j], (double)Jfd[i * 3 + j], (double)err, (double)tol));
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
  PetscCall(PetscRandomSetSeed(rnd, 680));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(CheckJacobian(NULL, rnd, &failures));
  PetscCall(CheckJacobian("0.2", rnd, &failures));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
