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
#include "mhcore.h"

typedef struct {
  PetscInt   n[3], np[3];  /* cells and ranks per DMDA axis */
  PetscInt  *count[3];     /* cells of each rank coordinate along each axis */
  PetscInt  *first[3];     /* first cell of each rank coordinate */
  PetscInt  *owner[3];     /* rank coordinate owning each cell index */
  PetscInt  *rank_first;   /* first block (cell) of each rank; size + 1 entries */
  PetscInt   xs[3], xm[3]; /* this rank's cells */
  PetscReal *faces[3];     /* n + 1 face positions */
  PetscBool  halved[3];    /* made from the finer level by halving this axis */
  PetscBool  periodic[3];
  Mat        P; /* interpolation from the next coarser level to this one */
  Mat        A; /* the operator of this level (coarse levels only; owned) */
} MHLevel;

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

/* The global block (cell) number of cell idx on level L. */
static inline PetscInt LevelBlock(const MHLevel *L, const PetscInt idx[3])
{
  PetscInt p = L->owner[0][idx[0]], q = L->owner[1][idx[1]], s = L->owner[2][idx[2]];
  PetscInt r = p + L->np[0] * (q + L->np[1] * s);
  return L->rank_first[r] + ((idx[2] - L->first[2][s]) * L->count[1][q] + (idx[1] - L->first[1][q])) * L->count[0][p] + (idx[0] - L->first[0][p]);
}

/* Centre distance across face f (0 .. n) of an axis with the given faces; 0 on a non-periodic
   boundary. */
static PetscReal CentreDistance(const PetscReal *faces, PetscInt n, PetscBool periodic, PetscInt f)
{
  if (f > 0 && f < n) return 0.5 * (faces[f + 1] - faces[f - 1]);
  if (!periodic) return 0;
  return 0.5 * (faces[1] - faces[0]) + 0.5 * (faces[n] - faces[n - 1]);
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

/* The cell of level C that holds cell fi of the next finer level. */
static inline void Parent(const MHLevel *C, const PetscInt fi[3], PetscInt ci[3])
{
  for (PetscInt a = 0; a < 3; a++)
    ci[a] = C->halved[a] ? fi[a] / 2 : fi[a];
}

/* The face neighbour nb of cell idx on level L along axis a (side -1 or +1), across a periodic
   wrap; PETSC_FALSE where a non-periodic boundary has none. */
static inline PetscBool Neighbour(const MHLevel *L, const PetscInt idx[3], PetscInt a, PetscInt side, PetscInt nb[3])
{
  for (PetscInt b = 0; b < 3; b++)
    nb[b] = idx[b];
  nb[a] += side;
  if (nb[a] >= 0 && nb[a] < L->n[a]) return PETSC_TRUE;
  if (!L->periodic[a]) return PETSC_FALSE;
  nb[a] = (nb[a] + L->n[a]) % L->n[a];
  return PETSC_TRUE;
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

/* The scale of a coupling between coarse cells ci and cj of level C (made from level F): the fine
   centre distance across their face over the coarse one (1 where the axis was not halved). */
static PetscReal CouplingScale(const MHLevel *F, const MHLevel *C, PetscInt dim, const PetscInt ci[3], const PetscInt cj[3])
{
  PetscInt axis = -1, ndiff = 0;

  for (PetscInt a = 0; a < dim; a++)
    if (cj[a] != ci[a]) {
      axis = a;
      ndiff++;
    }
  if (ndiff != 1 || !C->halved[axis]) return 1;
  {
    /* the coarse face between the two cells: the higher index, or 0 across a periodic wrap */
    PetscInt  lo = PetscMin(ci[axis], cj[axis]), hi = PetscMax(ci[axis], cj[axis]);
    PetscInt  cf = (hi - lo == 1) ? hi : 0;
    PetscReal dc = CentreDistance(C->faces[axis], C->n[axis], C->periodic[axis], cf);
    PetscReal df = CentreDistance(F->faces[axis], F->n[axis], F->periodic[axis], 2 * cf);
    return dc > 0 && df > 0 ? df / dc : 1;
  }
}

/* The coarse operator's matrix on level C, its pattern complete from the start: a coarse cell
   couples to itself through the fine diagonal blocks and the couplings between its children
   (dfill | ofill) and to each face neighbour through the fine couplings across the face (ofill). */
static PetscErrorCode CoarseMatrix(MPI_Comm comm, const MHLevel *C, PetscInt dim, PetscInt nf, const PetscBool dfill[], const PetscBool ofill[], Mat *A)
{
  PetscInt    nloc = C->xm[0] * C->xm[1] * C->xm[2], *dnz, *onz, row = 0, first, last, cols[7 * MH_MAX_FIELDS];
  PetscMPIInt rank;
  PetscScalar zeros[7 * MH_MAX_FIELDS] = {0};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  first = C->rank_first[rank];
  last  = C->rank_first[rank + 1];
  PetscCall(PetscMalloc2(nloc * nf, &dnz, nloc * nf, &onz));
  for (PetscInt pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      PetscCall(MatCreate(comm, A));
      PetscCall(MatSetSizes(*A, nloc * nf, nloc * nf, PETSC_DETERMINE, PETSC_DETERMINE));
      PetscCall(MatSetType(*A, MATAIJ));
      PetscCall(MatSetBlockSize(*A, nf));
      PetscCall(MatSeqAIJSetPreallocation(*A, 0, dnz));
      PetscCall(MatMPIAIJSetPreallocation(*A, 0, dnz, 0, onz));
    }
    row = 0;
    for (PetscInt k = C->xs[2]; k < C->xs[2] + C->xm[2]; k++)
      for (PetscInt j = C->xs[1]; j < C->xs[1] + C->xm[1]; j++)
        for (PetscInt i = C->xs[0]; i < C->xs[0] + C->xm[0]; i++) {
          PetscInt ci[3] = {i, j, k}, blk[7], nblk = 1, me = LevelBlock(C, ci);
          blk[0] = me;
          for (PetscInt a = 0; a < dim; a++)
            for (PetscInt side = -1; side <= 1; side += 2) {
              PetscInt nb[3], b, p;
              if (!Neighbour(C, ci, a, side, nb)) continue;
              b = LevelBlock(C, nb);
              for (p = 0; p < nblk && blk[p] != b; p++) { }
              if (p == nblk) blk[nblk++] = b;
            }
          for (PetscInt p = 1; p < nblk; p++) /* increasing columns */
            for (PetscInt q = p; q > 0 && blk[q - 1] > blk[q]; q--) {
              PetscInt tmp = blk[q];
              blk[q]       = blk[q - 1];
              blk[q - 1]   = tmp;
            }
          for (PetscInt f = 0; f < nf; f++, row++) {
            PetscInt n = 0;
            if (pass == 0) dnz[row] = onz[row] = 0;
            for (PetscInt p = 0; p < nblk; p++) {
              PetscBool self = (PetscBool)(blk[p] == me), own = (PetscBool)(blk[p] >= first && blk[p] < last);
              for (PetscInt g = 0; g < nf; g++)
                if (self ? dfill[f * nf + g] || ofill[f * nf + g] : ofill[f * nf + g]) {
                  if (pass == 0) {
                    if (own)
                      dnz[row]++;
                    else
                      onz[row]++;
                  } else
                    cols[n++] = blk[p] * nf + g;
                }
            }
            if (pass == 1) {
              PetscInt r = me * nf + f;
              PetscCall(MatSetValues(*A, 1, &r, n, cols, zeros, INSERT_VALUES));
            }
          }
        }
  }
  PetscCall(PetscFree2(dnz, onz));
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(*A, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* The coarse operator of level C from the operator A of level F (Galerkin with the piecewise
   constant interpolation, couplings between coarse cells rescaled, see the top of this file),
   summed entry by entry: no product matrices are formed. */
static PetscErrorCode CoarseOperator(const MHLevel *F, const MHLevel *C, PetscInt dim, PetscInt nf, Mat A, Mat Ac)
{
  PetscInt    rstart, rend, cols[14 * MH_MAX_FIELDS], fb;
  PetscScalar vals[14 * MH_MAX_FIELDS];

  PetscFunctionBeginUser;
  PetscCall(MatZeroEntries(Ac));
  PetscCall(MatGetOwnershipRange(A, &rstart, &rend));
  fb = rstart / nf;
  /* cell by cell: the blocks a fine cell's rows reach (itself and its face neighbours), their
     coarse cells and scales, then its rows */
  for (PetscInt k = F->xs[2]; k < F->xs[2] + F->xm[2]; k++)
    for (PetscInt j = F->xs[1]; j < F->xs[1] + F->xm[1]; j++)
      for (PetscInt i = F->xs[0]; i < F->xs[0] + F->xm[0]; i++, fb++) {
        PetscInt  fi[3] = {i, j, k}, ci[3], pi, nblk = 1, blk[7], pblk[7];
        PetscReal sc[7];
        Parent(C, fi, ci);
        pi      = LevelBlock(C, ci);
        blk[0]  = fb;
        pblk[0] = pi;
        sc[0]   = 1;
        for (PetscInt a = 0; a < dim; a++)
          for (PetscInt side = -1; side <= 1; side += 2) {
            PetscInt fj[3], cj[3];
            if (!Neighbour(F, fi, a, side, fj)) continue;
            Parent(C, fj, cj);
            blk[nblk]  = LevelBlock(F, fj);
            pblk[nblk] = LevelBlock(C, cj);
            sc[nblk]   = pblk[nblk] == pi ? 1 : CouplingScale(F, C, dim, ci, cj);
            nblk++;
          }
        for (PetscInt f = 0; f < nf; f++) {
          PetscInt           row = fb * nf + f, crow = pi * nf + f, nc, n = 0;
          const PetscInt    *rc;
          const PetscScalar *rv;
          PetscCall(MatGetRow(A, row, &nc, &rc, &rv));
          PetscCheck(nc <= 7 * MH_MAX_FIELDS, PETSC_COMM_SELF, PETSC_ERR_PLIB, "operator row with %" PetscInt_FMT " entries", nc);
          for (PetscInt e = 0; e < nc; e++) {
            PetscInt p = 0, g;
            if (rv[e] == 0) continue;
            while (p < nblk && !(rc[e] >= blk[p] * nf && rc[e] < blk[p] * nf + nf))
              p++;
            PetscCheck(p < nblk, PETSC_COMM_SELF, PETSC_ERR_PLIB, "operator entry outside the cell's stencil");
            g         = rc[e] - blk[p] * nf;
            cols[n]   = pblk[p] * nf + g;
            vals[n++] = sc[p] * rv[e];
            if (sc[p] != 1) { /* what the coupling loses stays on the diagonal block: rows keep their sums */
              cols[n]   = pi * nf + g;
              vals[n++] = (1 - sc[p]) * rv[e];
            }
          }
          PetscCall(MatRestoreRow(A, row, &nc, &rc, &rv));
          PetscCall(MatSetValues(Ac, 1, &crow, n, cols, vals, ADD_VALUES));
        }
      }
  PetscCall(MatAssemblyBegin(Ac, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(Ac, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* The coarse operators from the fine operator J (after every Jacobian assembly). */
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
      PetscCall(CoarseMatrix(PetscObjectComm((PetscObject)J), C, h->dim, h->nf, h->dfill, h->ofill, &C->A));
      PetscCall(PCMGGetSmoother(h->pc, h->nlevels - 1 - k, &smoother));
      PetscCall(KSPSetOperators(smoother, C->A, C->A));
    }
    PetscCall(CoarseOperator(F, C, h->dim, h->nf, A, C->A));
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
