/* The Jacobian of the operators of operators.c: its nonzero pattern (cells and their face
   neighbours, blocks as the model's coupling and the fields that move say) and its values, with
   the same face coefficients and the same limited upwind taxis as the residual. */
#include "mhops.h"

/* The Jacobian's columns for a cell: itself, then its face neighbours (axis by axis, min side
   first; none beyond a non-periodic face of the domain). nb[col]: their DMDA indices;
   col_of_side[a][side]: the column of each neighbour, -1 where there is none. */
static PetscInt CellColumns(const MHGrid *g, const PetscInt idx[3], PetscInt nb[7][3], PetscInt col_of_side[3][2])
{
  PetscInt ncol = 1;
  for (PetscInt b = 0; b < 3; b++)
    nb[0][b] = idx[b];
  for (PetscInt a = 0; a < g->dim; a++) {
    const PetscBool periodic = (PetscBool)(g->bc[a][0].type == MH_BC_PERIODIC);
    for (PetscInt side = 0; side < 2; side++) {
      PetscInt n           = idx[a] + (side ? 1 : -1);
      col_of_side[a][side] = -1;
      if (!periodic && (n < 0 || n >= g->n[a])) continue;
      for (PetscInt b = 0; b < 3; b++)
        nb[ncol][b] = idx[b];
      nb[ncol][a]          = n;
      col_of_side[a][side] = ncol++;
    }
  }
  return ncol;
}

/* The Jacobian's block numbering on daJ: ghost corners gs, gm (absent axes 0 and 1), the global
   block index of every ghosted cell (gidx, restore through ltog) and the first owned one. */
static PetscErrorCode JacobianBlockIndices(const MHGrid *g, PetscInt gs[3], PetscInt gm[3], ISLocalToGlobalMapping *ltog, const PetscInt **gidx, PetscInt *rstart)
{
  PetscFunctionBeginUser;
  PetscCall(DMDAGetGhostCorners(g->daJ, &gs[0], &gs[1], &gs[2], &gm[0], &gm[1], &gm[2]));
  for (PetscInt a = g->dim; a < 3; a++) {
    gs[a] = 0;
    gm[a] = 1;
  }
  PetscCall(DMGetLocalToGlobalMapping(g->daJ, ltog));
  PetscCall(ISLocalToGlobalMappingGetBlockIndices(*ltog, gidx));
  *rstart = (*gidx)[((g->xs[2] - gs[2]) * gm[1] + (g->xs[1] - gs[1])) * gm[0] + (g->xs[0] - gs[0])];
  PetscFunctionReturn(0);
}

/* A cell's Jacobian columns (CellColumns) as blocks of the matrix: their global block (cell)
   numbers gb, whether the rank owns them (diagonal part), and the order of increasing column:
   ord[0 .. nblk-1] lists the distinct blocks (a periodic axis of two cells makes a cell's two
   neighbours along it one block; dup[col] names the block a column adds to). */
static PetscInt CellBlocks(const MHGrid *g, const PetscInt gs[3], const PetscInt gm[3], const PetscInt *gidx, PetscInt rstart, PetscInt rcount, PetscInt ncol, PetscInt nb[7][3], PetscInt gb[7], PetscBool own[7], PetscInt ord[7], PetscInt dup[7])
{
  PetscInt nblk = 0;
  for (PetscInt col = 0; col < ncol; col++) {
    PetscInt p;
    gb[col]  = gidx[((nb[col][2] - gs[2]) * gm[1] + (nb[col][1] - gs[1])) * gm[0] + (nb[col][0] - gs[0])];
    own[col] = (PetscBool)(gb[col] >= rstart && gb[col] < rstart + rcount);
    dup[col] = col;
    for (p = 0; p < nblk && gb[ord[p]] != gb[col]; p++) { }
    if (p < nblk) {
      dup[col] = ord[p];
      continue;
    }
    for (p = nblk++; p > 0 && gb[ord[p - 1]] > gb[col]; p--)
      ord[p] = ord[p - 1];
    ord[p] = col;
  }
  return nblk;
}

/* The Jacobian's nonzero pattern on A (sizes, type, block size and the local-to-global mapping of
   grid.daJ set): per cell and row field, the coupled fields of the cell itself (dfill) and of each
   face neighbour (ofill). Every allowed entry is inserted as zero, so the structure is complete
   from the start (entries that are zero at first keep their place, and colouring sees every
   coupling), and each row's columns are those MHOperatorsJacobian writes, in the same order. */
PetscErrorCode MHOperatorsJacobianPattern(MHDisc *sim, Mat A)
{
  const MHGrid          *g  = &sim->grid;
  const PetscInt         nf = g->nf, ncells = g->xm[0] * g->xm[1] * g->xm[2];
  PetscInt               gs[3], gm[3], *dnz, *onz, row = 0, rstart, cols[7 * MH_MAX_FIELDS];
  const PetscInt        *gidx;
  PetscScalar            zeros[7 * MH_MAX_FIELDS] = {0};
  ISLocalToGlobalMapping ltog;

  PetscFunctionBeginUser;
  PetscCall(JacobianBlockIndices(g, gs, gm, &ltog, &gidx, &rstart));
  PetscCall(PetscMalloc2(ncells * nf, &dnz, ncells * nf, &onz));
  MH_FOR_OWNED_CELLS (g, i, j, k) {
    PetscInt  idx[3] = {i, j, k}, nb[7][3], cs[3][2], ncol = CellColumns(g, idx, nb, cs), gb[7], ord[7], dup[7], nblk;
    PetscBool own[7];
    nblk = CellBlocks(g, gs, gm, gidx, rstart, ncells, ncol, nb, gb, own, ord, dup);
    for (PetscInt r = 0; r < nf; r++, row++) {
      dnz[row] = onz[row] = 0;
      for (PetscInt p = 0; p < nblk; p++)
        for (PetscInt q = 0; q < nf; q++)
          if (ord[p] ? sim->ofill[r * nf + q] : sim->dfill[r * nf + q]) {
            if (own[ord[p]])
              dnz[row]++;
            else
              onz[row]++;
          }
    }
  }
  PetscCall(MatSeqAIJSetPreallocation(A, 0, dnz));
  PetscCall(MatMPIAIJSetPreallocation(A, 0, dnz, 0, onz));
  PetscCall(PetscFree2(dnz, onz));
  MH_FOR_OWNED_CELLS (g, i, j, k) {
    PetscInt  idx[3] = {i, j, k}, nb[7][3], cs[3][2], ncol = CellColumns(g, idx, nb, cs), gb[7], ord[7], dup[7], nblk;
    PetscBool own[7];
    nblk = CellBlocks(g, gs, gm, gidx, rstart, ncells, ncol, nb, gb, own, ord, dup);
    for (PetscInt r = 0; r < nf; r++) {
      PetscInt n = 0, grow = gb[0] * nf + r;
      for (PetscInt p = 0; p < nblk; p++)
        for (PetscInt q = 0; q < nf; q++)
          if (ord[p] ? sim->ofill[r * nf + q] : sim->dfill[r * nf + q]) cols[n++] = gb[ord[p]] * nf + q;
      PetscCall(MatSetValues(A, 1, &grow, n, cols, zeros, INSERT_VALUES));
    }
  }
  PetscCall(ISLocalToGlobalMappingRestoreBlockIndices(ltog, &gidx));
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(A, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* A = shift I + sign dR/du, assembled cell by cell: one block row per cell, with its diagonal
   block (reaction and transport, conduits included) and one block per face neighbour. The taxis part differentiates
   the limited face density as if it were first-order upwind (an inexact Newton direction). With
   capacities, the transport rows of each cell are scaled by its inverse capacities, as in the
   residual, before the reaction block is added. */
PetscErrorCode MHOperatorsJacobian(MHDisc *sim, PetscReal t, Vec U, PetscReal shift, PetscReal sign, Mat A)
{
  const MHGrid          *g = &sim->grid;
  MHModel                m = sim->model;
  MHStencil              s;
  const PetscScalar     *u, *c;
  PetscInt               nf = m->nf, nc, ncolmax = 1 + 2 * g->dim;
  PetscScalar           *vals, Jr[MH_MAX_FIELDS * MH_MAX_FIELDS];
  MHCell                 cell;
  const MHFaces         *F = sim->faces;
  PetscInt               dq[MH_MAX_FIELDS * MH_MAX_FIELDS], oq[MH_MAX_FIELDS * MH_MAX_FIELDS], out[MH_MAX_FIELDS * MH_MAX_FIELDS], dstart[MH_MAX_FIELDS + 1], ostart[MH_MAX_FIELDS + 1], nout = 0;
  PetscInt               diag[MH_MAX_FIELDS], gs[3], gm[3], rstart, ncells = g->xm[0] * g->xm[1] * g->xm[2], nrows, pd = 0, po = 0;
  const PetscInt        *gidx, *garray = NULL, *id, *jd, *io = NULL, *jo = NULL;
  PetscScalar           *ad, *ao = NULL;
  Mat                    Ad = A, Ao = NULL;
  PetscBool              seq, mpi, done, check;
  PetscObjectState       state;
  PetscInt64             aid;
  ISLocalToGlobalMapping ltog;

  PetscFunctionBeginUser;
  /* the values go straight into the matrix's storage, row by row in the pattern's order
     (MHOperatorsJacobianPattern): its diagonal and off-diagonal parts on several ranks */
  PetscCall(PetscObjectBaseTypeCompare((PetscObject)A, MATSEQAIJ, &seq));
  PetscCall(PetscObjectBaseTypeCompare((PetscObject)A, MATMPIAIJ, &mpi));
  PetscCheck(seq || mpi, PetscObjectComm((PetscObject)A), PETSC_ERR_ARG_WRONG, "the Jacobian matrix must come from MHSimCreateJacobianMatrix()");
  if (mpi) PetscCall(MatMPIAIJGetSeqAIJ(A, &Ad, &Ao, &garray));
  /* every column is checked against the matrix's pattern once for each pattern a matrix has */
  PetscCall(MatGetNonzeroState(A, &state));
  PetscCall(PetscObjectGetId((PetscObject)A, &aid));
  check = (PetscBool)(aid != sim->faces->checked || state != sim->faces->checked_state);
  PetscCall(MatGetRowIJ(Ad, 0, PETSC_FALSE, PETSC_FALSE, &nrows, &id, &jd, &done));
  PetscCall(MatSeqAIJGetArray(Ad, &ad));
  if (Ao) {
    PetscCall(MatGetRowIJ(Ao, 0, PETSC_FALSE, PETSC_FALSE, &nrows, &io, &jo, &done));
    PetscCall(MatSeqAIJGetArray(Ao, &ao));
  }
  PetscCall(JacobianBlockIndices(g, gs, gm, &ltog, &gidx, &rstart));
  PetscCall(PetscLogEventBegin(MH_EVENT_JAC, 0, 0, 0, 0));
  StencilInit(g, m, &s);
  nc = s.nc;
  PetscCall(PetscMalloc1(nf * nf * ncolmax, &vals));
  PetscCall(DMGlobalToLocalBegin(g->da, U, INSERT_VALUES, sim->Ulocal));
  PetscCall(DMGlobalToLocalEnd(g->da, U, INSERT_VALUES, sim->Ulocal));
  PetscCall(VecGetArrayRead(sim->Ulocal, &u));
  PetscCall(VecGetArrayRead(sim->coef, &c));
  /* the pattern's fields per row field: dq[dstart[r] ..] in the cell's block, oq[ostart[r] ..] in a
     neighbour's; out: the entries r nf + q of the cell's block outside it */
  dstart[0] = ostart[0] = 0;
  for (PetscInt r = 0; r < nf; r++) {
    dstart[r + 1] = dstart[r];
    ostart[r + 1] = ostart[r];
    for (PetscInt q = 0; q < nf; q++) {
      if (q == r) diag[r] = dstart[r + 1] - dstart[r];
      if (sim->dfill[r * nf + q])
        dq[dstart[r + 1]++] = q;
      else
        out[nout++] = r * nf + q;
      if (sim->ofill[r * nf + q]) oq[ostart[r + 1]++] = q;
    }
  }

  MH_FOR_OWNED_CELLS (g, i, j, k) {
    PetscInt idx[3] = {i, j, k}, gc = GOff(&s, i, j, k), nb[7][3], col_of_side[3][2], ncol = CellColumns(g, idx, nb, col_of_side), ld;
    MHCell  *cl = &cell;
    MHGridCellOf(g, idx, cl);
    ld = ncol * nf;
    PetscCall(PetscArrayzero(vals, nf * ld));
#define V(r, col, q) vals[(r)*ld + (col)*nf + (q)]
    if (m->ops.reaction_jacobian) {
      m->ops.reaction_jacobian(m->data, t, cl->x, &u[gc * nf], Jr);
      if (!F->icap)
        for (PetscInt r = 0; r < nf; r++)
          for (PetscInt q = 0; q < nf; q++)
            V(r, 0, q) = Jr[r * nf + q];
      PetscReal bad = 0;
      for (PetscInt p = 0; p < nout; p++)
        bad += PetscAbsScalar(Jr[out[p]]);
      if (bad != 0) /* nothing may fall outside the pattern */
        for (PetscInt p = 0; p < nout; p++)
          PetscCheck(Jr[out[p]] == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "model %s: d(rate of %s)/d(%s) is %g, but its coupling pattern leaves that entry out", m->name, m->field_name[out[p] / nf], m->field_name[out[p] % nf], (double)PetscRealPart(Jr[out[p]]));
    }
    for (PetscInt a = 0; a < g->dim; a++) {
      const PetscInt  n = g->n[a], st = s.gstride[a];
      const PetscReal wc = Width(g, a, idx[a]), iwc = F->iw[a][idx[a] + 2];
      for (PetscInt side = 0; side < 2; side++) {
        PetscInt col = col_of_side[a][side];
        if (col < 0) { /* domain boundary */
          const MHBoundary *bc = &g->bc[a][side];
          if (bc->type != MH_BC_DIRICHLET) continue;
          for (PetscInt q = 0; q < nf; q++)
            if (bc->fixed[q]) V(q, 0, q) -= c[gc * nc + q] / (0.5 * wc) / wc;
          for (PetscInt tx = 0; tx < m->ntaxis; tx++) {
            PetscInt  q = m->taxis_field[tx], ca = m->taxis_attractant[tx];
            PetscReal chi = c[gc * nc + nf + tx], v, uface, sg = side ? -1 : 1;
            PetscBool upwind_inside;
            if (!bc->fixed[ca]) continue;
            v             = side == 0 ? chi * (u[gc * nf + ca] - bc->value[ca]) / (0.5 * wc) : chi * (bc->value[ca] - u[gc * nf + ca]) / (0.5 * wc);
            upwind_inside = !(bc->fixed[q] && ((side == 0 && v > 0) || (side == 1 && v < 0)));
            uface         = upwind_inside ? u[gc * nf + q] : bc->value[q];
            /* f_c += sg * v * uface / wc, dv/dc_c = (side ? -1 : 1) chi / (wc/2) */
            V(q, 0, ca) += sg * (side ? -1 : 1) * chi / (0.5 * wc) * uface / wc;
            if (upwind_inside) V(q, 0, q) += sg * v / wc;
          }
          continue;
        }
        {
          PetscInt nbi = idx[a] + (side ? 1 : -1);
          PetscInt gn  = gc + (side ? st : -st);
          /* the face: L and R cells, sgn = +1 if this cell is R (flux in +axis enters it) */
          PetscInt         gL = side ? gc : gn, gR = side ? gn : gc, Lg = side ? idx[a] : nbi, Rg = side ? nbi : idx[a];
          PetscReal        sg   = side ? -1 : 1;
          PetscInt         colL = side ? 0 : col, colR = side ? col : 0;
          PetscBool        periodic = g->bc[a][0].type == MH_BC_PERIODIC;
          const PetscReal *T        = F->T[a] + ((i - g->xs[0]) * F->Ts[a][0] + (j - g->xs[1]) * F->Ts[a][1] + (k - g->xs[2]) * F->Ts[a][2] + side * F->Ts[a][a]) * F->nq;
          const PetscReal *Xf       = !F->ntaxis ? NULL : F->X[a] + ((i - g->xs[0]) * F->Xs[a][0] + (j - g->xs[1]) * F->Xs[a][1] + (k - g->xs[2]) * F->Xs[a][2] + side * F->Xs[a][a]) * F->ntaxis;
          const PetscReal *id = F->idist[a], *hw = F->hw[a];
          for (PetscInt q = F->q0; q < F->q0 + F->nq; q++) {
            V(q, 0, q) -= T[q - F->q0] * iwc;
            V(q, col, q) += T[q - F->q0] * iwc;
          }
          for (PetscInt tx = 0; tx < m->ntaxis; tx++) {
            /* the residual's face coefficient X (sensitivity / centre distance) and face value */
            PetscInt  q = m->taxis_field[tx], ca = m->taxis_attractant[tx];
            PetscReal X     = Xf[tx];
            PetscReal v     = X * (u[gR * nf + ca] - u[gL * nf + ca]);
            PetscBool hasLL = periodic || Lg - 1 >= 0, hasRR = periodic || Rg + 1 <= n - 1;
            PetscReal uL = u[gL * nf + q], uR = u[gR * nf + q];
            PetscReal uLL = hasLL ? u[(gL - st) * nf + q] : uL, uRR = hasRR ? u[(gR + st) * nf + q] : uR;
            PetscReal uface = LimitedFaceValue(v, uLL, uL, uR, uRR, id[Lg + 2], id[Rg + 2], id[Rg + 3], hw[Lg + 2], hw[Rg + 2]);
            /* f_c += sg * F / wc with F = v uface */
            V(q, colR, ca) += sg * X * uface / wc;
            V(q, colL, ca) -= sg * X * uface / wc;
            V(q, v >= 0 ? colL : colR, q) += sg * v / wc;
          }
          for (PetscInt t = 0; t < m->nconduit; t++) {
            /* F = T(aL, aR) (uL - uR), a = kappa max(g, 0), T = 2 aL aR / (wL aR + wR aL) */
            const PetscInt  q = m->conduit_field[t], gt = m->conduit_gate[t], c0 = nf + m->ntaxis;
            const PetscReal kL = c[gL * nc + c0 + t], kR = c[gR * nc + c0 + t], gLv = u[gL * nf + gt], gRv = u[gR * nf + gt];
            const PetscReal aL = kL * PetscMax(gLv, 0.0), aR = kR * PetscMax(gRv, 0.0), wL = Width(g, a, Lg), wR = Width(g, a, Rg);
            const PetscReal den = wL * aR + wR * aL, du = u[gL * nf + q] - u[gR * nf + q];
            const PetscReal T = Transmissibility(wL, aL, wR, aR);
            if (den <= 0) continue;
            V(q, colL, q) += sg * T / wc;
            V(q, colR, q) -= sg * T / wc;
            /* dT/daL = 2 wL (aR / den)^2: the ratio first, since aR^2 and den^2 underflow to 0
               (0/0) for a channel closed to 1e-160 and less */
            V(q, colL, gt) += sg * 2 * wL * (aR / den) * (aR / den) * (gLv > 0 ? kL : 0) * du / wc;
            V(q, colR, gt) += sg * 2 * wR * (aL / den) * (aL / den) * (gRv > 0 ? kR : 0) * du / wc;
          }
        }
      }
    }
    if (F->icap) {
      const PetscReal *ic = &F->icap[OOff(g, i, j, k) * nf];
      for (PetscInt r = 0; r < nf; r++)
        for (PetscInt e = 0; e < ld; e++)
          vals[r * ld + e] *= ic[r];
      if (m->ops.reaction_jacobian)
        for (PetscInt r = 0; r < nf; r++)
          for (PetscInt q = 0; q < nf; q++)
            V(r, 0, q) += Jr[r * nf + q];
    }
    {
      PetscInt  gb[7], ord[7], dup[7], nblk;
      PetscBool own[7];
      nblk = CellBlocks(g, gs, gm, gidx, rstart, ncells, ncol, nb, gb, own, ord, dup);
      for (PetscInt col = 1; col < ncol; col++) /* a neighbour met twice (periodic axis of two cells) */
        if (dup[col] != col)
          for (PetscInt r = 0; r < nf; r++)
            for (PetscInt q = 0; q < nf; q++)
              V(r, dup[col], q) += V(r, col, q);
      for (PetscInt r = 0; r < nf; r++)
        for (PetscInt p = 0; p < nblk; p++) {
          const PetscInt     col = ord[p], *ql = col ? &oq[ostart[r]] : &dq[dstart[r]], nq = col ? ostart[r + 1] - ostart[r] : dstart[r + 1] - dstart[r];
          const PetscScalar *Vr  = &V(r, col, 0);
          PetscScalar       *dst = own[col] ? &ad[pd] : &ao[po];
          if (check)
            for (PetscInt e = 0; e < nq; e++) {
              const PetscInt gcol = gb[col] * nf + ql[e];
              PetscCheck(own[col] ? jd[pd + e] == gcol - rstart * nf : garray[jo[po + e]] == gcol, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the Jacobian matrix's pattern is not the operators' (it must come from MHSimCreateJacobianMatrix())");
            }
          for (PetscInt e = 0; e < nq; e++)
            dst[e] = sign * Vr[ql[e]];
          if (col == 0) dst[diag[r]] += shift;
          if (own[col])
            pd += nq;
          else
            po += nq;
        }
    }
#undef V
  }
  PetscCheck(pd == id[nrows] && (!Ao || po == io[nrows]), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the Jacobian matrix's pattern is not the operators' (it must come from MHSimCreateJacobianMatrix())");
  sim->faces->checked       = aid;
  sim->faces->checked_state = state;
  PetscCall(ISLocalToGlobalMappingRestoreBlockIndices(ltog, &gidx));
  PetscCall(MatSeqAIJRestoreArray(Ad, &ad));
  PetscCall(MatRestoreRowIJ(Ad, 0, PETSC_FALSE, PETSC_FALSE, &nrows, &id, &jd, &done));
  if (Ao) {
    PetscCall(MatSeqAIJRestoreArray(Ao, &ao));
    PetscCall(MatRestoreRowIJ(Ao, 0, PETSC_FALSE, PETSC_FALSE, &nrows, &io, &jo, &done));
  }
  if (mpi) { /* tells A, not only its parts, that its values changed */
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  PetscCall(VecRestoreArrayRead(sim->coef, &c));
  PetscCall(VecRestoreArrayRead(sim->Ulocal, &u));
  PetscCall(PetscFree(vals));
  PetscCall(PetscLogEventEnd(MH_EVENT_JAC, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
