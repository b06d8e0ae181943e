/* microneedling: treatment sessions (needles.h holds the channel geometry and patterns): the
   needle axes of every session and pass, the channels opened in the grid at a session, and the
   output's /model tables of layers, sessions and channels. */
#include "microneedling_impl.h"

/* Needle axes of every session and pass, the same on every rank: lattice patterns shifted by a
   seeded random offset per pass and session (the first pass of the first session centred),
   random patterns drawn afresh. */
PetscErrorCode MNNeedlesCreate(Microneedling *p)
{
  MNRng rng;

  PetscFunctionBeginUser;
  MNRngSeed(&rng, (uint64_t)p->seed);
  for (PetscInt k = 0; k < p->nsessions; k++) {
    PetscReal box[4], *all = NULL;
    PetscInt  nall = 0;
    if (p->domain == DOMAIN_UNIT_CELL) {
      box[0] = 0, box[1] = p->cell[0], box[2] = 0, box[3] = p->cell[1];
    } else {
      box[0] = p->margin, box[1] = p->margin + p->patch_width, box[2] = p->dim == 3 ? p->margin : 0, box[3] = box[2] + (p->dim == 3 ? p->patch_width : p->lateral[1]);
    }
    for (PetscInt pass = 0; pass < p->passes; pass++) {
      PetscReal off[2], *xy, *grown;
      PetscInt  n;
      if (k == 0 && pass == 0) {
        off[0] = 0.5 * p->cell[0], off[1] = 0.5 * p->cell[1] / (p->pattern == MN_PATTERN_HEXAGONAL ? 2 : 1);
      } else {
        off[0] = p->cell[0] * MNRngUniform(&rng), off[1] = p->cell[1] * MNRngUniform(&rng);
      }
      PetscCall(MNPatternGenerate((MNPattern)p->pattern, p->density[k], box, off, &rng, &n, &xy));
      PetscCall(PetscMalloc1(2 * (nall + n) + 1, &grown));
      for (PetscInt i = 0; i < 2 * nall; i++)
        grown[i] = all[i];
      for (PetscInt i = 0; i < 2 * n; i++)
        grown[2 * nall + i] = xy[i];
      PetscCall(PetscFree(all));
      PetscCall(PetscFree(xy));
      all = grown;
      nall += n;
      p->pass_end[k][pass] = nall;
    }
    p->xy[k]       = all;
    p->nneedles[k] = nall;
  }
  PetscFunctionReturn(0);
}

/* Volume fraction of a cell taken by session k's needles. The needles of one pass do not overlap
   (a lattice; a random draw nearly so), so their fractions add, which keeps a 2-D row of needles
   at different y exact; passes, shifted at random, combine as independent: 1 - prod(1 - phi). */
static PetscReal CellFraction(const Microneedling *p, PetscInt k, const MHCell *c)
{
  MNShape   s    = MNSessionShape(p, k);
  PetscReal open = 1, rmax = PetscMax(p->r_surface, p->r_tip);
  PetscReal per[2]  = {0, 0};
  PetscBool unitary = (PetscBool)(p->domain == DOMAIN_UNIT_CELL);

  if (c->lo[2] >= s.depth) return 0;
  if (unitary) per[0] = p->lateral[0], per[1] = p->lateral[1];
  for (PetscInt q = 0; q < p->passes; q++) {
    PetscReal pass = 0;
    for (PetscInt i = q ? p->pass_end[k][q - 1] : 0; i < p->pass_end[k][q]; i++) {
      PetscReal xc = p->xy[k][2 * i], yc = p->xy[k][2 * i + 1], dx;
      dx = PetscMax(c->lo[0] - xc, xc - c->hi[0]);
      if (unitary) dx = PetscMin(dx, PetscMax(c->lo[0] - xc - per[0], xc - per[0] - c->hi[0]));
      if (unitary) dx = PetscMin(dx, PetscMax(c->lo[0] - xc + per[0], xc + per[0] - c->hi[0]));
      if (dx > rmax) continue;
      if (p->dim == 3)
        pass += MNVolumeFraction3D(&s, xc, yc, c->lo, c->hi, per);
      else
        pass += MNVolumeFraction2D(&s, xc, p->lateral[1], c->lo[0], c->hi[0], c->lo[2], c->hi[2], per[0]);
    }
    open *= 1 - PetscMin(PetscMax(pass, 0.0), 1.0);
  }
  return 1 - open;
}

PetscErrorCode MNSession(MHModel m, const MHGrid *g, PetscInt k, PetscReal t, Vec U)
{
  Microneedling *p = (Microneedling *)m->data;
  PetscScalar   *u;
  PetscInt       n = 0;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, n) {
    PetscInt     idx[3] = {i, j, kk}, L;
    MHCell       c;
    PetscScalar *v = &u[n * p->nf];
    PetscReal    phi, dnew, opened;
    MHGridCellOf(g, idx, &c);
    phi = CellFraction(p, k, &c);
    if (phi <= 0) continue;
    L      = Layer(p, c.x[2]);
    dnew   = 1 - (1 - PetscRealPart(v[D])) * (1 - phi);
    opened = dnew - PetscRealPart(v[D]);
    v[D]   = dnew;
    v[RC] += p->recoil_frac * opened;
    v[S] += p->bolus_s[L] * opened;
    v[T] += p->bolus_T * p->vascular[L] * opened;
  }
  PetscCall(VecRestoreArray(U, &u));
  p->acc.current = (PetscReal)k;
  p->acc.fresh   = 1;
  PetscFunctionReturn(0);
}

/* The output's /model tables: layers, sessions, and every channel's axis and shape. */
PetscErrorCode MNDescribeSetUp(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;
  PetscReal      layers[2 * NL], *sess, *ndl;
  PetscInt       total = 0, r = 0;
  char           rows[NL * MH_NAME_LEN] = "", what[512];

  PetscFunctionBeginUser;
  for (PetscInt L = 0; L < NL; L++) {
    layers[2 * L] = p->top[L], layers[2 * L + 1] = p->top[L + 1];
    MHStrlcat(rows, L ? "," : "", sizeof rows);
    MHStrlcat(rows, layer_name[L], sizeof rows);
  }
  PetscCall(MHModelAddTable(m, "layers", "Skin layers: depth of the top and bottom of each (z into the skin, 0 at the surface)", "top,bottom", "mm,mm", rows, NL, 2, layers));
  PetscCall(PetscMalloc1(6 * p->nsessions + 1, &sess));
  for (PetscInt k = 0; k < p->nsessions; k++) {
    PetscReal *row = &sess[6 * k];
    row[0] = p->session_time[k], row[1] = p->length[k], row[2] = p->length[k] * p->penetration;
    row[3] = 100 * p->density[k], row[4] = (PetscReal)p->nneedles[k], row[5] = (PetscReal)p->passes;
    total += p->nneedles[k];
  }
  PetscCall(MHModelAddTable(m, "sessions", "Treatment sessions, numbered from 1 in order: time, needle length, channel depth (length x penetration fraction), density, channels made in the domain, passes", "time,needle_length,channel_depth,density,channels,passes", "day,mm,mm,1/cm^2,1,1", NULL, p->nsessions, 6, sess));
  PetscCall(PetscFree(sess));
  PetscCall(PetscMalloc1(8 * total + 1, &ndl));
  for (PetscInt k = 0; k < p->nsessions; k++)
    for (PetscInt i = 0, q = 0; i < p->nneedles[k]; i++, r++) {
      PetscReal *row = &ndl[8 * r];
      while (i >= p->pass_end[k][q])
        q++;
      row[0] = (PetscReal)(k + 1), row[1] = (PetscReal)(q + 1), row[2] = p->xy[k][2 * i], row[3] = p->xy[k][2 * i + 1];
      row[4] = p->length[k] * p->penetration, row[5] = p->r_surface, row[6] = p->r_tip;
      row[7] = p->tip_length > 0 && p->tip_length < row[4] ? p->tip_length : row[4];
    }
  PetscCall(PetscSNPrintf(what, sizeof what,
      "Channels: session and pass (from 1), axis position, depth, radius at the surface and at the tip, length of the tapering tip; each a shaft of the surface radius down to depth - tip_length, then a linear taper (a cone frustum when tip_length = depth). %s%s",
      p->domain == DOMAIN_UNIT_CELL ? "The domain is a periodic unit cell: a channel near an edge continues across it. " : "",
      p->dim == 2 ? "In 2-D the x-z section is the y-average of a 3-D slab this many mm thick, in which y lies: " : ""));
  if (p->dim == 2) PetscCall(PetscSNPrintf(what + strlen(what), sizeof what - strlen(what), "%g", (double)p->lateral[1]));
  PetscCall(MHModelAddTable(m, "needles", what, "session,pass,x,y,depth,radius_surface,radius_tip,tip_length", "1,1,mm,mm,mm,mm,mm,mm", NULL, total, 8, ndl));
  PetscCall(PetscFree(ndl));
  PetscFunctionReturn(0);
}
