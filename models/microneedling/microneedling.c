/* microneedling: channel closure, inflammation and collagen/elastin remodelling across skin layers
   after a course of microneedling (models/microneedling/README.md holds the science and its references). The model's set-up checks,
   view, destruction and registration; the rest lies in kernels.c, parameter_table.c,
   parameters.c, sessions.c and outcomes.c (see the Code section of models/microneedling/README.md). */
#include "microneedling_impl.h"

static PetscErrorCode SetUp(MHModel m, const MHGrid *g)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  PetscCheck(g->dim >= 2, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-dim %" PetscInt_FMT ": model microneedling runs in 2-D (x-z) or 3-D", g->dim);
  p->dim        = g->dim;
  p->lateral[0] = g->length[0];
  p->lateral[1] = g->dim == 3 ? g->length[1] : (p->domain == DOMAIN_UNIT_CELL ? p->cell[1] : p->patch_width);
  PetscCheck(PetscAbsReal(g->length[g->dim - 1] - p->top[NL]) <= 1e-12 * p->top[NL], m->comm, PETSC_ERR_ARG_INCOMP, "-length_z %g: must equal the skin's depth %g mm (set the layers with -microneedling_layer_thickness_mm)", (double)g->length[g->dim - 1], (double)p->top[NL]);
  if (p->domain == DOMAIN_UNIT_CELL) {
    PetscCheck(PetscAbsReal(g->length[0] - p->cell[0]) <= 1e-12 * p->cell[0] && (g->dim == 2 || PetscAbsReal(g->length[1] - p->cell[1]) <= 1e-12 * p->cell[1]), m->comm, PETSC_ERR_ARG_INCOMP,
        "-length_x/-length_y: a unit cell is sized by the density (%g x %g mm here); do not set them", (double)p->cell[0], (double)p->cell[1]);
    PetscCheck(g->bc[0][0].type == MH_BC_PERIODIC, m->comm, PETSC_ERR_ARG_INCOMP, "-bc_x_min: a unit cell is periodic in x and y");
  } else
    PetscCheck(g->length[0] >= p->patch_width + 2 * p->margin - 1e-12, m->comm, PETSC_ERR_ARG_INCOMP, "-length_x %g: the patch (%g mm) and its margins (%g mm) do not fit", (double)g->length[0], (double)p->patch_width, (double)p->margin);
  for (PetscInt L = 0; L < NL; L++) {
    PetscInt cells = 0;
    for (PetscInt k = 0; k < g->n[g->dim - 1]; k++)
      cells += Layer(p, g->centres[g->dim - 1][k]) == L;
    PetscCheck(cells >= 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-nz %" PetscInt_FMT ": no cell in the %s; refine the depth grid", g->n[g->dim - 1], layer_name[L]);
  }
  p->h_top = g->widths[g->dim - 1][0];
  PetscCall(MNNeedlesCreate(p));
  PetscCall(MNDescribeSetUp(m));
  PetscCall(MNSoluteDescribe(m));
  PetscFunctionReturn(0);
}

static PetscErrorCode View(MHModel m, PetscViewer viewer)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "Skin %.3g mm deep; interfaces at", (double)p->top[NL]));
  for (PetscInt L = 1; L < NL; L++)
    PetscCall(PetscViewerASCIIPrintf(viewer, " %.3g", (double)p->top[L]));
  PetscCall(PetscViewerASCIIPrintf(viewer, " mm. %" PetscInt_FMT " session(s):", p->nsessions));
  for (PetscInt k = 0; k < p->nsessions; k++)
    PetscCall(PetscViewerASCIIPrintf(viewer, " day %g (%.3g mm deep, %g/cm^2, %" PetscInt_FMT " channels)", (double)p->session_time[k], (double)(p->length[k] * p->penetration), (double)(100 * p->density[k]), p->nneedles[k]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Destroy(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < MAX_SESSIONS; k++)
    PetscCall(PetscFree(p->xy[k]));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(0);
}

/* Whether the rate of skin field i depends on skin field j (i != j): the reaction's pattern. */
PetscBool MNCoupled(PetscInt i, PetscInt j)
{
  const PetscInt pairs[][2] = {
      {D, S}, {D, RC}, {S, D}, {S, N}, {N, S}, {M1, N}, {M2, M1}, {T, M1}, {T, M2}, {F, T}, {C3, F}, {C3, N}, {C3, M1}, {C3, C1}, {C1, F}, {C1, N}, {C1, M1}, {C1, C3}, {E, F}, {E, N}, {GF, F}, {EP, GF}};
  for (size_t q = 0; q < sizeof pairs / sizeof pairs[0]; q++)
    if (pairs[q][0] == i && pairs[q][1] == j) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode MHModelCreate_microneedling(MHModel m)
{
  Microneedling *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, NF, field_names, field_units));
  PetscCall(MHModelSetState(m, sizeof p->acc / sizeof(PetscReal), (PetscReal *)&p->acc));
  PetscCall(MHModelSetUnits(m, "mm", "day"));
  PetscCall(MHModelAddTaxis(m, F, T));
  p->nf = NF;
  for (PetscInt i = 0; i < NF; i++)
    for (PetscInt j = 0; j < NF; j++)
      m->coupling[i][j] = (PetscBool)(i == j || MNCoupled(i, j));
  m->ops.setfromoptions    = MNSetFromOptions;
  m->ops.setup             = SetUp;
  m->ops.view              = View;
  m->ops.initial           = MNInitial;
  m->ops.reaction          = MNReaction;
  m->ops.reaction_jacobian = MNReactionJacobian;
  m->ops.diffusivity       = MNDiffusivity;
  m->ops.taxis             = MNTaxis;
  m->ops.capacity          = MNCapacity;
  m->ops.outcomes          = MNOutcomes;
  m->ops.event             = MNEvent;
  m->ops.conduit           = MNConduit;
  m->ops.destroy           = Destroy;
  PetscFunctionReturn(0);
}
