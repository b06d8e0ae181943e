/* Every registered model's analytic reaction Jacobian against central finite differences of its
   reaction, at random states and positions, with default parameters, with every choice of each
   enumerated parameter, and with the option sets of `cases` below (terms the defaults switch off).
   States are drawn around the model's initial condition. */
#include "microheal.h"

static const char help[]   = "Analytic reaction Jacobians of every model against finite differences.\n";
static int        failures = 0;

static PetscErrorCode CheckModel(const char name[], const char extra[], PetscRandom rnd)
{
  MHModel      m;
  MHSetup      setup;
  PetscScalar  u[MH_MAX_FIELDS], Ja[MH_MAX_FIELDS * MH_MAX_FIELDS], Jf[MH_MAX_FIELDS * MH_MAX_FIELDS], scale[MH_MAX_FIELDS];
  PetscReal    worst = 0;
  PetscOptions opts;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(&opts));
  PetscCall(PetscOptionsInsertString(opts, extra));
  PetscCall(PetscOptionsPush(opts));
  PetscCall(MHModelCreate(PETSC_COMM_WORLD, name, &m));
  PetscCall(PetscMemzero(&setup, sizeof setup));
  setup.dim = 1;
  for (PetscInt a = 0; a < 3; a++) {
    setup.cells[a]   = 8;
    setup.length[a]  = 1;
    setup.grading[a] = 1;
  }
  setup.t_end = 1;
  if (m->ops.setfromoptions) {
    PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "test", NULL);
    PetscCall(m->ops.setfromoptions(m, PetscOptionsObject, &setup));
    PetscOptionsEnd();
  }
  if (!m->ops.reaction_jacobian) {
    PetscCall(MHModelDestroy(&m));
    PetscCall(PetscOptionsPop());
    PetscCall(PetscOptionsDestroy(&opts));
    PetscFunctionReturn(0);
  }
  if (m->ops.setup) {
    /* the grid's description is all setup hooks may read: give them the proposed one */
    MHGrid g;
    PetscCall(PetscMemzero(&g, sizeof g));
    g.dim = setup.dim;
    g.nf  = m->nf;
    for (PetscInt a = 0; a < 3; a++)
      g.phys[a] = a;
    if (g.dim == 2) g.phys[1] = 2;
    for (PetscInt a = 0; a < 3; a++) {
      PetscInt p  = g.phys[a];
      g.n[a]      = a < g.dim ? setup.cells[p] : 1;
      g.length[a] = setup.length[p];
      g.bc[a][0]  = setup.bc[p][0];
      g.bc[a][1]  = setup.bc[p][1];
      PetscCall(PetscMalloc3(g.n[a] + 1, &g.faces[a], g.n[a], &g.centres[a], g.n[a], &g.widths[a]));
      PetscCall(MHGridFaces(g.length[a], g.n[a], setup.grading[p] > 0 ? setup.grading[p] : 1, a < g.dim ? setup.nbreaks[p] : 0, setup.breaks[p], g.faces[a]));
      for (PetscInt i = 0; i < g.n[a]; i++) {
        g.widths[a][i]  = g.faces[a][i + 1] - g.faces[a][i];
        g.centres[a][i] = 0.5 * (g.faces[a][i] + g.faces[a][i + 1]);
      }
    }
    PetscCall(m->ops.setup(m, &g));
    for (PetscInt a = 0; a < 3; a++)
      PetscCall(PetscFree3(g.faces[a], g.centres[a], g.widths[a]));
  }
  for (PetscInt trial = 0; trial < 50; trial++) {
    MHCell    c;
    PetscReal x[3];
    for (PetscInt a = 0; a < 3; a++) {
      PetscCall(PetscRandomGetValueReal(rnd, &x[a]));
      x[a] *= setup.length[a];
      c.x[a]  = x[a];
      c.lo[a] = x[a] - 1e-3;
      c.hi[a] = x[a] + 1e-3;
    }
    c.dim = setup.dim;
    PetscCall(m->ops.initial(m, &c, scale));
    for (PetscInt f = 0; f < m->nf; f++) {
      PetscReal r;
      PetscCall(PetscRandomGetValueReal(rnd, &r));
      u[f] = (1 + PetscAbsScalar(scale[f])) * 2 * r; /* in [0, 2 (1 + |u0|)] */
    }
    m->ops.reaction_jacobian(m->data, 0.5, x, u, Ja);
    MHModelReactionJacobianFD(m, 0.5, x, u, Jf);
    for (PetscInt i = 0; i < m->nf; i++) {
      PetscReal rowscale = 1e-8;
      for (PetscInt j = 0; j < m->nf; j++)
        rowscale = PetscMax(rowscale, PetscAbsScalar(Jf[i * m->nf + j]));
      for (PetscInt j = 0; j < m->nf; j++) {
        PetscReal e = PetscAbsScalar(Ja[i * m->nf + j] - Jf[i * m->nf + j]) / rowscale;
        if (e > worst) worst = e;
        if (e > 1e-5) {
          PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: model %s %s: dR(%s)/d(%s) analytic %g, finite differences %g\n", name, extra, m->field_name[i], m->field_name[j], (double)Ja[i * m->nf + j], (double)Jf[i * m->nf + j]));
          failures++;
          trial = 50;
        }
      }
    }
  }
  PetscCall(MHModelDestroy(&m));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&opts));
  PetscFunctionReturn(0);
}

/* Option sets that switch on terms the defaults leave out */
static const char *const cases[][2] = {
    {"microneedling", "-microneedling_age_years 70 -microneedling_closure_inflammatory_share 0.7 -microneedling_anti_inflammatory 0.5 -microneedling_occlusion_h 1000"},
};

int main(int argc, char **argv)
{
  PetscInt     n;
  const char **names;
  PetscRandom  rnd;

  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 20261120));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(MHModelGetNames(&n, &names));
  for (PetscInt k = 0; k < n; k++) {
    MHModel m;
    char    extra[256] = "";
    PetscCall(CheckModel(names[k], "", rnd));
    /* every value of every enumerated parameter */
    PetscCall(MHModelCreate(PETSC_COMM_WORLD, names[k], &m));
    if (m->ops.setfromoptions) {
      MHSetup setup;
      PetscCall(PetscMemzero(&setup, sizeof setup));
      PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "probe", NULL);
      PetscCall(m->ops.setfromoptions(m, PetscOptionsObject, &setup));
      PetscOptionsEnd();
    }
    for (PetscInt p = 0; p < m->nparams; p++) {
      if (!m->param[p].choices) continue;
      for (PetscInt v = 0; m->param[p].choices[v]; v++) {
        PetscCall(PetscSNPrintf(extra, sizeof extra, "-%s_%s %s", names[k], m->param[p].name, m->param[p].choices[v]));
        PetscCall(CheckModel(names[k], extra, rnd));
      }
    }
    PetscCall(MHModelDestroy(&m));
  }
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    PetscCall(CheckModel(cases[c][0], cases[c][1], rnd));
  PetscCall(PetscFree(names));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
