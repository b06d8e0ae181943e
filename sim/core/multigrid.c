/* Geometric multigrid on the grid's own hierarchy: the default preconditioner in 2-D and 3-D.

   Levels are made by halving the cells along every axis that allows it (an even count of at least
   four; an axis that cannot be halved is kept, so odd counts coarsen the others: semi-coarsening),
   until no axis can be halved or -pc_mg_levels is reached. A coarse cell is the union of its
   children (aggregation), so layer interfaces stay on faces of every level that keeps them, and a
   rank owns the coarse cells whose first child it owns.

   Interpolation P is piecewise constant (a fine cell takes its parent's value, every field alike).
   Coarse operators are Galerkin products P^T A P with one correction: with aggregation the product
   sums the fine couplings across a coarse face, which is the coarse face's transmissibility
   measured over the fine centre distance, not over the coarse one, so diffusion on the coarse
   level would be too strong (twice over on a uniform grid). Each coupling between two coarse cells
   is therefore scaled by s = (fine centre distance across the face) / (coarse centre distance),
   and what it loses is moved onto the diagonal block, so that every row still sums to what the
   product gives (mass conservation of the coarse problem; constant states see the same operator).
   This makes the coarse operators those a rediscretisation with harmonic face coefficients would
   give, on the graded grid, while keeping the product's sparsity: the fine stencil (5 or 7
   points) on every level, with the reaction blocks of the fine operator summed over children.

   The coarse operators are summed entry by entry from the next finer one (no product matrices, so
   no memory beyond the coarse matrices themselves), each time the Jacobian is assembled
   (MHMultigridUpdate), so PCMG is told they are external (PC_MG_GALERKIN_EXTERNAL). */
#include "mhmg.h"

struct _n_MHHierarchy {
  PetscInt  nlevels; /* levels[0] is the grid, levels[nlevels - 1] the coarsest */
  MHLevel  *levels;
  PetscInt  dim, nf;
  PetscBool dfill[MH_MAX_FIELDS * MH_MAX_FIELDS], ofill[MH_MAX_FIELDS * MH_MAX_FIELDS]; /* the fine operator's block pattern */
  PC        pc;                                                                         /* the PCMG set up with this hierarchy */
};

static PetscErrorCode LevelOwnership(MHLevel *L, PetscMPIInt rank)
{
  PetscInt c[3], nranks = L->np[0] * L->np[1] * L->np[2];

  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < 3; a++) {
    PetscCall(PetscMalloc2(L->np[a], &L->first[a], L->n[a], &L->owner[a]));
    L->first[a][0] = 0;
    for (PetscInt p = 1; p < L->np[a]; p++)
      L->first[a][p] = L->first[a][p - 1] + L->count[a][p - 1];
    for (PetscInt p = 0; p < L->np[a]; p++)
      for (PetscInt i = L->first[a][p]; i < L->first[a][p] + L->count[a][p]; i++)
        L->owner[a][i] = p;
  }
  PetscCall(PetscMalloc1(nranks + 1, &L->rank_first));
  L->rank_first[0] = 0;
  for (PetscInt r = 0; r < nranks; r++) {
    PetscInt p = r % L->np[0], q = (r / L->np[0]) % L->np[1], s = r / (L->np[0] * L->np[1]);
    L->rank_first[r + 1] = L->rank_first[r] + L->count[0][p] * L->count[1][q] * L->count[2][s];
  }
  c[0] = rank % L->np[0];
  c[1] = (rank / L->np[0]) % L->np[1];
  c[2] = rank / (L->np[0] * L->np[1]);
  for (PetscInt a = 0; a < 3; a++) {
    L->xs[a] = L->first[a][c[a]];
    L->xm[a] = L->count[a][c[a]];
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode LevelDestroy(MHLevel *L, PetscBool own_faces)
{
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < 3; a++) {
    PetscCall(PetscFree(L->count[a]));
    PetscCall(PetscFree2(L->first[a], L->owner[a]));
    if (own_faces) PetscCall(PetscFree(L->faces[a]));
  }
  PetscCall(PetscFree(L->rank_first));
  PetscCall(MatDestroy(&L->P));
  PetscCall(MatDestroy(&L->A));
  PetscFunctionReturn(0);
}

/* Can an axis of n cells be halved? (An even count, at least four: the coarse axis keeps two.) */
static inline PetscBool Halvable(PetscInt n)
{
  return (PetscBool)(n % 2 == 0 && n >= 4);
}

/* The next coarser level of F: halve every axis that allows it. */
static PetscErrorCode LevelCoarsen(const MHLevel *F, PetscInt dim, PetscMPIInt rank, MHLevel *C)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(C, sizeof *C));
  for (PetscInt a = 0; a < 3; a++) {
    C->halved[a]   = (PetscBool)(a < dim && Halvable(F->n[a]));
    C->periodic[a] = F->periodic[a];
    C->np[a]       = F->np[a];
    C->n[a]        = C->halved[a] ? F->n[a] / 2 : F->n[a];
    PetscCall(PetscMalloc1(C->np[a], &C->count[a]));
    for (PetscInt p = 0, start = 0; p < F->np[a]; p++) {
      PetscInt end = start + F->count[a][p];
      /* a coarse cell belongs to the rank owning its first child */
      C->count[a][p] = C->halved[a] ? (end + 1) / 2 - (start + 1) / 2 : F->count[a][p];
      start          = end;
    }
    PetscCall(PetscMalloc1(C->n[a] + 1, &C->faces[a]));
    for (PetscInt i = 0; i <= C->n[a]; i++)
      C->faces[a][i] = F->faces[a][C->halved[a] ? 2 * i : i];
  }
  PetscCall(LevelOwnership(C, rank));
  PetscFunctionReturn(0);
}

/* The interpolation from level C (coarse) to level F (fine): a fine cell takes its parent's
   values, field by field. */
static PetscErrorCode LevelInterpolation(MPI_Comm comm, const MHLevel *F, const MHLevel *C, PetscInt nf, Mat *P)
{
  PetscInt    nloc = F->xm[0] * F->xm[1] * F->xm[2], cloc = C->xm[0] * C->xm[1] * C->xm[2], *dnz, *onz, row = 0;
  PetscMPIInt rank;
  PetscInt    cfirst, clast;
  PetscScalar one = 1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  cfirst = C->rank_first[rank];
  clast  = C->rank_first[rank + 1];
  PetscCall(PetscMalloc2(nloc * nf, &dnz, nloc * nf, &onz));
  for (PetscInt k = F->xs[2]; k < F->xs[2] + F->xm[2]; k++)
    for (PetscInt j = F->xs[1]; j < F->xs[1] + F->xm[1]; j++)
      for (PetscInt i = F->xs[0]; i < F->xs[0] + F->xm[0]; i++) {
        PetscInt  fi[3] = {i, j, k}, ci[3], cb;
        PetscBool own;
        Parent(C, fi, ci);
        cb  = LevelBlock(C, ci);
        own = (PetscBool)(cb >= cfirst && cb < clast);
        for (PetscInt f = 0; f < nf; f++, row++) {
          dnz[row] = own ? 1 : 0;
          onz[row] = own ? 0 : 1;
        }
      }
  PetscCall(MatCreate(comm, P));
  PetscCall(MatSetSizes(*P, nloc * nf, cloc * nf, PETSC_DETERMINE, PETSC_DETERMINE));
  PetscCall(MatSetType(*P, MATAIJ));
  PetscCall(MatSetBlockSizes(*P, nf, nf));
  PetscCall(MatSeqAIJSetPreallocation(*P, 0, dnz));
  PetscCall(MatMPIAIJSetPreallocation(*P, 0, dnz, 0, onz));
  PetscCall(PetscFree2(dnz, onz));
  for (PetscInt k = F->xs[2]; k < F->xs[2] + F->xm[2]; k++)
    for (PetscInt j = F->xs[1]; j < F->xs[1] + F->xm[1]; j++)
      for (PetscInt i = F->xs[0]; i < F->xs[0] + F->xm[0]; i++) {
        PetscInt fi[3] = {i, j, k}, ci[3], fb = LevelBlock(F, fi), cb;
        Parent(C, fi, ci);
        cb = LevelBlock(C, ci);
        for (PetscInt f = 0; f < nf; f++) {
          PetscInt r = fb * nf + f, c = cb * nf + f;
          PetscCall(MatSetValues(*P, 1, &r, 1, &c, &one, INSERT_VALUES));
        }
      }
  PetscCall(MatAssemblyBegin(*P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*P, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* The number of levels: the grid, then one per halving of its halvable axes, at most max_levels. */
static PetscInt LevelCount(const MHGrid *g, PetscInt max_levels)
{
  PetscInt n[3] = {g->n[0], g->n[1], g->n[2]}, l = 1;

  for (; l < max_levels; l++) {
    PetscBool any = PETSC_FALSE;
    for (PetscInt a = 0; a < g->dim; a++)
      if (Halvable(n[a])) {
        n[a] /= 2;
        any = PETSC_TRUE;
      }
    if (!any) break;
  }
  return l;
}

PetscErrorCode MHMultigridCreate(MHDisc *sim, PetscInt max_levels, MHHierarchy **hp)
{
  const MHGrid   *g = &sim->grid;
  MHHierarchy    *h;
  PetscMPIInt     rank;
  const PetscInt *l[3] = {NULL, NULL, NULL};
  PetscInt        np[3];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(sim->comm, &rank));
  PetscCall(PetscNew(&h));
  h->dim = g->dim;
  h->nf  = g->nf;
  PetscCall(PetscArraycpy(h->dfill, sim->dfill, g->nf * g->nf));
  PetscCall(PetscArraycpy(h->ofill, sim->ofill, g->nf * g->nf));
  h->nlevels = LevelCount(g, max_levels);
  PetscCall(PetscCalloc1(h->nlevels, &h->levels));
  /* the grid's own level: its cells, ranks and faces */
  PetscCall(DMDAGetInfo(g->da, NULL, NULL, NULL, NULL, &np[0], &np[1], &np[2], NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetOwnershipRanges(g->da, &l[0], &l[1], &l[2]));
  for (PetscInt a = 0; a < 3; a++) {
    MHLevel *L     = &h->levels[0];
    L->n[a]        = g->n[a];
    L->np[a]       = a < g->dim ? np[a] : 1;
    L->faces[a]    = g->faces[a];
    L->periodic[a] = (PetscBool)(a < g->dim && g->bc[a][0].type == MH_BC_PERIODIC);
    PetscCall(PetscMalloc1(L->np[a], &L->count[a]));
    for (PetscInt p = 0; p < L->np[a]; p++)
      L->count[a][p] = a < g->dim ? l[a][p] : 1;
  }
  PetscCall(LevelOwnership(&h->levels[0], rank));
  for (PetscInt k = 1; k < h->nlevels; k++) {
    PetscCall(LevelCoarsen(&h->levels[k - 1], g->dim, rank, &h->levels[k]));
    PetscCall(LevelInterpolation(sim->comm, &h->levels[k - 1], &h->levels[k], g->nf, &h->levels[k - 1].P));
  }
  *hp = h;
  PetscFunctionReturn(0);
}

PetscErrorCode MHMultigridDestroy(MHHierarchy **hp)
{
  MHHierarchy *h = *hp;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < h->nlevels; k++)
    PetscCall(LevelDestroy(&h->levels[k], (PetscBool)(k > 0)));
  PetscCall(PetscFree(h->levels));
  PetscCall(PetscFree(h));
  *hp = NULL;
  PetscFunctionReturn(0);
}

/* PCMG on pc with the hierarchy's levels and interpolations, coarse operators external. */
PetscErrorCode MHMultigridSetPC(MHHierarchy *h, PC pc)
{
  PetscInt n = h->nlevels;

  PetscFunctionBeginUser;
  PetscCall(PCSetType(pc, PCMG));
  PetscCall(PCMGSetLevels(pc, n, NULL));
  for (PetscInt k = 0; k + 1 < n; k++)
    PetscCall(PCMGSetInterpolation(pc, n - 1 - k, h->levels[k].P));
  PetscCall(PCMGSetGalerkin(pc, PC_MG_GALERKIN_EXTERNAL));
  h->pc = pc;
  PetscFunctionReturn(0);
}

/* Is pc still the PCMG of this hierarchy (options may have changed its type, levels or
   Galerkin mode)? */
static PetscErrorCode StillOurs(MHHierarchy *h, PetscBool *ours)
{
  PetscBool        is;
  PetscInt         n;
  PCMGGalerkinType gt;
  Mat              P;

  PetscFunctionBeginUser;
  *ours = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare((PetscObject)h->pc, PCMG, &is));
  if (!is) PetscFunctionReturn(0);
  PetscCall(PCMGGetLevels(h->pc, &n));
  if (n != h->nlevels) PetscFunctionReturn(0);
  PetscCall(PCMGGetGalerkin(h->pc, &gt));
  if (gt != PC_MG_GALERKIN_EXTERNAL) PetscFunctionReturn(0);
  if (n > 1) {
    PetscCall(PCMGGetInterpolation(h->pc, n - 1, &P));
    if (P != h->levels[0].P) PetscFunctionReturn(0);
  }
  *ours = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode MHMultigridUpdate(MHHierarchy *h, Mat J)
{
  PetscBool ours;
  Mat       A = J;

  PetscFunctionBeginUser;
  if (!h || h->nlevels < 2) PetscFunctionReturn(0);
  PetscCall(StillOurs(h, &ours));
  if (!ours) PetscFunctionReturn(0);
  PetscCall(PetscLogEventBegin(MH_EVENT_MG, 0, 0, 0, 0));
  for (PetscInt k = 1; k < h->nlevels; k++) {
    MHLevel *F = &h->levels[k - 1], *C = &h->levels[k];
    if (!C->A) {
      KSP smoother;
      PetscCall(MHCoarseMatrix(PetscObjectComm((PetscObject)J), C, h->dim, h->nf, h->dfill, h->ofill, &C->A));
      PetscCall(PCMGGetSmoother(h->pc, h->nlevels - 1 - k, &smoother));
      PetscCall(KSPSetOperators(smoother, C->A, C->A));
    }
    PetscCall(MHCoarseOperator(F, C, h->dim, h->nf, A, C->A));
    A = C->A;
  }
  PetscCall(PetscLogEventEnd(MH_EVENT_MG, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* One line for the run's header: the linear solver ksp, and the levels when its multigrid is h's. */
PetscErrorCode MHMultigridDescribe(MHHierarchy *h, KSP ksp, char buf[], size_t len)
{
  PC        pc;
  KSPType   kt;
  PCType    pt;
  PetscBool ours = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(KSPGetType(ksp, &kt));
  PetscCall(PCGetType(pc, &pt));
  if (h) PetscCall(StillOurs(h, &ours));
  PetscCall(PetscSNPrintf(buf, len, "%s + %s", kt ? kt : "?", pt ? pt : "?"));
  if (ours) {
    char lev[64];
    MHStrlcat(buf, " on the grid's hierarchy, cells per level", len);
    for (PetscInt k = 0; k < h->nlevels; k++) {
      const MHLevel *L = &h->levels[k];
      if (h->dim == 1)
        PetscCall(PetscSNPrintf(lev, sizeof lev, "%s%" PetscInt_FMT, k ? ", " : " ", L->n[0]));
      else if (h->dim == 2)
        PetscCall(PetscSNPrintf(lev, sizeof lev, "%s%" PetscInt_FMT "x%" PetscInt_FMT, k ? ", " : " ", L->n[0], L->n[1]));
      else
        PetscCall(PetscSNPrintf(lev, sizeof lev, "%s%" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT, k ? ", " : " ", L->n[0], L->n[1], L->n[2]));
      MHStrlcat(buf, lev, len);
    }
  }
  PetscFunctionReturn(0);
}
