/* The semi-discrete operators on the cell-centred grid, the same code for 1, 2 and 3 dimensions:

     du_i/dt = R_i(t, x, u) + div(D_i grad u_i) - sum_k div(chi_k u_i grad u_c(k))

   Diffusion: conservative two-point fluxes with distance-weighted harmonic means of the cell
   diffusivities, exact for layered media whose interfaces lie on cell faces. Taxis: face velocity
   from the attractant's gradient and the harmonic mean of the cells' sensitivities, the moving
   density reconstructed upwind with a minmod-limited
   slope (first order next to a non-periodic boundary). Each face flux is the same value for its
   two cells (computed once, or twice from the same operands in the same order), so the sum over
   cells telescopes (conservation to round-off). The face coefficients are computed once
   (MHOperatorsSetUp) and the residual runs line by line (MHOperatorsRHS). */
#include "mhcore.h"

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
  PetscReal m = PetscAbsReal(a) < PetscAbsReal(b) ? a : b;
  return a * b > 0 ? m : 0;
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

/* Face coefficients, computed once: the diffusivities and sensitivities do not change in time.
   Per DMDA axis a, the faces xs[a] .. xs[a]+xm[a] along a times the owned cells along the other
   axes (face f lies between cells f-1 and f), each with the transmissibilities of the fields
   q0 .. q0+nq-1 (every field that diffuses somewhere on this rank) and the taxis sensitivities
   over the centre distance; zero on the faces of the domain, which are handled apart. An array
   that does not vary along an axis is stored once for it (stride 0): a layered medium keeps one
   value per layer face, a uniform one a single value. Widths per axis are padded by two cells on
   each side (periodic wrap, else the end cell repeated). */
struct _n_MHFaces {
  PetscInt         q0, nq, ntaxis;
  PetscReal       *T[3], *X[3];
  PetscInt         Ts[3][3], Xs[3][3]; /* strides of T[a], X[a] along each axis, in faces (0: uniform) */
  PetscReal       *iw[3], *hw[3];      /* 1/width, width/2 of cell i at [i + 2], i = -2 .. n+1 */
  PetscReal       *idist[3];           /* 1/(centre distance) across face f at [f + 2], f = -2 .. n+1 */
  PetscBool        serial;             /* one rank: the residual reads the global state, no ghost copy */
  PetscInt         nstored;            /* values held in T[] and X[] together */
  PetscInt        *off[3];             /* state offset (values) of cell i along a at [i - xs[a] + 2], i = xs-2 .. xs+xm+1 */
  PetscReal       *buf;                /* taxis fluxes through the max faces of the previous line and plane */
  PetscInt64       checked;            /* the id of the last Jacobian matrix whose pattern was checked */
  PetscObjectState checked_state;      /* and its nonzero state then */
};

static PetscErrorCode MHFacesDestroy(void *ctx)
{
  MHFaces *F = (MHFaces *)ctx;

  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < 3; a++) {
    PetscCall(PetscFree2(F->T[a], F->X[a]));
    PetscCall(PetscFree4(F->iw[a], F->hw[a], F->idist[a], F->off[a]));
  }
  PetscCall(PetscFree(F->buf));
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
  PetscCall(PetscContainerCreate(PETSC_COMM_SELF, &box));
  PetscCall(PetscContainerSetPointer(box, F));
  PetscCall(PetscContainerSetUserDestroy(box, MHFacesDestroy));
  PetscCall(PetscObjectCompose((PetscObject)sim->coef, "MHFaces", (PetscObject)box));
  PetscCall(PetscContainerDestroy(&box));
  sim->faces = F;
  PetscFunctionReturn(0);
}

/* What the residual reads besides the state, for the roofline benchmark's traffic model: the face
   coefficient values stored (T and X), and whether it reads the state in place (one rank). */
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
  const PetscReal v = X * (uR[ca] - uL[ca]), dC = (uR[q] - uL[q]) * idC;
  if (v >= 0) return v * (uL[q] + hL * MinMod((uL[q] - uLL[q]) * idL, dC));
  return v * (uR[q] - hR * MinMod(dC, (uRR[q] - uR[q]) * idR));
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

/* Line by line along the first axis: the reactions, the diffusion, the taxis, and the Dirichlet
   faces of the domain. With one rank the state is read in place (neighbours across a periodic
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
      for (PetscInt i = 0; i < xm0; i++) {
        x[g->phys[0]] = g->centres[0][xs0 + i];
        m->ops.reaction(m->data, t, x, &ul[L.o0[i]], &fl[i * nf]);
        __builtin_prefetch(&ul[L.o0[i] + pf], 0, 1);
      }
      if (nq) DiffusionLineAny(nq, nf, &L, &ul[q0], &fl[q0]);
      for (PetscInt tx = 0; tx < F->ntaxis; tx++)
        TaxisLine(F, m, tx, g, &L, idx, first, ul, fl);
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
    }
  PetscCall(VecRestoreArray(Fv, &f));
  PetscCall(VecRestoreArrayRead(sim->coef, &c));
  PetscCall(VecRestoreArrayRead(Us, &u));
  PetscCall(PetscLogEventEnd(MH_EVENT_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

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
   block (reaction and transport) and one block per face neighbour. The taxis part differentiates
   the limited face density as if it were first-order upwind (an inexact Newton direction). */
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
          PetscInt  nbi = idx[a] + (side ? 1 : -1);
          PetscInt  gn  = gc + (side ? st : -st);
          PetscReal wn  = Width(g, a, nbi);
          /* the face: L and R cells, sgn = +1 if this cell is R (flux in +axis enters it) */
          PetscInt         gL = side ? gc : gn, gR = side ? gn : gc, Lg = side ? idx[a] : nbi, Rg = side ? nbi : idx[a];
          PetscReal        wL = side ? wc : wn, wR = side ? wn : wc, sg = side ? -1 : 1;
          PetscInt         colL = side ? 0 : col, colR = side ? col : 0;
          PetscBool        periodic = g->bc[a][0].type == MH_BC_PERIODIC;
          const PetscReal *T        = F->T[a] + ((i - g->xs[0]) * F->Ts[a][0] + (j - g->xs[1]) * F->Ts[a][1] + (k - g->xs[2]) * F->Ts[a][2] + side * F->Ts[a][a]) * F->nq;
          for (PetscInt q = F->q0; q < F->q0 + F->nq; q++) {
            V(q, 0, q) -= T[q - F->q0] * iwc;
            V(q, col, q) += T[q - F->q0] * iwc;
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
