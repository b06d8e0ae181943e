/* The grid: options, DMDAs, rectilinear coordinates, per-cell coefficients and reductions. */
#include "mhcore.h"

const char *const MHBCTypes[] = {"zero_flux", "periodic", "dirichlet", "MHBCType", "MH_BC_", NULL};

const char *const MHAxisNames[3] = {"x", "y", "z"};

PetscErrorCode MHSetupDefaults(MHSetup *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof *s));
  s->dim = 1;
  for (PetscInt a = 0; a < 3; a++) {
    s->cells[a]   = 64;
    s->length[a]  = 1.0;
    s->grading[a] = 1.0;
    for (PetscInt side = 0; side < 2; side++) {
      s->bc[a][side].type = MH_BC_ZERO_FLUX;
      for (PetscInt f = 0; f < MH_MAX_FIELDS; f++)
        s->bc[a][side].fixed[f] = PETSC_TRUE;
    }
  }
  s->t_end      = 1.0;
  s->dt_initial = 0; /* 0: chosen from t_end */
  PetscFunctionReturn(0);
}

/* Physical axes present for each dimension, in DMDA order. */
static void MHGridPhysicalAxes(PetscInt dim, PetscInt phys[3])
{
  phys[0] = 0;
  phys[1] = dim == 2 ? 2 : 1;
  phys[2] = 2;
}

static PetscErrorCode MHBoundaryFromOptions(PetscOptionItems *PetscOptionsObject, MHModel m, const char *axis, const char *side, MHBoundary *bc)
{
  char      opt[64], help[256];
  PetscBool set;
  PetscReal values[MH_MAX_FIELDS + 1];
  PetscInt  nv = m->nf + 1, nn = MH_MAX_FIELDS; /* room for one value too many: PETSc drops the excess silently */
  char     *names[MH_MAX_FIELDS];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-bc_%s_%s", axis, side));
  PetscCall(PetscSNPrintf(help, sizeof help, "Boundary condition on the %s face of the %s axis", side, axis));
  PetscCall(MHOptionsCheckChoice(m->comm, opt, MHBCTypes, 3));
  PetscCall(PetscOptionsEnum(opt, help, "choice", MHBCTypes, (PetscEnum)bc->type, (PetscEnum *)&bc->type, NULL));
  if (bc->type != MH_BC_DIRICHLET) PetscFunctionReturn(0);
  for (PetscInt f = 0; f < m->nf; f++)
    values[f] = bc->value[f];
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-bc_%s_%s_values", axis, side));
  PetscCall(PetscSNPrintf(help, sizeof help, "Held values of every field on that face, in field order"));
  PetscCall(PetscOptionsRealArray(opt, help, "field units", values, &nv, &set));
  if (set) {
    PetscCheck(nv == m->nf, m->comm, PETSC_ERR_ARG_SIZ, "%s: gives %" PetscInt_FMT " values; model %s has %" PetscInt_FMT " fields", opt, nv, m->name, m->nf);
    for (PetscInt f = 0; f < m->nf; f++) {
      PetscCheck(!PetscIsInfOrNanReal(values[f]), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: value %" PetscInt_FMT " is not finite", opt, f);
      bc->value[f] = values[f];
    }
  }
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-bc_%s_%s_fields", axis, side));
  PetscCall(PetscOptionsStringArray(opt, "Fields held on that face (default all; the others see zero flux)", "field names", names, &nn, &set));
  if (set) {
    for (PetscInt f = 0; f < m->nf; f++)
      bc->fixed[f] = PETSC_FALSE;
    for (PetscInt k = 0; k < nn; k++) {
      PetscInt  f;
      PetscBool found = PETSC_FALSE;
      for (f = 0; f < m->nf && !found; f++)
        PetscCall(PetscStrcmp(names[k], m->field_name[f], &found));
      PetscCheck(found, m->comm, PETSC_ERR_ARG_WRONG, "%s: model %s has no field named %s", opt, m->name, names[k]);
      bc->fixed[f - 1] = PETSC_TRUE;
      PetscCall(PetscFree(names[k]));
    }
  }
  PetscFunctionReturn(0);
}

/* Reads the grid options over the model's proposed set-up; called inside PetscOptionsBegin/End. */
PetscErrorCode MHGridSetFromOptions(PetscOptionItems *PetscOptionsObject, MHGrid *g, MHModel m, MHSetup *s)
{
  char opt[64], help[256];

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInt("-dim", "Spatial dimension: 1 (x), 2 (x-z cross-section) or 3 (x, y, z)", "1, 2 or 3", s->dim, &s->dim, NULL));
  PetscCheck(s->dim >= 1 && s->dim <= 3, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-dim %" PetscInt_FMT ": must be 1, 2 or 3", s->dim);
  g->dim = s->dim;
  g->nf  = m->nf;
  MHGridPhysicalAxes(g->dim, g->phys);
  for (PetscInt a = 0; a < 3; a++) {
    PetscInt p = g->phys[a];
    if (a >= g->dim) {
      g->n[a]      = 1;
      g->length[a] = 1;
      continue;
    }
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-n%s", MHAxisNames[p]));
    PetscCall(PetscSNPrintf(help, sizeof help, "Cells along %s", MHAxisNames[p]));
    PetscCall(PetscOptionsInt(opt, help, "cells", s->cells[p], &s->cells[p], NULL));
    PetscCheck(s->cells[p] >= 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %" PetscInt_FMT ": must be >= 1", opt, s->cells[p]);
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-length_%s", MHAxisNames[p]));
    PetscCall(PetscSNPrintf(help, sizeof help, "Domain length along %s", MHAxisNames[p]));
    PetscCall(PetscOptionsReal(opt, help, m->length_unit, s->length[p], &s->length[p], NULL));
    PetscCheck(s->length[p] > 0 && !PetscIsInfOrNanReal(s->length[p]), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %g: must be > 0", opt, (double)s->length[p]);
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-grading_%s", MHAxisNames[p]));
    PetscCall(PetscSNPrintf(help, sizeof help, "Grading along %s: width of the last cell over the first (1 uniform, > 1 fine near %s = 0)", MHAxisNames[p], MHAxisNames[p]));
    PetscCall(PetscOptionsReal(opt, help, "ratio", s->grading[p], &s->grading[p], NULL));
    PetscCheck(s->grading[p] > 0 && s->grading[p] <= 1e4, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %g: must lie in (0, 1e4]", opt, (double)s->grading[p]);
    PetscCheck(s->cells[p] >= s->nbreaks[p] + 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-n%s %" PetscInt_FMT ": too coarse to put a face on each of the %" PetscInt_FMT " layer interfaces along %s; use at least %" PetscInt_FMT " cells", MHAxisNames[p], s->cells[p], s->nbreaks[p], MHAxisNames[p], s->nbreaks[p] + 1);
    for (PetscInt b = 0; b < s->nbreaks[p]; b++)
      PetscCheck(s->breaks[p][b] > 0 && s->breaks[p][b] < s->length[p] && (b == 0 || s->breaks[p][b] > s->breaks[p][b - 1]), m->comm, PETSC_ERR_ARG_OUTOFRANGE,
          "-length_%s %g: the layer interfaces along %s (deepest at %g) must lie strictly inside the domain, in increasing order", MHAxisNames[p], (double)s->length[p], MHAxisNames[p], (double)s->breaks[p][s->nbreaks[p] - 1]);
    g->n[a]       = s->cells[p];
    g->length[a]  = s->length[p];
    g->grading[a] = s->grading[p];
    g->nbreaks[a] = s->nbreaks[p];
    for (PetscInt b = 0; b < s->nbreaks[p]; b++)
      g->breaks[a][b] = s->breaks[p][b];
    PetscCall(MHBoundaryFromOptions(PetscOptionsObject, m, MHAxisNames[p], "min", &s->bc[p][0]));
    PetscCall(MHBoundaryFromOptions(PetscOptionsObject, m, MHAxisNames[p], "max", &s->bc[p][1]));
    PetscCheck((s->bc[p][0].type == MH_BC_PERIODIC) == (s->bc[p][1].type == MH_BC_PERIODIC), m->comm, PETSC_ERR_ARG_INCOMP,
        "-bc_%s_min %s and -bc_%s_max %s: periodic must be set on both faces of an axis", MHAxisNames[p], MHBCTypes[s->bc[p][0].type], MHAxisNames[p], MHBCTypes[s->bc[p][1].type]);
    g->bc[a][0] = s->bc[p][0];
    g->bc[a][1] = s->bc[p][1];
  }
  PetscFunctionReturn(0);
}

/* Stretched coordinate of the graded map z(xi) = L (r^xi - 1)/(r - 1), whose cell widths grow
   geometrically by the factor r over the axis when xi is spaced uniformly. */
static PetscReal GradedXi(PetscReal L, PetscReal r, PetscReal z)
{
  if (PetscAbsReal(r - 1) < 1e-12) return z / L;
  return PetscLogReal(1 + z * (r - 1) / L) / PetscLogReal(r);
}

static PetscReal GradedZ(PetscReal L, PetscReal r, PetscReal xi)
{
  if (PetscAbsReal(r - 1) < 1e-12) return L * xi;
  return L * (PetscPowReal(r, xi) - 1) / (r - 1);
}

/* Faces of an axis of length L with n cells, grading r, and a face on each break: the breaks cut
   the stretched coordinate into segments; each gets cells in proportion to its stretched length
   (at least one, largest remainders first) spaced uniformly in the stretched coordinate. */
PetscErrorCode MHGridFaces(PetscReal L, PetscInt n, PetscReal r, PetscInt nb, const PetscReal breaks[], PetscReal faces[])
{
  PetscReal xi[MH_MAX_BREAKS + 2], ideal[MH_MAX_BREAKS + 1];
  PetscInt  cells[MH_MAX_BREAKS + 1], ns = nb + 1, sum = 0, f = 0;

  PetscFunctionBeginUser;
  PetscCheck(n >= ns, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " cells cannot hold %" PetscInt_FMT " segments", n, ns);
  xi[0]  = 0;
  xi[ns] = 1;
  for (PetscInt b = 0; b < nb; b++)
    xi[b + 1] = GradedXi(L, r, breaks[b]);
  for (PetscInt s = 0; s < ns; s++) {
    ideal[s] = n * (xi[s + 1] - xi[s]);
    cells[s] = PetscMax(1, (PetscInt)PetscFloorReal(ideal[s]));
    sum += cells[s];
  }
  while (sum != n) { /* give to the most under-served segment, or take from the most over-served */
    PetscInt  best  = -1;
    PetscReal bestv = 0;
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal v = sum < n ? ideal[s] - cells[s] : cells[s] - ideal[s];
      if (sum > n && cells[s] == 1) continue;
      if (best < 0 || v > bestv) {
        best  = s;
        bestv = v;
      }
    }
    cells[best] += sum < n ? 1 : -1;
    sum += sum < n ? 1 : -1;
  }
  for (PetscInt s = 0; s < ns; s++)
    for (PetscInt i = 0; i < cells[s]; i++)
      faces[f++] = i == 0 ? (s == 0 ? 0 : breaks[s - 1]) : GradedZ(L, r, xi[s] + (xi[s + 1] - xi[s]) * i / cells[s]);
  faces[n] = L;
  PetscFunctionReturn(0);
}

/* Ranks along each DMDA axis for `size` ranks: fixed[a] where given (not PETSC_DECIDE), at least
   sw cells (the stencil width) per rank along a split axis, the split that cuts the least face
   area. 0: none exists. */
static int MHGridSplit(const MHGrid *g, PetscInt size, PetscInt sw, const PetscInt fixed[], PetscInt out[])
{
  PetscInt try[3] = {1, 1, 1};
  double   best   = -1;

  for (try[0] = 1; try[0] <= size; try[0]++) {
    if (size % try[0] || (fixed[0] != PETSC_DECIDE && try[0] != fixed[0]) || try[0] > g->n[0]) continue;
    for (try[1] = 1; try[1] <= (g->dim > 1 ? size / try[0] : 1); try[1]++) {
      PetscInt rest = size / try[0];
      if (g->dim > 1 && (rest % try[1] || (fixed[1] != PETSC_DECIDE && try[1] != fixed[1]) || try[1] > g->n[1])) continue;
      try[2] = g->dim > 2 ? rest / try[1] : 1;
      if (g->dim == 1 && rest != 1) continue;
      if (g->dim == 2 && try[1] != rest) continue;
      if (g->dim == 3 && ((fixed[2] != PETSC_DECIDE && try[2] != fixed[2]) || try[2] > g->n[2])) continue;
      double cut  = 0;
      int    thin = 0;
      for (PetscInt a = 0; a < g->dim; a++)
        thin |= try[a] > 1 && g->n[a] / try[a] < sw;
      if (thin) continue;
      for (PetscInt a = 0; a < g->dim; a++) {
        double face = 1;
        for (PetscInt b = 0; b < g->dim; b++)
          if (b != a) face *= (double)g->n[b];
        cut += (double)(try[a] - 1) * face;
      }
      if (best < 0 || cut < best) {
        best = cut;
        for (PetscInt a = 0; a < 3; a++)
          out[a] = try[a];
      }
    }
  }
  return best >= 0;
}

PetscErrorCode MHGridCreate(MPI_Comm comm, MHGrid *g, MHModel m)
{
  DMBoundaryType  bt[3];
  PetscInt        sw = m->ntaxis ? 2 : 1, ncoef = MHModelCoefficients(m);
  const PetscInt *l[3] = {NULL, NULL, NULL};
  PetscInt       *lc[3];
  PetscMPIInt     size;
  PetscInt        np[3];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  /* the ranks along each DMDA axis (PETSc's own option names; PETSC_DECIDE by default) */
  np[0] = np[1] = np[2] = PETSC_DECIDE;
  PetscOptionsBegin(comm, NULL, "Domain decomposition", NULL);
  for (PetscInt a = 0; a < g->dim; a++) {
    char opt[64], help[160];
    np[a] = PETSC_DECIDE;
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-da_processors_%s", MHAxisNames[a]));
    PetscCall(PetscSNPrintf(help, sizeof help, "Ranks along the grid's axis %" PetscInt_FMT " (physical %s; default: PETSc's choice); their product over the axes is the number of ranks", a + 1, MHAxisNames[g->phys[a]]));
    PetscCall(PetscOptionsInt(opt, help, "ranks", np[a], &np[a], NULL));
    PetscCheck(np[a] == PETSC_DECIDE || (np[a] >= 1 && np[a] <= g->n[a]), comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %" PetscInt_FMT ": must lie in [1, %" PetscInt_FMT "] (the cells along that axis)", opt, np[a], g->n[a]);
  }
  PetscOptionsEnd();
  {
    PetscInt  prod = 1;
    PetscBool all  = PETSC_TRUE;
    for (PetscInt a = 0; a < g->dim; a++) {
      if (np[a] == PETSC_DECIDE)
        all = PETSC_FALSE;
      else
        prod *= np[a];
    }
    PetscCheck(all ? prod == size : size % prod == 0, comm, PETSC_ERR_ARG_INCOMP, "-da_processors_*: %" PetscInt_FMT " ranks %s the %d ranks of the run", prod, all ? "in all, not" : "along the axes given do not divide", size);
  }
  {
    PetscInt split[3] = {1, 1, 1}, fit = size;
    char     grid[96] = "";
    while (fit > 1 && !MHGridSplit(g, fit, sw, np, split))
      fit--;
    for (PetscInt a = 0; a < g->dim; a++) {
      char one[64];
      PetscCall(PetscSNPrintf(one, sizeof one, "%s%" PetscInt_FMT " (%s)", a ? " x " : "", g->n[a], MHAxisNames[g->phys[a]]));
      PetscCall(PetscStrlcat(grid, one, sizeof grid));
    }
    PetscCheck(fit == size, comm, PETSC_ERR_ARG_OUTOFRANGE, "%d ranks cannot share a grid of %s cells%s: every rank needs at least %" PetscInt_FMT " cell%s along each axis that is split, and at most %" PetscInt_FMT " rank%s can split it so. Run on fewer ranks or use more cells (-n%s ...)", size, grid, np[0] != PETSC_DECIDE || np[1] != PETSC_DECIDE || np[2] != PETSC_DECIDE ? " with the -da_processors_* given" : "", sw, sw > 1 ? "s" : "", fit, fit > 1 ? "s" : "", MHAxisNames[g->phys[g->dim - 1]]);
    /* PETSc's own choice of the split when it finds one (the run stays as it was); when it does
       not ("More processes than data points", "Partition too fine") though one exists, ours.
       Asked only where PETSc chooses: ranks given on every axis were checked above. */
    if (size > 1 && (np[0] == PETSC_DECIDE || (g->dim > 1 && np[1] == PETSC_DECIDE) || (g->dim > 2 && np[2] == PETSC_DECIDE))) {
      PetscErrorCode ierr;
      DM             probe = NULL;
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      if (g->dim == 1)
        ierr = DMDACreate1d(comm, DM_BOUNDARY_NONE, g->n[0], 1, 1, NULL, &probe);
      else if (g->dim == 2)
        ierr = DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, g->n[0], g->n[1], np[0], np[1], 1, 1, NULL, NULL, &probe);
      else
        ierr = DMDACreate3d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, g->n[0], g->n[1], g->n[2], np[0], np[1], np[2], 1, 1, NULL, NULL, NULL, &probe);
      if (!ierr) ierr = DMSetUp(probe);
      PetscCall(PetscPopErrorHandler());
      PetscCall(DMDestroy(&probe));
      if (ierr)
        for (PetscInt a = 0; a < g->dim; a++)
          np[a] = split[a];
    }
  }
  for (PetscInt a = 0; a < 3; a++) {
    bt[a] = g->bc[a][0].type == MH_BC_PERIODIC && a < g->dim ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
    if (a < g->dim && bt[a] == DM_BOUNDARY_PERIODIC)
      PetscCheck(g->n[a] >= 2 * sw, comm, PETSC_ERR_ARG_OUTOFRANGE, "a periodic %s axis needs at least %" PetscInt_FMT " cells, not %" PetscInt_FMT, MHAxisNames[g->phys[a]], 2 * sw, g->n[a]);
  }
  if (g->dim == 1)
    PetscCall(DMDACreate1d(comm, bt[0], g->n[0], m->nf, sw, NULL, &g->da));
  else if (g->dim == 2)
    PetscCall(DMDACreate2d(comm, bt[0], bt[1], DMDA_STENCIL_STAR, g->n[0], g->n[1], np[0], np[1], m->nf, sw, NULL, NULL, &g->da));
  else
    PetscCall(DMDACreate3d(comm, bt[0], bt[1], bt[2], DMDA_STENCIL_STAR, g->n[0], g->n[1], g->n[2], np[0], np[1], np[2], m->nf, sw, NULL, NULL, NULL, &g->da));
  PetscCall(DMSetUp(g->da));
  for (PetscInt f = 0; f < m->nf; f++)
    PetscCall(DMDASetFieldName(g->da, f, m->field_name[f]));
  PetscCall(DMDAGetInfo(g->da, NULL, NULL, NULL, NULL, &np[0], &np[1], &np[2], NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetOwnershipRanges(g->da, &l[0], &l[1], &l[2]));
  for (PetscInt a = 0; a < 3; a++) {
    PetscCall(PetscMalloc1(np[a], &lc[a]));
    for (PetscInt r = 0; r < np[a]; r++)
      lc[a][r] = a < g->dim ? l[a][r] : 1;
  }
  /* Same ownership as da: the Jacobian (stencil width 1), single-field output, coefficients. */
  if (g->dim == 1) {
    PetscCall(DMDACreate1d(comm, bt[0], g->n[0], m->nf, 1, lc[0], &g->daJ));
    PetscCall(DMDACreate1d(comm, bt[0], g->n[0], 1, 1, lc[0], &g->da1));
    PetscCall(DMDACreate1d(comm, bt[0], g->n[0], ncoef, sw, lc[0], &g->dacoef));
  } else if (g->dim == 2) {
    PetscCall(DMDACreate2d(comm, bt[0], bt[1], DMDA_STENCIL_STAR, g->n[0], g->n[1], np[0], np[1], m->nf, 1, lc[0], lc[1], &g->daJ));
    PetscCall(DMDACreate2d(comm, bt[0], bt[1], DMDA_STENCIL_STAR, g->n[0], g->n[1], np[0], np[1], 1, 1, lc[0], lc[1], &g->da1));
    PetscCall(DMDACreate2d(comm, bt[0], bt[1], DMDA_STENCIL_STAR, g->n[0], g->n[1], np[0], np[1], ncoef, sw, lc[0], lc[1], &g->dacoef));
  } else {
    PetscCall(DMDACreate3d(comm, bt[0], bt[1], bt[2], DMDA_STENCIL_STAR, g->n[0], g->n[1], g->n[2], np[0], np[1], np[2], m->nf, 1, lc[0], lc[1], lc[2], &g->daJ));
    PetscCall(DMDACreate3d(comm, bt[0], bt[1], bt[2], DMDA_STENCIL_STAR, g->n[0], g->n[1], g->n[2], np[0], np[1], np[2], 1, 1, lc[0], lc[1], lc[2], &g->da1));
    PetscCall(DMDACreate3d(comm, bt[0], bt[1], bt[2], DMDA_STENCIL_STAR, g->n[0], g->n[1], g->n[2], np[0], np[1], np[2], ncoef, sw, lc[0], lc[1], lc[2], &g->dacoef));
  }
  for (PetscInt a = 0; a < 3; a++)
    PetscCall(PetscFree(lc[a]));
  PetscCall(DMSetUp(g->daJ));
  PetscCall(DMSetUp(g->da1));
  PetscCall(DMSetUp(g->dacoef));

  PetscCall(DMDAGetCorners(g->da, &g->xs[0], &g->xs[1], &g->xs[2], &g->xm[0], &g->xm[1], &g->xm[2]));
  PetscCall(DMDAGetGhostCorners(g->da, &g->gxs[0], &g->gxs[1], &g->gxs[2], &g->gxm[0], &g->gxm[1], &g->gxm[2]));
  for (PetscInt a = g->dim; a < 3; a++) {
    g->xs[a] = g->gxs[a] = 0;
    g->xm[a] = g->gxm[a] = 1;
  }
  /* Rectilinear coordinates (cell-centred), graded, with faces on the breaks. */
  for (PetscInt a = 0; a < 3; a++) {
    PetscInt n = g->n[a];
    PetscCall(PetscMalloc3(n + 1, &g->faces[a], n, &g->centres[a], n, &g->widths[a]));
    if (a < g->dim)
      PetscCall(MHGridFaces(g->length[a], n, g->grading[a], g->nbreaks[a], g->breaks[a], g->faces[a]));
    else
      for (PetscInt i = 0; i <= n; i++)
        g->faces[a][i] = 0;
    for (PetscInt i = 0; i < n; i++) {
      g->widths[a][i]  = a < g->dim ? g->faces[a][i + 1] - g->faces[a][i] : 1;
      g->centres[a][i] = a < g->dim ? 0.5 * (g->faces[a][i] + g->faces[a][i + 1]) : 0;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MHGridDestroy(MHGrid *g)
{
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < 3; a++)
    PetscCall(PetscFree3(g->faces[a], g->centres[a], g->widths[a]));
  PetscCall(DMDestroy(&g->da));
  PetscCall(DMDestroy(&g->daJ));
  PetscCall(DMDestroy(&g->da1));
  PetscCall(DMDestroy(&g->dacoef));
  PetscFunctionReturn(0);
}

/* The cell with DMDA indices idx, in physical coordinates. */
void MHGridCellOf(const MHGrid *g, const PetscInt idx[3], MHCell *c)
{
  c->dim = g->dim;
  for (PetscInt p = 0; p < 3; p++)
    c->x[p] = c->lo[p] = c->hi[p] = 0;
  for (PetscInt a = 0; a < g->dim; a++) {
    PetscInt p = g->phys[a], i = idx[a];
    c->x[p]  = g->centres[a][i];
    c->lo[p] = g->faces[a][i];
    c->hi[p] = g->faces[a][i + 1];
  }
}

PetscReal MHGridCellVolume(const MHGrid *g, const PetscInt idx[3])
{
  PetscReal v = 1;
  for (PetscInt a = 0; a < g->dim; a++)
    v *= g->widths[a][idx[a]];
  return v;
}

PetscReal MHGridTotalVolume(const MHGrid *g)
{
  PetscReal v = 1;
  for (PetscInt a = 0; a < g->dim; a++)
    v *= g->length[a];
  return v;
}

/* Per-cell coefficients, ghosted: nf diffusivities, ntaxis sensitivities, nconduit conductances. */
PetscErrorCode MHGridFillCoefficients(const MHGrid *g, MHModel m, Vec coef_local)
{
  Vec          coef;
  PetscScalar *c;
  PetscInt     nc = MHModelCoefficients(m), k = 0;
  MHCell       cell;
  PetscReal    D[MH_MAX_FIELDS], chi[MH_MAX_TAXIS], kappa[MH_MAX_TAXIS];

  PetscFunctionBeginUser;
  PetscCall(DMGetGlobalVector(g->dacoef, &coef));
  PetscCall(VecGetArray(coef, &c));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt idx[3] = {i, j, kk};
    MHGridCellOf(g, idx, &cell);
    for (PetscInt f = 0; f < m->nf; f++)
      D[f] = 0;
    if (m->ops.diffusivity) m->ops.diffusivity(m->data, cell.x, D);
    if (m->ntaxis) m->ops.taxis(m->data, cell.x, chi);
    if (m->nconduit) m->ops.conduit(m->data, cell.x, kappa);
    for (PetscInt f = 0; f < m->nf; f++) {
      PetscCheck(D[f] >= 0 && !PetscIsInfOrNanReal(D[f]), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "model %s: diffusivity of %s at (%g, %g, %g) is %g; it must be finite and >= 0", m->name, m->field_name[f], (double)cell.x[0], (double)cell.x[1], (double)cell.x[2], (double)D[f]);
      c[k * nc + f] = D[f];
    }
    for (PetscInt t = 0; t < m->ntaxis; t++) {
      PetscCheck(!PetscIsInfOrNanReal(chi[t]), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "model %s: taxis sensitivity %" PetscInt_FMT " is not finite", m->name, t);
      c[k * nc + m->nf + t] = chi[t];
    }
    for (PetscInt t = 0; t < m->nconduit; t++) {
      PetscCheck(kappa[t] >= 0 && !PetscIsInfOrNanReal(kappa[t]), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "model %s: conductance of conduit %" PetscInt_FMT " at (%g, %g, %g) is %g; it must be finite and >= 0", m->name, t, (double)cell.x[0], (double)cell.x[1], (double)cell.x[2], (double)kappa[t]);
      c[k * nc + m->nf + m->ntaxis + t] = kappa[t];
    }
  }
  PetscCall(VecRestoreArray(coef, &c));
  PetscCall(DMGlobalToLocalBegin(g->dacoef, coef, INSERT_VALUES, coef_local));
  PetscCall(DMGlobalToLocalEnd(g->dacoef, coef, INSERT_VALUES, coef_local));
  PetscCall(DMRestoreGlobalVector(g->dacoef, &coef));
  PetscFunctionReturn(0);
}

/* Integral of every field over the domain (collective). */
PetscErrorCode MHGridIntegrate(const MHGrid *g, Vec U, PetscReal total[])
{
  const PetscScalar *u;
  PetscInt           nf = g->nf, k = 0;
  PetscReal          local[MH_MAX_FIELDS] = {0};

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt  idx[3] = {i, j, kk};
    PetscReal v      = MHGridCellVolume(g, idx);
    for (PetscInt f = 0; f < nf; f++)
      local[f] += v * PetscRealPart(u[k * nf + f]);
  }
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(local, total, (PetscMPIInt)nf, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)g->da)));
  PetscFunctionReturn(0);
}

static PetscInt MHGridLocate(const PetscReal *faces, PetscInt n, PetscReal x)
{
  PetscInt lo = 0, hi = n; /* faces[lo] <= x < faces[hi] */
  if (x <= faces[0]) return 0;
  if (x >= faces[n]) return n - 1;
  while (hi - lo > 1) {
    PetscInt mid = (lo + hi) / 2;
    if (faces[mid] <= x)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* Every field in the cell that holds the physical point p (collective). */
PetscErrorCode MHGridValueNearest(const MHGrid *g, Vec U, const PetscReal p[3], PetscReal val[])
{
  PetscInt           idx[3]               = {0, 0, 0};
  PetscBool          mine                 = PETSC_TRUE;
  PetscReal          local[MH_MAX_FIELDS] = {0};
  const PetscScalar *u;

  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < g->dim; a++) {
    idx[a] = MHGridLocate(g->faces[a], g->n[a], p[g->phys[a]]);
    if (idx[a] < g->xs[a] || idx[a] >= g->xs[a] + g->xm[a]) mine = PETSC_FALSE;
  }
  if (mine) {
    PetscInt k = ((idx[2] - g->xs[2]) * g->xm[1] + (idx[1] - g->xs[1])) * g->xm[0] + (idx[0] - g->xs[0]);
    PetscCall(VecGetArrayRead(U, &u));
    for (PetscInt f = 0; f < g->nf; f++)
      local[f] = PetscRealPart(u[k * g->nf + f]);
    PetscCall(VecRestoreArrayRead(U, &u));
  }
  PetscCall(MPIU_Allreduce(local, val, (PetscMPIInt)g->nf, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)g->da)));
  PetscFunctionReturn(0);
}
