/* Unit test of the sherratt_murray model, both mechanisms, default and perturbed parameters:
   - the analytic reaction Jacobian equals central finite differences of the reaction
     (MHModelReactionJacobianFD) to 1e-6 relative, at 200 random states with n, c in (0, 3) and
     at a few negative states (where the kinetics use the non-negative parts);
   - the unwounded state n = c = 1 is a steady state (s(1) = f(1) = 1) to round-off;
   - the wound state n = c = 0 is one too, and dR_n/dn there is 2 s(0) - 1, the growth rate that
     sets the linear spreading speed (2 beta - 1 for the activator, 2 h - 1 for the inhibitor). */
#include "microheal.h"

static const char help[] = "sherratt_murray: analytic reaction Jacobian against finite differences.\n";

/* extra: NULL-terminated option names and values, set for this case only */
static PetscErrorCode CheckCase(const char *mechanism, const char *const extra[], PetscRandom rnd, PetscInt *failures)
{
  MHModel     m;
  MHSetup     setup;
  PetscScalar u[2], Ja[4], Jf[4], r[2];
  PetscReal   x[3] = {0.5, 0, 0}, worst = 0, h, cm, beta, growth;
  PetscInt    ntrial     = 200;
  char        label[256] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsSetValue(NULL, "-sherratt_murray_mechanism", mechanism));
  MHStrlcat(label, mechanism, sizeof label);
  for (PetscInt k = 0; extra && extra[k]; k += 2) {
    PetscCall(PetscOptionsSetValue(NULL, extra[k], extra[k + 1]));
    MHStrlcat(label, " ", sizeof label);
    MHStrlcat(label, extra[k], sizeof label);
    MHStrlcat(label, " ", sizeof label);
    MHStrlcat(label, extra[k + 1], sizeof label);
  }
  PetscCall(MHModelCreate(PETSC_COMM_WORLD, "sherratt_murray", &m));
  PetscCheck(m->ops.reaction_jacobian, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "sherratt_murray has no analytic Jacobian");
  PetscCheck(m->nf == 2 && m->nonnegative[0] && m->nonnegative[1], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "sherratt_murray: expected two non-negative fields n, c");
  PetscCall(PetscMemzero(&setup, sizeof setup));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "test", NULL);
  PetscCall(m->ops.setfromoptions(m, PetscOptionsObject, &setup));
  PetscOptionsEnd();

  for (PetscInt k = 0; k < ntrial + 4; k++) {
    if (k < ntrial) {
      PetscCall(PetscRandomGetValueReal(rnd, &u[0]));
      PetscCall(PetscRandomGetValueReal(rnd, &u[1]));
      u[0] = 1e-3 + 3 * u[0];
      u[1] = 1e-3 + 3 * u[1];
    } else { /* undershoots: one or both fields negative */
      u[0] = (k - ntrial) & 1 ? -0.01 : 0.7;
      u[1] = (k - ntrial) & 2 ? -0.02 : 0.4;
    }
    m->ops.reaction_jacobian(m->data, 0, x, u, Ja);
    MHModelReactionJacobianFD(m, 0, x, u, Jf);
    for (PetscInt i = 0; i < 2; i++)
      for (PetscInt j = 0; j < 2; j++) {
        PetscReal e = PetscAbsScalar(Ja[2 * i + j] - Jf[2 * i + j]) / PetscMax(1e-6, PetscAbsScalar(Jf[2 * i + j]));
        worst       = PetscMax(worst, e);
        if (e > 1e-6) {
          PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: %s at n = %g, c = %g: J[%" PetscInt_FMT "][%" PetscInt_FMT "] analytic %.10g, finite differences %.10g (relative error %.3g > 1e-6)\n", label, (double)u[0], (double)u[1], i, j, (double)Ja[2 * i + j], (double)Jf[2 * i + j], (double)e));
          (*failures)++;
        }
      }
  }

  u[0] = u[1] = 1;
  m->ops.reaction(m->data, 0, x, u, r);
  if (PetscAbsScalar(r[0]) > 1e-12 || PetscAbsScalar(r[1]) > 1e-12) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: %s: reaction at n = c = 1 is (%g, %g), expected (0, 0)\n", label, (double)r[0], (double)r[1]));
    (*failures)++;
  }

  /* the growth rate of n into the bare wound: 2 s(0) - 1 */
  u[0] = u[1] = 0;
  m->ops.reaction(m->data, 0, x, u, r);
  m->ops.reaction_jacobian(m->data, 0, x, u, Ja);
  h  = 10;
  cm = 40;
  for (PetscInt i = 0; i < m->nparams; i++) {
    PetscBool match;
    PetscCall(PetscStrcmp(m->param[i].name, "h", &match));
    if (match) h = m->param[i].value;
    PetscCall(PetscStrcmp(m->param[i].name, "cm", &match));
    if (match) cm = m->param[i].value;
  }
  beta   = (1 + cm * cm - 2 * h * cm) / ((1 - cm) * (1 - cm));
  growth = mechanism[0] == 'a' ? 2 * beta - 1 : 2 * h - 1;
  if (PetscAbsScalar(r[0]) > 0 || PetscAbsScalar(r[1]) > 0 || PetscAbsScalar(Ja[0] - growth) > 1e-12 * PetscMax(1.0, PetscAbsReal(growth))) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: %s: at n = c = 0 reaction (%g, %g), expected (0, 0); dR_n/dn %.12g, expected 2 s(0) - 1 = %.12g\n", label, (double)r[0], (double)r[1], (double)Ja[0], (double)growth));
    (*failures)++;
  }
  PetscCall(MHModelDestroy(&m));
  PetscCall(PetscOptionsClearValue(NULL, "-sherratt_murray_mechanism"));
  for (PetscInt k = 0; extra && extra[k]; k += 2)
    PetscCall(PetscOptionsClearValue(NULL, extra[k]));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscRandom       rnd;
  PetscInt          failures    = 0;
  const char *const activator[] = {"-sherratt_murray_h", "6", "-sherratt_murray_alpha", "0.3", "-sherratt_murray_cm", "5", "-sherratt_murray_lambda", "2", NULL};
  const char *const inhibitor[] = {"-sherratt_murray_h", "3.5", "-sherratt_murray_lambda", "0.7", NULL};

  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 20260522));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(CheckCase("activator", NULL, rnd, &failures));
  PetscCall(CheckCase("inhibitor", NULL, rnd, &failures));
  PetscCall(CheckCase("activator", activator, rnd, &failures));
  PetscCall(CheckCase("inhibitor", inhibitor, rnd, &failures));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
