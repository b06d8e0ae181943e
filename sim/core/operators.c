/* The semi-discrete operators on the cell-centred grid, the same code for 1, 2 and 3 dimensions:

     du_i/dt = R_i(t, x, u) + div(D_i grad u_i) - sum_k div(chi_k u_i grad u_c(k)) + sum_j div(kappa_j g_j grad u_i)

   (the last the conduits of MHModelOps.conduit, open in the share g_j a gate field gives), or, where the model gives capacities rho_i (MHModelOps.capacity), with D_i and chi_k those of
   the conserved amount rho_i u_i (the model returns D rho and chi rho):

     du_i/dt = R_i(t, x, u) + (1/rho_i) [div(D_i grad u_i) - sum_k div(chi_k u_i grad u_c(k))]

   the same face fluxes as above (harmonic means of the cells' D rho and chi rho, the taxis moving
   the upwind, limited u, not rho u), divided in each cell by its capacity: the sum of rho u
   times the cell volume telescopes, and a uniform u stays steady across jumps of rho.

   Diffusion: conservative two-point fluxes with distance-weighted harmonic means of the cell
   diffusivities, exact for layered media whose interfaces lie on cell faces. Taxis: face velocity
   from the attractant's gradient and the harmonic mean of the cells' sensitivities, the moving
   density reconstructed upwind with a minmod-limited
   slope (first order next to a non-periodic boundary). Each face flux is the same value for its
   two cells (computed once, or twice from the same operands in the same order), so the sum over
   cells telescopes (conservation to round-off). The face coefficients are computed once
   (MHOperatorsSetUp) and the residual runs line by line (MHOperatorsRHS). */
#include "mhops.h"

static PetscErrorCode MHFacesDestroy(void *ctx)
{
  MHFaces *F = (MHFaces *)ctx;

  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < 3; a++) {
    PetscCall(PetscFree2(F->T[a], F->X[a]));
    PetscCall(PetscFree4(F->iw[a], F->hw[a], F->idist[a], F->off[a]));
  }
  PetscCall(PetscFree(F->buf));
  PetscCall(PetscFree(F->icap));
  PetscCall(PetscFree(F));
  PetscFunctionReturn(0);
}

/* Whether the m[0] x m[1] x m[2] blocks of bs values at v (first index fastest) are the same all
   along each axis. */
static void Uniform(const PetscReal *v, const PetscInt m[3], PetscInt bs, PetscBool uniform[3])
{
  for (PetscInt b = 0; b < 3; b++) {
    PetscInt st = b == 0 ? 1 : (b == 1 ? m[0] : m[0] * m[1]);
    uniform[b]  = PETSC_TRUE;
    for (PetscInt p = 0; p < m[0] * m[1] * m[2] && uniform[b]; p++) {
      PetscInt ib = (p / st) % m[b];
      for (PetscInt q = 0; q < bs && ib; q++)
        if (v[p * bs + q] != v[(p - ib * st) * bs + q]) uniform[b] = PETSC_FALSE;
    }
  }
}

/* Copies v (as in Uniform) into w, once along each uniform axis; strides[b]: the stride of w in
   blocks along b, 0 where it is uniform. */
static void Compress(const PetscReal *v, const PetscInt m[3], PetscInt bs, const PetscBool uniform[3], PetscReal *w, PetscInt strides[3])
{
  PetscInt cm[3], cs = 1;
  for (PetscInt b = 0; b < 3; b++) {
    cm[b]      = uniform[b] ? 1 : m[b];
    strides[b] = uniform[b] ? 0 : cs;
    cs *= cm[b];
  }
  for (PetscInt k = 0; k < cm[2]; k++)
    for (PetscInt j = 0; j < cm[1]; j++)
      for (PetscInt i = 0; i < cm[0]; i++)
        for (PetscInt q = 0; q < bs; q++)
          w[((k * cm[1] + j) * cm[0] + i) * bs + q] = v[((k * m[1] + j) * m[0] + i) * bs + q];
}

/* Builds sim->faces from the ghosted cell coefficients (once, after MHGridFillCoefficients);
   they live as long as sim->coef does. */
PetscErrorCode MHOperatorsSetUp(MHDisc *sim)
{
  const MHGrid      *g = &sim->grid;
  MHModel            m = sim->model;
  MHStencil          s;
  MHFaces           *F;
  const PetscScalar *c;
  PetscInt           nf = m->nf, nc, nloc, qlo = nf, qhi = -1;
  PetscMPIInt        size;
  PetscContainer     box;

  PetscFunctionBeginUser;
  StencilInit(g, m, &s);
  nc = s.nc;
  PetscCallMPI(MPI_Comm_size(sim->comm, &size));
  PetscCall(PetscNew(&F));
  F->serial = (PetscBool)(size == 1);
  PetscCall(VecGetLocalSize(sim->coef, &nloc));
  PetscCall(VecGetArrayRead(sim->coef, &c));
  for (PetscInt k = 0; k < nloc; k += nc)
    for (PetscInt q = 0; q < nf; q++)
      if (PetscRealPart(c[k + q]) > 0) {
        qlo = PetscMin(qlo, q);
        qhi = PetscMax(qhi, q);
      }
  F->q0     = qhi < 0 ? 0 : qlo;
  F->nq     = qhi < 0 ? 0 : qhi - qlo + 1;
  F->ntaxis = m->ntaxis;
  for (PetscInt a = 0; a < 3; a++) {
    const PetscInt  n        = g->n[a];
    const PetscBool periodic = (PetscBool)(a < g->dim && g->bc[a][0].type == MH_BC_PERIODIC);
    PetscInt        fm[3], nfaces = 1, stride = nf;
    for (PetscInt b = 0; b < 3; b++) {
      fm[b] = g->xm[b] + (a == b);
      nfaces *= fm[b];
    }
    PetscReal *T, *X, *wpad;
    PetscBool  uT[3], uX[3];
    PetscCall(PetscMalloc4(n + 4, &F->iw[a], n + 4, &F->hw[a], n + 4, &F->idist[a], g->xm[a] + 4, &F->off[a]));
    PetscCall(PetscMalloc1(n + 4, &wpad));
    for (PetscInt i = -2; i < n + 2; i++) {
      wpad[i + 2]     = g->widths[a][periodic ? ((i % n) + n) % n : PetscMin(PetscMax(i, 0), n - 1)];
      F->iw[a][i + 2] = 1 / wpad[i + 2];
      F->hw[a][i + 2] = 0.5 * wpad[i + 2];
    }
    F->idist[a][0] = 0; /* face -2: never used */
    for (PetscInt f = -1; f < n + 2; f++)
      F->idist[a][f + 2] = 1 / (0.5 * (wpad[f + 1] + wpad[f + 2]));
    PetscCall(PetscFree(wpad));
    for (PetscInt b = 0; b < a; b++)
      stride *= F->serial ? g->n[b] : g->gxm[b];
    for (PetscInt i = g->xs[a] - 2; i < g->xs[a] + g->xm[a] + 2; i++) {
      PetscInt e = periodic ? (F->serial ? ((i % n) + n) % n : i) : PetscMin(PetscMax(i, 0), n - 1);
      if (a >= g->dim) e = 0;
      F->off[a][i - g->xs[a] + 2] = (e - (F->serial ? 0 : g->gxs[a])) * stride;
    }
    if (a >= g->dim) {
      for (PetscInt b = 0; b < 3; b++)
        F->Ts[a][b] = F->Xs[a][b] = 0;
      continue;
    }
    PetscCall(PetscMalloc2(nfaces * F->nq, &T, nfaces * F->ntaxis, &X));
    for (PetscInt k = 0; k < fm[2]; k++)
      for (PetscInt j = 0; j < fm[1]; j++)
        for (PetscInt i = 0; i < fm[0]; i++) {
          PetscInt   idx[3] = {g->xs[0] + i, g->xs[1] + j, g->xs[2] + k}, face = idx[a];
          PetscInt   p  = (k * fm[1] + j) * fm[0] + i;
          PetscReal *Tp = &T[p * F->nq], *Xp = &X[p * F->ntaxis];
          PetscInt   gR = GOff(&s, idx[0], idx[1], idx[2]), gL = gR - s.gstride[a];
          if (!periodic && (face == 0 || face == n)) { /* a domain boundary: handled apart */
            for (PetscInt q = 0; q < F->nq; q++)
              Tp[q] = 0;
            for (PetscInt tx = 0; tx < F->ntaxis; tx++)
              Xp[tx] = 0;
            continue;
          }
          {
            const PetscReal wL = Width(g, a, face - 1), wR = Width(g, a, face);
            for (PetscInt q = 0; q < F->nq; q++)
              Tp[q] = Transmissibility(wL, PetscRealPart(c[gL * nc + F->q0 + q]), wR, PetscRealPart(c[gR * nc + F->q0 + q]));
            for (PetscInt tx = 0; tx < F->ntaxis; tx++)
              Xp[tx] = FaceSensitivity(PetscRealPart(c[gL * nc + nf + tx]), PetscRealPart(c[gR * nc + nf + tx])) * F->idist[a][face + 2];
          }
        }
    Uniform(T, fm, F->nq, uT);
    Uniform(X, fm, F->ntaxis, uX);
    {
      PetscInt nT = F->nq, nX = F->ntaxis;
      for (PetscInt b = 0; b < 3; b++) {
        nT *= uT[b] ? 1 : fm[b];
        nX *= uX[b] ? 1 : fm[b];
      }
      PetscCall(PetscMalloc2(nT, &F->T[a], nX, &F->X[a]));
      F->nstored += nT + nX;
    }
    Compress(T, fm, F->nq, uT, F->T[a], F->Ts[a]);
    Compress(X, fm, F->ntaxis, uX, F->X[a], F->Xs[a]);
    PetscCall(PetscFree2(T, X));
  }
  PetscCall(VecRestoreArrayRead(sim->coef, &c));
  if (F->ntaxis) PetscCall(PetscMalloc1(F->ntaxis * (g->xm[0] + 1 + g->xm[0] + g->xm[0] * g->xm[1]), &F->buf));
  if (m->ops.capacity) {
    PetscInt  n = 0;
    PetscReal cap[MH_MAX_FIELDS];
    MHCell    cell;
    PetscCall(PetscMalloc1(g->xm[0] * g->xm[1] * g->xm[2] * nf, &F->icap));
    MH_FOR_OWNED_CELLS_COUNTED (g, i, j, k, n) {
      PetscInt idx[3] = {i, j, k};
      MHGridCellOf(g, idx, &cell);
      m->ops.capacity(m->data, cell.x, cap);
      for (PetscInt q = 0; q < nf; q++) {
        PetscCheck(cap[q] > 0 && !PetscIsInfOrNanReal(cap[q]), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "model %s: capacity of %s at (%g, %g, %g) is %g; it must be finite and > 0", m->name, m->field_name[q], (double)cell.x[0], (double)cell.x[1], (double)cell.x[2], (double)cap[q]);
        F->icap[n * nf + q] = 1 / cap[q];
      }
    }
    F->nstored += g->xm[0] * g->xm[1] * g->xm[2] * nf;
  }
  PetscCall(PetscContainerCreate(PETSC_COMM_SELF, &box));
  PetscCall(PetscContainerSetPointer(box, F));
  PetscCall(PetscContainerSetUserDestroy(box, MHFacesDestroy));
  PetscCall(PetscObjectCompose((PetscObject)sim->coef, "MHFaces", (PetscObject)box));
  PetscCall(PetscContainerDestroy(&box));
  sim->faces = F;
  PetscFunctionReturn(0);
}

/* What the residual reads besides the state, for the roofline benchmark's traffic model: the face
   coefficient values stored (T and X, and the inverse capacities), and whether it reads the state in place (one rank). */
PetscErrorCode MHOperatorsStorage(MHDisc *sim, PetscInt *nface_values, PetscBool *in_place)
{
  PetscFunctionBeginUser;
  PetscCheck(sim->faces, sim->comm, PETSC_ERR_ARG_WRONGSTATE, "call MHSimSetUp() first");
  *nface_values = sim->faces->nstored;
  *in_place     = sim->faces->serial;
  PetscFunctionReturn(0);
}

/* A Dirichlet face of the domain next to the cell with state uc, coefficients cc, width w:
   side 0 is the axis's min face (flux in +axis enters the cell), side 1 its max face. */
static inline void BoundaryFace(MHModel m, const MHBoundary *bc, PetscInt side, const PetscScalar *uc, const PetscScalar *cc, PetscReal w, PetscScalar *fc)
{
  const PetscInt  nf  = m->nf;
  const PetscReal sgn = side ? -1 : 1;
  for (PetscInt q = 0; q < nf; q++) {
    if (!bc->fixed[q]) continue;
    /* flux into the cell: D (g - u) / (w/2) */
    fc[q] += cc[q] * (bc->value[q] - uc[q]) / (0.5 * w) / w;
  }
  for (PetscInt tx = 0; tx < m->ntaxis; tx++) {
    PetscInt  q = m->taxis_field[tx], ca = m->taxis_attractant[tx];
    PetscReal chi = cc[nf + tx], v, uface, Fp;
    if (!bc->fixed[ca]) continue;
    /* velocity in +axis */
    v     = side == 0 ? chi * (uc[ca] - bc->value[ca]) / (0.5 * w) : chi * (bc->value[ca] - uc[ca]) / (0.5 * w);
    uface = uc[q];
    if (bc->fixed[q] && ((side == 0 && v > 0) || (side == 1 && v < 0))) uface = bc->value[q];
    Fp = v * uface;
    fc[q] += sgn * Fp / w;
  }
}

/* A line of cells along the first axis: the cells' state offsets (values, from the line's first
   cell) at o0[c] for c = -2 .. cnt+1 (neighbours beyond a face of the domain are the end cell
   itself), and along the other axes the offsets of the cells m = -2 .. 2 steps on, at d[a][m + 2]. */
typedef struct {
  PetscInt         cnt, dim;
  const PetscInt  *o0;
  PetscInt         d[3][5];
  const PetscReal *T[3];         /* transmissibilities of the first cell's min face, per axis */
  PetscInt         Tc[3], Tf[3]; /* their strides (values) from cell to cell and to the max face */
  const PetscReal *iw0;          /* 1/width along the first axis, per cell */
  PetscReal        iwa[3];       /* along the others, the line's */
} MHLine;

/* Kernels compiled twice where the compiler can, for AVX2 and for the baseline, the one for the
   machine chosen at load time (no FMA: the results are the same bit for bit). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define MH_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#define MH_ALWAYS_INLINE __attribute__((always_inline))
#else
#define MH_TARGET_CLONES
#define MH_ALWAYS_INLINE
#endif

/* The diffusion of nq fields (u and f at the line's first cell and first such field). Through a
   min face the flux in +axis is Fp = -T (uc - uL) = T (uL - uc) and adds Fp/w; through a max face
   Fp = T (uc - uR) and subtracts Fp/w: each face's flux is the same expression of the same operands
   for both its cells, so the sum over cells telescopes. Faces of the domain have T = 0 and the
   cell itself as neighbour. */
MH_ALWAYS_INLINE static inline void DiffusionLine(const PetscInt nq, const PetscInt dim, PetscInt nf, const MHLine *L, const PetscScalar *restrict u, PetscScalar *restrict f)
{
  const PetscReal *TL[3] = {L->T[0], L->T[1], L->T[2]};
  for (PetscInt c = 0; c < L->cnt; c++) {
    const PetscScalar *uc = &u[L->o0[c]];
    PetscScalar       *fc = &f[c * nf], acc[MH_MAX_FIELDS];
    for (PetscInt q = 0; q < nq; q++)
      acc[q] = fc[q];
    for (PetscInt a = 0; a < dim; a++) {
      const PetscScalar *uL = a ? uc + L->d[a][1] : &u[L->o0[c - 1]], *uR = a ? uc + L->d[a][3] : &u[L->o0[c + 1]];
      const PetscReal    w = a ? L->iwa[a] : L->iw0[c], *TR = TL[a] + L->Tf[a];
      for (PetscInt q = 0; q < nq; q++)
        acc[q] += TL[a][q] * (uL[q] - uc[q]) * w;
      for (PetscInt q = 0; q < nq; q++)
        acc[q] -= TR[q] * (uc[q] - uR[q]) * w;
      TL[a] += L->Tc[a];
    }
    for (PetscInt q = 0; q < nq; q++)
      fc[q] = acc[q];
  }
}

/* DiffusionLine with the dimension and the count of fields constants for the common cases, so
   that the compiler unrolls the loops over them. */
MH_TARGET_CLONES static void DiffusionLineAny(PetscInt nq, PetscInt nf, const MHLine *L, const PetscScalar *u, PetscScalar *f)
{
#define MH_CASE(N)                      \
  case N:                               \
    if (L->dim == 3)                    \
      DiffusionLine(N, 3, nf, L, u, f); \
    else if (L->dim == 2)               \
      DiffusionLine(N, 2, nf, L, u, f); \
    else                                \
      DiffusionLine(N, 1, nf, L, u, f); \
    break;
  switch (nq) {
    MH_CASE(1)
    MH_CASE(2)
    MH_CASE(3)
    MH_CASE(4)
    MH_CASE(5)
    MH_CASE(6)
    MH_CASE(7)
    MH_CASE(8)
  default:
    DiffusionLine(nq, L->dim, nf, L, u, f);
  }
#undef MH_CASE
}

/* The taxis flux in +axis through the face between cells L and R (states uL, uR; uLL, uRR the
   next cells out, or L and R themselves beyond a face of the domain, which makes the slope 0):
   the velocity X (u_c(R) - u_c(L)) times the upwind density, minmod-limited (id*: 1/centre
   distances across the faces LL|L, L|R, R|RR; h*: half widths). */
static inline PetscReal TaxisFlux(PetscReal X, PetscInt q, PetscInt ca, const PetscScalar *uLL, const PetscScalar *uL, const PetscScalar *uR, const PetscScalar *uRR, PetscReal idL, PetscReal idC, PetscReal idR, PetscReal hL, PetscReal hR)
{
  const PetscReal v = X * (uR[ca] - uL[ca]);
  return v * LimitedFaceValue(v, uLL[q], uL[q], uR[q], uRR[q], idL, idC, idR, hL, hR);
}

/* Taxis, pair tx, along the line: every face's flux computed once. Along the first axis the
   line's faces; along the others the fluxes through the line's max faces are kept (in buf) as
   those through the min faces of the next line (j + 1) and of the line in the next plane (k + 1).
   first[a]: the line is the first this rank owns along a, so its min faces are computed too. */
static void TaxisLine(const MHFaces *F, MHModel m, PetscInt tx, const MHGrid *g, const MHLine *L, const PetscInt idx[3], const PetscBool first[3], const PetscScalar *u, PetscScalar *f)
{
  const PetscInt   nf = m->nf, q = m->taxis_field[tx], ca = m->taxis_attractant[tx], nt = F->ntaxis, cnt = L->cnt, xs0 = idx[0];
  const PetscReal *X  = F->X[0] + (((idx[1] - g->xs[1]) * F->Xs[0][1] + (idx[2] - g->xs[2]) * F->Xs[0][2]) * nt + tx);
  const PetscReal *id = F->idist[0] + 2 + xs0, *hw = F->hw[0] + 2 + xs0, *iw = L->iw0;
  PetscReal       *line = F->buf + tx * (cnt + 1), *prev;

  /* first axis: the faces c = 0 .. cnt (face c between cells c-1 and c) */
  for (PetscInt c = 0; c <= cnt; c++)
    line[c] = TaxisFlux(X[c * F->Xs[0][0] * nt], q, ca, &u[L->o0[c - 2]], &u[L->o0[c - 1]], &u[L->o0[c]], &u[L->o0[c + 1]], id[c - 1], id[c], id[c + 1], hw[c - 1], hw[c]);
  for (PetscInt c = 0; c < cnt; c++) {
    f[c * nf + q] += line[c] * iw[c];
    f[c * nf + q] -= line[c + 1] * iw[c];
  }
  for (PetscInt a = 1; a < L->dim; a++) {
    const PetscInt   i  = idx[a];
    const PetscInt  *d  = L->d[a];
    const PetscReal *Xa = F->X[a] + (((idx[1] - g->xs[1]) * F->Xs[a][1] + (idx[2] - g->xs[2]) * F->Xs[a][2]) * nt + tx), *ida = F->idist[a] + 2, *hwa = F->hw[a] + 2;
    const PetscReal  w = L->iwa[a];
    prev               = F->buf + nt * (cnt + 1) + tx * cnt + (a == 1 ? 0 : nt * cnt + (idx[1] - g->xs[1]) * cnt * nt);
    if (first[a]) /* the min faces: between cell i-1 (offset d[1]) and i */
      for (PetscInt c = 0; c < cnt; c++) {
        const PetscScalar *uc = &u[L->o0[c]];
        prev[c]               = TaxisFlux(Xa[c * F->Xs[a][0] * nt], q, ca, uc + d[0], uc + d[1], uc, uc + d[3], ida[i - 1], ida[i], ida[i + 1], hwa[i - 1], hwa[i]);
      }
    {
      const PetscReal *Xmax = Xa + F->Xs[a][a] * nt; /* the max faces: between i and i+1 */
      for (PetscInt c = 0; c < cnt; c++) {
        const PetscScalar *uc = &u[L->o0[c]];
        PetscReal          Fp = TaxisFlux(Xmax[c * F->Xs[a][0] * nt], q, ca, uc + d[1], uc, uc + d[3], uc + d[4], ida[i], ida[i + 1], ida[i + 2], hwa[i], hwa[i + 1]);
        f[c * nf + q] += prev[c] * w;
        f[c * nf + q] -= Fp * w;
        prev[c] = Fp;
      }
    }
  }
}

/* A conduit's transmissibility across the face between cells L and R (widths wL, wR; conductances
   kL, kR; gates gL, gR): the series combination of the two half cells' open conductances. The one
   definition the residual and the Jacobian (its derivative, ConduitFaceDerivative) share. */
static inline PetscReal ConduitFace(PetscReal wL, PetscReal kL, PetscReal gL, PetscReal wR, PetscReal kR, PetscReal gR)
{
  return Transmissibility(wL, kL * PetscMax(gL, 0.0), wR, kR * PetscMax(gR, 0.0));
}

/* Conduits along the line: every cell's faces along every axis; each face's flux is the same
   expression of the same operands for its two cells (L the cell on the min side), so the sum over
   cells telescopes. Faces of the domain pass nothing. cl: the line's first cell's coefficients. */
static void ConduitLine(MHModel m, const MHGrid *g, const MHStencil *s, const MHLine *L, const PetscInt idx[3], const PetscScalar *u, const PetscScalar *cl, PetscScalar *f)
{
  const PetscInt nf = m->nf, nc = s->nc, c0 = nf + m->ntaxis;
  for (PetscInt c = 0; c < L->cnt; c++) {
    const PetscScalar *uc = &u[L->o0[c]], *cc = &cl[c * nc];
    for (PetscInt a = 0; a < L->dim; a++) {
      const PetscInt  i = a ? idx[a] : idx[0] + c, n = g->n[a];
      const PetscBool periodic = (PetscBool)(g->bc[a][0].type == MH_BC_PERIODIC);
      const PetscReal iwc      = 1 / Width(g, a, i);
      for (PetscInt side = 0; side < 2; side++) {
        const PetscInt nb = i + (side ? 1 : -1);
        if (!periodic && (nb < 0 || nb >= n)) continue;
        const PetscScalar *un = a ? uc + L->d[a][side ? 3 : 1] : &u[L->o0[c + (side ? 1 : -1)]];
        const PetscScalar *cn = cc + (side ? 1 : -1) * s->gstride[a] * nc;
        const PetscScalar *uL = side ? uc : un, *uR = side ? un : uc, *cL = side ? cc : cn, *cR = side ? cn : cc;
        const PetscReal    wL = Width(g, a, side ? i : nb), wR = Width(g, a, side ? nb : i);
        for (PetscInt t = 0; t < m->nconduit; t++) {
          const PetscInt  q = m->conduit_field[t], gt = m->conduit_gate[t];
          const PetscReal Fp = ConduitFace(wL, PetscRealPart(cL[c0 + t]), PetscRealPart(uL[gt]), wR, PetscRealPart(cR[c0 + t]), PetscRealPart(uR[gt])) * PetscRealPart(uL[q] - uR[q]);
          f[c * nf + q] += (side ? -Fp : Fp) * iwc;
        }
      }
    }
  }
}

/* Line by line along the first axis: the reactions, the diffusion, the taxis, the conduits, and the Dirichlet
   faces of the domain (with capacities: the transport, scaled by the inverse capacities, then the
   reactions). With one rank the state is read in place (neighbours across a periodic
   axis wrap around); otherwise from the ghosted local vector. */
PetscErrorCode MHOperatorsRHS(MHDisc *sim, PetscReal t, Vec U, Vec Fv)
{
  const MHGrid      *g = &sim->grid;
  MHModel            m = sim->model;
  const MHFaces     *F = sim->faces;
  MHStencil          s;
  const PetscScalar *u, *c;
  PetscScalar       *f;
  const PetscInt     nf = m->nf, dim = g->dim, xs0 = g->xs[0], xm0 = g->xm[0], nq = F->nq, q0 = F->q0;
  PetscInt           nc;
  PetscReal          x[3] = {0, 0, 0};
  MHLine             L;
  Vec                Us = U;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(MH_EVENT_RHS, 0, 0, 0, 0));
  StencilInit(g, m, &s);
  nc = s.nc;
  if (!F->serial) {
    PetscCall(DMGlobalToLocalBegin(g->da, U, INSERT_VALUES, sim->Ulocal));
    PetscCall(DMGlobalToLocalEnd(g->da, U, INSERT_VALUES, sim->Ulocal));
    Us = sim->Ulocal;
  }
  PetscCall(VecGetArrayRead(Us, &u));
  PetscCall(VecGetArrayRead(sim->coef, &c));
  PetscCall(VecGetArray(Fv, &f));
  L.cnt = xm0;
  L.dim = dim;
  L.o0  = F->off[0] + 2;
  L.iw0 = F->iw[0] + 2 + xs0;
  for (PetscInt a = 0; a < dim; a++) {
    L.Tc[a] = F->Ts[a][0] * nq;
    L.Tf[a] = F->Ts[a][a] * nq;
  }
  for (PetscInt k = g->xs[2]; k < g->xs[2] + g->xm[2]; k++)
    for (PetscInt j = g->xs[1]; j < g->xs[1] + g->xm[1]; j++) {
      const PetscInt     idx[3] = {xs0, j, k};
      const PetscInt     base   = F->off[1][j - g->xs[1] + 2] + F->off[2][k - g->xs[2] + 2];
      const PetscScalar *ul = &u[base], *cl = &c[GOff(&s, xs0, j, k) * nc];
      PetscScalar       *fl       = &f[OOff(g, xs0, j, k) * nf];
      const PetscBool    first[3] = {PETSC_TRUE, j == g->xs[1], k == g->xs[2]};

      for (PetscInt a = 0; a < dim; a++) {
        L.T[a] = F->T[a] + ((j - g->xs[1]) * F->Ts[a][1] + (k - g->xs[2]) * F->Ts[a][2]) * nq;
        if (!a) continue;
        L.iwa[a] = F->iw[a][idx[a] + 2];
        for (PetscInt d = -2; d <= 2; d++)
          L.d[a][d + 2] = F->off[a][idx[a] - g->xs[a] + d + 2] - F->off[a][idx[a] - g->xs[a] + 2];
      }
      const PetscInt pf = dim > 1 ? L.d[dim - 1][4] : 0;
      for (PetscInt a = 1; a < dim; a++)
        x[g->phys[a]] = g->centres[a][idx[a]];
      if (!F->icap)
        for (PetscInt i = 0; i < xm0; i++) {
          x[g->phys[0]] = g->centres[0][xs0 + i];
          m->ops.reaction(m->data, t, x, &ul[L.o0[i]], &fl[i * nf]);
          __builtin_prefetch(&ul[L.o0[i] + pf], 0, 1);
        }
      else /* the transport first, divided by the capacities below, then the reactions */
        PetscCall(PetscArrayzero(fl, xm0 * nf));
      if (nq) DiffusionLineAny(nq, nf, &L, &ul[q0], &fl[q0]);
      for (PetscInt tx = 0; tx < F->ntaxis; tx++)
        TaxisLine(F, m, tx, g, &L, idx, first, ul, fl);
      if (m->nconduit) ConduitLine(m, g, &s, &L, idx, ul, cl, fl);
      for (PetscInt a = 0; a < dim; a++)
        for (int side = 0; side < 2; side++) {
          const MHBoundary *bc = &g->bc[a][side];
          PetscInt          i0 = 0, i1 = xm0; /* the line's cells on this face of the domain */
          if (bc->type != MH_BC_DIRICHLET) continue;
          if (a == 0) {
            i0 = side ? g->n[0] - 1 - xs0 : -xs0;
            i1 = i0 + 1;
            if (i0 < 0 || i0 >= xm0) continue;
          } else if (idx[a] != (side ? g->n[a] - 1 : 0))
            continue;
          for (PetscInt i = i0; i < i1; i++)
            BoundaryFace(m, bc, side, &ul[L.o0[i]], &cl[i * nc], g->widths[a][a ? idx[a] : xs0 + i], &fl[i * nf]);
        }
      if (F->icap) {
        const PetscReal *ic = &F->icap[OOff(g, xs0, j, k) * nf];
        PetscScalar      r[MH_MAX_FIELDS];
        for (PetscInt i = 0; i < xm0; i++) {
          x[g->phys[0]] = g->centres[0][xs0 + i];
          m->ops.reaction(m->data, t, x, &ul[L.o0[i]], r);
          for (PetscInt q = 0; q < nf; q++)
            fl[i * nf + q] = fl[i * nf + q] * ic[i * nf + q] + r[q];
        }
      }
    }
  PetscCall(VecRestoreArray(Fv, &f));
  PetscCall(VecRestoreArrayRead(sim->coef, &c));
  PetscCall(VecRestoreArrayRead(Us, &u));
  PetscCall(PetscLogEventEnd(MH_EVENT_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
