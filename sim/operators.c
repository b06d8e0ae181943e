/* The semi-discrete operators on the cell-centred grid, the same code for 1, 2 and 3 dimensions:

     du_i/dt = R_i(t, x, u) + div(D_i grad u_i) - sum_k div(chi_k u_i grad u_c(k))

   Diffusion: conservative two-point fluxes with distance-weighted harmonic means of the cell
   diffusivities, exact for layered media whose interfaces lie on cell faces. Taxis: face velocity
   from the attractant's gradient and the harmonic mean of the cells' sensitivities, the moving
   density reconstructed upwind with a minmod-limited
   slope (first order next to a non-periodic boundary). Each face flux is computed once and given
   to its two cells, so the sum over cells telescopes (conservation to round-off). */
#include "mhimpl.h"

typedef struct {
  const MHGrid *g;
  PetscInt      nf, nc;     /* fields, coefficients per cell */
  PetscInt      gstride[3]; /* ghosted array strides, in cells */
} MHStencil;

static inline PetscInt GOff(const MHStencil *s, PetscInt i, PetscInt j, PetscInt k)
{
  const MHGrid *g = s->g;
  return ((k - g->gxs[2]) * g->gxm[1] + (j - g->gxs[1])) * g->gxm[0] + (i - g->gxs[0]);
}

static inline PetscInt OOff(const MHGrid *g, PetscInt i, PetscInt j, PetscInt k)
{
  return ((k - g->xs[2]) * g->xm[1] + (j - g->xs[1])) * g->xm[0] + (i - g->xs[0]);
}

static inline PetscReal Width(const MHGrid *g, PetscInt a, PetscInt i)
{
  PetscInt n = g->n[a];
  return g->widths[a][((i % n) + n) % n];
}

static inline PetscReal MinMod(PetscReal a, PetscReal b)
{
  if (a * b <= 0) return 0;
  return PetscAbsReal(a) < PetscAbsReal(b) ? a : b;
}

static void StencilInit(const MHGrid *g, MHModel m, MHStencil *s)
{
  s->g          = g;
  s->nf         = m->nf;
  s->nc         = m->nf + m->ntaxis;
  s->gstride[0] = 1;
  s->gstride[1] = g->gxm[0];
  s->gstride[2] = g->gxm[0] * g->gxm[1];
}

/* Diffusive transmissibility of an interior face: flux in +axis is -T (uR - uL). */
static inline PetscReal Transmissibility(PetscReal wL, PetscReal DL, PetscReal wR, PetscReal DR)
{
  if (DL <= 0 || DR <= 0) return 0;
  return 2 / (wL / DL + wR / DR);
}

/* Taxis sensitivity of a face: the harmonic mean of its cells' (none through a face where either
   side has none, e.g. into a layer a cell type cannot enter). */
static inline PetscReal FaceSensitivity(PetscReal a, PetscReal b)
{
  if (a <= 0 || b <= 0) return 0;
  return 2 * a * b / (a + b);
}

/* Upwind, limited value of the moving density at a face; first order where a second neighbour is absent. */
static inline PetscReal FaceDensity(PetscReal v, PetscReal uLL, PetscReal uL, PetscReal uR, PetscReal uRR, PetscBool hasLL, PetscBool hasRR, PetscReal wLL, PetscReal wL, PetscReal wR, PetscReal wRR)
{
  PetscReal dLR = 0.5 * (wL + wR);
  if (v >= 0) {
    PetscReal slope = hasLL ? MinMod((uL - uLL) / (0.5 * (wLL + wL)), (uR - uL) / dLR) : 0;
    return uL + 0.5 * wL * slope;
  } else {
    PetscReal slope = hasRR ? MinMod((uR - uL) / dLR, (uRR - uR) / (0.5 * (wR + wRR))) : 0;
    return uR - 0.5 * wR * slope;
  }
}

PetscErrorCode MHOperatorsRHS(MHSim sim, PetscReal t, Vec U, Vec F)
{
  const MHGrid      *g = &sim->grid;
  MHModel            m = sim->model;
  MHStencil          s;
  const PetscScalar *u, *c;
  PetscScalar       *f;
  PetscInt           nf = m->nf, nc;
  MHCell             cell;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(MH_EVENT_RHS, 0, 0, 0, 0));
  StencilInit(g, m, &s);
  nc = s.nc;
  PetscCall(DMGlobalToLocalBegin(g->da, U, INSERT_VALUES, sim->Ulocal));
  PetscCall(DMGlobalToLocalEnd(g->da, U, INSERT_VALUES, sim->Ulocal));
  PetscCall(VecGetArrayRead(sim->Ulocal, &u));
  PetscCall(VecGetArrayRead(sim->coef, &c));
  PetscCall(VecGetArray(F, &f));

  /* Reactions */
  MH_FOR_OWNED_CELLS (g, i, j, k) {
    PetscInt idx[3] = {i, j, k};
    MHGridCellOf(g, idx, &cell);
    m->ops.reaction(m->data, t, cell.x, &u[GOff(&s, i, j, k) * nf], &f[OOff(g, i, j, k) * nf]);
  }

  /* Transport, face by face along each axis. */
  for (PetscInt a = 0; a < g->dim; a++) {
    const PetscInt    n = g->n[a], st = s.gstride[a];
    const PetscBool   periodic = g->bc[a][0].type == MH_BC_PERIODIC;
    const MHBoundary *bmin = &g->bc[a][0], *bmax = &g->bc[a][1];
    PetscInt          lo[3], hi[3];
    for (PetscInt b = 0; b < 3; b++) {
      lo[b] = g->xs[b];
      hi[b] = g->xs[b] + g->xm[b] - 1;
    }
    hi[a] = g->xs[a] + g->xm[a]; /* faces xs .. xs+xm */
    for (PetscInt k = lo[2]; k <= hi[2]; k++)
      for (PetscInt j = lo[1]; j <= hi[1]; j++)
        for (PetscInt i = lo[0]; i <= hi[0]; i++) {
          PetscInt        idx[3] = {i, j, k}, face = idx[a];
          PetscInt        R = face, L = face - 1;
          PetscBool       ownL = L >= g->xs[a], ownR = R < g->xs[a] + g->xm[a];
          PetscInt        gR = GOff(&s, i, j, k), gL = gR - st;
          const PetscReal wL = Width(g, a, L), wR = Width(g, a, R);
          PetscScalar    *fL = NULL, *fR = NULL;
          if (ownL) {
            PetscInt il[3] = {i, j, k};
            il[a]--;
            fL = &f[OOff(g, il[0], il[1], il[2]) * nf];
          }
          if (ownR) fR = &f[OOff(g, i, j, k) * nf];

          if (!periodic && (face == 0 || face == n)) { /* a domain boundary */
            const MHBoundary *bc = face == 0 ? bmin : bmax;
            PetscInt          gc = face == 0 ? gR : gL;
            PetscReal         w = face == 0 ? wR : wL, sgn = face == 0 ? 1 : -1;
            PetscScalar      *fc = face == 0 ? fR : fL;
            if (bc->type != MH_BC_DIRICHLET) continue;
            for (PetscInt q = 0; q < nf; q++) {
              if (!bc->fixed[q]) continue;
              /* flux into the cell: D (g - u) / (w/2) */
              fc[q] += c[gc * nc + q] * (bc->value[q] - u[gc * nf + q]) / (0.5 * w) / w;
            }
            for (PetscInt tx = 0; tx < m->ntaxis; tx++) {
              PetscInt  q = m->taxis_field[tx], ca = m->taxis_attractant[tx];
              PetscReal chi = c[gc * nc + nf + tx], v, uface, Fp;
              if (!bc->fixed[ca]) continue;
              /* velocity in +axis */
              v     = face == 0 ? chi * (u[gc * nf + ca] - bc->value[ca]) / (0.5 * w) : chi * (bc->value[ca] - u[gc * nf + ca]) / (0.5 * w);
              uface = u[gc * nf + q];
              if (bc->fixed[q] && ((face == 0 && v > 0) || (face == n && v < 0))) uface = bc->value[q];
              Fp = v * uface;
              fc[q] += sgn * Fp / w;
            }
            continue;
          }
          for (PetscInt q = 0; q < nf; q++) {
            PetscReal T  = Transmissibility(wL, c[gL * nc + q], wR, c[gR * nc + q]);
            PetscReal Fp = -T * (u[gR * nf + q] - u[gL * nf + q]);
            if (fL) fL[q] -= Fp / wL;
            if (fR) fR[q] += Fp / wR;
          }
          for (PetscInt tx = 0; tx < m->ntaxis; tx++) {
            PetscInt  q = m->taxis_field[tx], ca = m->taxis_attractant[tx];
            PetscReal chi   = FaceSensitivity(c[gL * nc + nf + tx], c[gR * nc + nf + tx]);
            PetscReal v     = chi * (u[gR * nf + ca] - u[gL * nf + ca]) / (0.5 * (wL + wR));
            PetscBool hasLL = periodic || L - 1 >= 0, hasRR = periodic || R + 1 <= n - 1;
            PetscReal uLL = hasLL ? u[(gL - st) * nf + q] : 0, uRR = hasRR ? u[(gR + st) * nf + q] : 0;
            PetscReal uface = FaceDensity(v, uLL, u[gL * nf + q], u[gR * nf + q], uRR, hasLL, hasRR, Width(g, a, L - 1), wL, wR, Width(g, a, R + 1));
            PetscReal Fp    = v * uface;
            if (fL) fL[q] -= Fp / wL;
            if (fR) fR[q] += Fp / wR;
          }
        }
  }
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(sim->coef, &c));
  PetscCall(VecRestoreArrayRead(sim->Ulocal, &u));
  PetscCall(PetscLogEventEnd(MH_EVENT_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* A = shift I + sign dR/du, assembled cell by cell: one block row per cell, with its diagonal
   block (reaction and transport) and one block per face neighbour. The taxis part differentiates
   the limited face density as if it were first-order upwind (an inexact Newton direction). */
PetscErrorCode MHOperatorsJacobian(MHSim sim, PetscReal t, Vec U, PetscReal shift, PetscReal sign, Mat A)
{
  const MHGrid      *g = &sim->grid;
  MHModel            m = sim->model;
  MHStencil          s;
  const PetscScalar *u, *c;
  PetscInt           nf = m->nf, nc, ncolmax = 1 + 2 * g->dim;
  PetscScalar       *vals, Jr[MH_MAX_FIELDS * MH_MAX_FIELDS];
  MatStencil         row, cols[7];
  MHCell             cell;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(MH_EVENT_JAC, 0, 0, 0, 0));
  StencilInit(g, m, &s);
  nc = s.nc;
  PetscCall(PetscMalloc1(nf * nf * ncolmax, &vals));
  PetscCall(DMGlobalToLocalBegin(g->da, U, INSERT_VALUES, sim->Ulocal));
  PetscCall(DMGlobalToLocalEnd(g->da, U, INSERT_VALUES, sim->Ulocal));
  PetscCall(VecGetArrayRead(sim->Ulocal, &u));
  PetscCall(VecGetArrayRead(sim->coef, &c));
  PetscCall(MatZeroEntries(A));
  PetscCall(MatSetOption(A, MAT_IGNORE_ZERO_ENTRIES, PETSC_TRUE));

  MH_FOR_OWNED_CELLS (g, i, j, k) {
    PetscInt idx[3] = {i, j, k}, gc = GOff(&s, i, j, k), ncol = 1, ld;
    PetscInt col_of_side[3][2];
    MHCell  *cl = &cell;
    MHGridCellOf(g, idx, cl);
    row.i   = i;
    row.j   = j;
    row.k   = k;
    row.c   = 0;
    cols[0] = row;
    /* neighbour columns */
    for (PetscInt a = 0; a < g->dim; a++) {
      const PetscBool periodic = g->bc[a][0].type == MH_BC_PERIODIC;
      for (PetscInt side = 0; side < 2; side++) {
        PetscInt nb          = idx[a] + (side ? 1 : -1);
        col_of_side[a][side] = -1;
        if (!periodic && (nb < 0 || nb >= g->n[a])) continue;
        cols[ncol] = row;
        if (a == 0)
          cols[ncol].i = nb;
        else if (a == 1)
          cols[ncol].j = nb;
        else
          cols[ncol].k = nb;
        col_of_side[a][side] = ncol++;
      }
    }
    ld = ncol * nf;
    PetscCall(PetscArrayzero(vals, nf * ld));
#define V(r, col, q) vals[(r)*ld + (col)*nf + (q)]
    if (m->ops.reaction_jacobian) {
      m->ops.reaction_jacobian(m->data, t, cl->x, &u[gc * nf], Jr);
      for (PetscInt r = 0; r < nf; r++)
        for (PetscInt q = 0; q < nf; q++)
          V(r, 0, q) = Jr[r * nf + q];
    }
    for (PetscInt a = 0; a < g->dim; a++) {
      const PetscInt  n = g->n[a], st = s.gstride[a];
      const PetscReal wc = Width(g, a, idx[a]);
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
          PetscInt  nbi = idx[a] + (side ? 1 : -1);
          PetscInt  gn  = gc + (side ? st : -st);
          PetscReal wn  = Width(g, a, nbi);
          /* the face: L and R cells, sgn = +1 if this cell is R (flux in +axis enters it) */
          PetscInt  gL = side ? gc : gn, gR = side ? gn : gc, Lg = side ? idx[a] : nbi, Rg = side ? nbi : idx[a];
          PetscReal wL = side ? wc : wn, wR = side ? wn : wc, sg = side ? -1 : 1;
          PetscInt  colL = side ? 0 : col, colR = side ? col : 0;
          PetscBool periodic = g->bc[a][0].type == MH_BC_PERIODIC;
          for (PetscInt q = 0; q < nf; q++) {
            PetscReal T = Transmissibility(wc, c[gc * nc + q], wn, c[gn * nc + q]);
            V(q, 0, q) -= T / wc;
            V(q, col, q) += T / wc;
          }
          for (PetscInt tx = 0; tx < m->ntaxis; tx++) {
            PetscInt  q = m->taxis_field[tx], ca = m->taxis_attractant[tx];
            PetscReal chi   = FaceSensitivity(c[gL * nc + nf + tx], c[gR * nc + nf + tx]);
            PetscReal dist  = 0.5 * (wL + wR);
            PetscReal v     = chi * (u[gR * nf + ca] - u[gL * nf + ca]) / dist;
            PetscBool hasLL = periodic || Lg - 1 >= 0, hasRR = periodic || Rg + 1 <= n - 1;
            PetscReal uLL = hasLL ? u[(gL - st) * nf + q] : 0, uRR = hasRR ? u[(gR + st) * nf + q] : 0;
            PetscReal uface = FaceDensity(v, uLL, u[gL * nf + q], u[gR * nf + q], uRR, hasLL, hasRR, Width(g, a, Lg - 1), wL, wR, Width(g, a, Rg + 1));
            /* f_c += sg * F / wc with F = v uface */
            V(q, colR, ca) += sg * chi / dist * uface / wc;
            V(q, colL, ca) -= sg * chi / dist * uface / wc;
            V(q, v >= 0 ? colL : colR, q) += sg * v / wc;
          }
        }
      }
    }
    for (PetscInt r = 0; r < nf; r++)
      for (PetscInt q = 0; q < ld; q++)
        vals[r * ld + q] *= sign;
    for (PetscInt r = 0; r < nf; r++)
      V(r, 0, r) += shift;
#undef V
    PetscCall(MatSetValuesBlockedStencil(A, 1, &row, ncol, cols, vals, ADD_VALUES));
  }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(VecRestoreArrayRead(sim->coef, &c));
  PetscCall(VecRestoreArrayRead(sim->Ulocal, &u));
  PetscCall(PetscFree(vals));
  PetscCall(PetscLogEventEnd(MH_EVENT_JAC, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
