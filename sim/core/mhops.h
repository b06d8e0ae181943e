/* microheal, layer core: what the residual (operators.c) and its Jacobian (jacobian.c) share -
   the ghosted stencil, cell widths, the limiter, the face coefficients and their storage. */
#pragma once

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

static inline void StencilInit(const MHGrid *g, MHModel m, MHStencil *s)
{
  s->g          = g;
  s->nf         = m->nf;
  s->nc         = MHModelCoefficients(m);
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

/* The upwind, minmod-limited value of a moving density at the face between cells L and R, for
   the face velocity v: the upwind cell's value plus its half-width times the limited slope.
   idL, idC, idR: 1/(centre distance) across the faces LL|L, L|R, R|RR; hL, hR: the half-widths
   of L and R. Where a second neighbour is absent, pass uLL = uL (or uRR = uR): the slope is zero
   and the value first order. The one definition of the taxis face value: the residual's flux is
   v times it, and the Jacobian holds it fixed (frozen limiter). */
static inline PetscReal LimitedFaceValue(PetscReal v, PetscReal uLL, PetscReal uL, PetscReal uR, PetscReal uRR, PetscReal idL, PetscReal idC, PetscReal idR, PetscReal hL, PetscReal hR)
{
  const PetscReal dC = (uR - uL) * idC;
  if (v >= 0) return uL + hL * MinMod((uL - uLL) * idL, dC);
  return uR - hR * MinMod(dC, (uRR - uR) * idR);
}

/* Face coefficients, computed once: the diffusivities and sensitivities do not change in time.
   Per DMDA axis a, the faces xs[a] .. xs[a]+xm[a] along a times the owned cells along the other
   axes (face f lies between cells f-1 and f), each with the transmissibilities of the fields
   q0 .. q0+nq-1 (every field that diffuses somewhere on this rank) and the taxis sensitivities
   over the centre distance; zero on the faces of the domain, which are handled apart. An array
   that does not vary along an axis is stored once for it (stride 0): a layered medium keeps one
   value per layer face, a uniform one a single value. Widths per axis are padded by two cells on
   each side (periodic wrap, else the end cell repeated). With the model's capacity hook, also the
   inverse capacities of the owned cells, by which the residual and the Jacobian scale the
   transport of each cell (not its reactions). */
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
  PetscReal       *icap;               /* 1/capacity of the owned cells (nf per cell, in owned order); NULL without the model's capacity */
  PetscInt64       checked;            /* the id of the last Jacobian matrix whose pattern was checked */
  PetscObjectState checked_state;      /* and its nonzero state then */
};
