/* Geometric multigrid: the coarse operators, summed entry by entry from the next finer one with
   the coupling scale that makes them a rediscretisation (multigrid.c describes the method). */
#include "mhmg.h"

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
PetscErrorCode MHCoarseMatrix(MPI_Comm comm, const MHLevel *C, PetscInt dim, PetscInt nf, const PetscBool dfill[], const PetscBool ofill[], Mat *A)
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
PetscErrorCode MHCoarseOperator(const MHLevel *F, const MHLevel *C, PetscInt dim, PetscInt nf, Mat A, Mat Ac)
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
