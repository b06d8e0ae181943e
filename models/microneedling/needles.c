/* Needle-channel geometry (needles.h).

   Lateral areas are closed forms. The needle volume in a box is the integral over depth of the
   lateral area A(r(z)); r is linear in z, so it is (z_b - z_a) times the mean of A over
   [r_a, r_b], which is a closed form too: A is an inclusion-exclusion of quadrant areas built
   from circular caps, and a cap's antiderivative in r is elementary. (Gauss-Legendre in z would
   converge slowly: A grows like (r - d)^(3/2) where the circle crosses a face at distance d.)
   The means are written with r_b - r_a factored out, so a cylinder is the limit, not a special
   case, and nothing cancels in thin cells. */
#include "needles.h"
#include <math.h>

const char *const MNPatterns[] = {"square", "hexagonal", "random", "MNPattern", "MN_PATTERN_", NULL};

/* S(x) = int_0^x sqrt(r^2 - t^2) dt for |x| <= r, with sqrt(r^2 - x^2) from (r - x)(r + x) and
   atan2 so that it stays accurate near |x| = r */
static PetscReal S(PetscReal r, PetscReal x)
{
  PetscReal h = PetscSqrtReal(PetscMax(0, (r - x) * (r + x)));
  return 0.5 * (x * h + r * r * PetscAtan2Real(x, h));
}

static void Sort(PetscReal *v, PetscInt n)
{
  for (PetscInt i = 1; i < n; i++)
    for (PetscInt j = i; j > 0 && v[j] < v[j - 1]; j--) {
      PetscReal t = v[j];
      v[j]        = v[j - 1];
      v[j - 1]    = t;
    }
}

PetscReal MNDiskRectArea(PetscReal r, PetscReal x0, PetscReal x1, PetscReal y0, PetscReal y1)
{
  PetscReal t[6], y[2] = {y0, y1}, area = 0;
  PetscInt  n = 2;

  if (r <= 0 || y1 <= y0) return 0;
  t[0] = PetscMax(x0, -r);
  t[1] = PetscMin(x1, r);
  if (t[0] >= t[1]) return 0;
  for (PetscInt k = 0; k < 2; k++) { /* where the circle meets y = y0, y1 */
    PetscReal ay = PetscAbsReal(y[k]), s = PetscSqrtReal(PetscMax(0, (r - ay) * (r + ay)));
    if (ay >= r) continue;
    if (-s > t[0] && -s < t[1]) t[n++] = -s;
    if (s > t[0] && s < t[1]) t[n++] = s;
  }
  Sort(t, n);
  for (PetscInt k = 0; k + 1 < n; k++) { /* on each piece: upper bound h or y1, lower -h or y0 */
    PetscReal a = t[k], b = t[k + 1], m = 0.5 * (a + b), h = PetscSqrtReal(PetscMax(0, (r - m) * (r + m))), hi;
    if (b <= a || PetscMin(h, y1) <= PetscMax(-h, y0)) continue;
    hi = S(r, b) - S(r, a); /* the integral of h over the piece */
    if (h <= y1 && -h >= y0)
      area += 2 * hi;
    else if (h <= y1)
      area += hi - y0 * (b - a);
    else if (-h >= y0)
      area += y1 * (b - a) + hi;
    else
      area += (y1 - y0) * (b - a);
  }
  return area;
}

PetscReal MNDiskStripArea(PetscReal r, PetscReal x0, PetscReal x1)
{
  PetscReal a = PetscMax(x0, -r), b = PetscMin(x1, r);
  return r > 0 && a < b ? 2 * (S(r, b) - S(r, a)) : 0;
}

/* The tip's length and the depth where it starts (the whole depth for tip 0 or tip >= depth). */
static inline void TipOf(const MNShape *s, PetscReal *t, PetscReal *zs)
{
  *t  = s->tip > 0 && s->tip < s->depth ? s->tip : s->depth;
  *zs = s->depth - *t;
}

/* The radius at depth z in [0, depth] */
static inline PetscReal ShapeRadius(const MNShape *s, PetscReal z)
{
  PetscReal t, zs;
  TipOf(s, &t, &zs);
  if (zs > 0 && z <= zs) return s->r_surface;
  return s->r_surface + (s->r_tip - s->r_surface) * (z - zs) / t;
}

PetscReal MNShapeRadiusAt(const MNShape *s, PetscReal z)
{
  return ShapeRadius(s, PetscClipInterval(z, 0, s->depth));
}

PetscReal MNShapeVolume(const MNShape *s)
{
  PetscReal t, zs;
  TipOf(s, &t, &zs);
  return PETSC_PI * s->r_surface * s->r_surface * zs + PETSC_PI * t * (s->r_surface * s->r_surface + s->r_surface * s->r_tip + s->r_tip * s->r_tip) / 3;
}

/* The mean over rho in [ra, rb] (ra <= rb; the value at ra when equal) of the area of the disk of
   radius rho beyond a line at distance d >= 0 from its centre, cap = rho^2 theta - d w with
   w = sqrt(rho^2 - d^2), theta = atan2(w, d). Its antiderivative is
   rho^3 theta / 3 - 2 d rho w / 3 + d^3 asinh(w / d) / 3; the differences of each term are
   formed with rb - ra factored out, so that nothing cancels as rb - ra -> 0. */
static PetscReal CapMean(PetscReal d, PetscReal ra, PetscReal rb)
{
  PetscReal a = PetscMax(ra, d), D = rb - a, wa, wb, dw, dtheta, dlog, thb;

  if (rb <= d) return 0;
  wb  = PetscSqrtReal((rb - d) * (rb + d));
  thb = PetscAtan2Real(wb, d);
  if (D == 0) return rb * rb * thb - d * wb;
  wa     = PetscSqrtReal((a - d) * (a + d));
  dw     = (rb + a) / (wa + wb); /* (wb - wa) / D */
  dtheta = PetscAtan2Real(d * dw * D, d * d + wa * wb) / D;
  dlog   = d > 0 ? log1p((1 + dw) * D / (a + wa)) / D : 0; /* asinh(w/d) */
  return ((rb * rb + rb * a + a * a) * thb + a * a * a * dtheta - 2 * d * (wb + a * dw) + d * d * d * dlog) / 3 * (D / (rb - ra));
}

/* The same for the part of the disk in x > X, y > Y with X, Y >= 0: nothing until the circle
   passes the corner (rho = |(X,Y)|), then (cap(X) + cap(Y)) / 2 - pi rho^2 / 4 + X Y */
static PetscReal CornerMean(PetscReal X, PetscReal Y, PetscReal ra, PetscReal rb)
{
  PetscReal c = PetscSqrtReal(X * X + Y * Y), a = PetscMax(ra, c);

  if (rb <= c) return 0;
  return (0.5 * (CapMean(X, a, rb) + CapMean(Y, a, rb)) - PETSC_PI * (rb * rb + rb * a + a * a) / 12 + X * Y) * (rb > ra ? (rb - a) / (rb - ra) : 1);
}

/* The same for the part of the disk in x > X, y > Y */
static PetscReal QuadrantMean(PetscReal X, PetscReal Y, PetscReal ra, PetscReal rb)
{
  PetscReal ax = PetscAbsReal(X), ay = PetscAbsReal(Y), k = CornerMean(ax, ay, ra, rb);

  if (X >= 0 && Y >= 0) return k;
  if (Y >= 0) return CapMean(ay, ra, rb) - k;
  if (X >= 0) return CapMean(ax, ra, rb) - k;
  return PETSC_PI * (rb * rb + rb * ra + ra * ra) / 3 - CapMean(ax, ra, rb) - CapMean(ay, ra, rb) + k;
}

/* The needle volume in [X0,X1] x [Y0,Y1] x [za,zb] (x, y relative to its axis; the radius linear
   in z over [za, zb]) over the volume of the box [X0,X1] x [Y0,Y1] x [z0,z1] */
static PetscReal SegmentFraction(const MNShape *s, PetscReal X0, PetscReal X1, PetscReal Y0, PetscReal Y1, PetscReal za, PetscReal zb, PetscReal z0, PetscReal z1)
{
  PetscReal ra, rb, rmin, rmax, near, far, A;

  if (za >= zb || X1 <= X0 || Y1 <= Y0) return 0;
  ra   = ShapeRadius(s, za);
  rb   = ShapeRadius(s, zb);
  rmin = PetscMin(ra, rb);
  rmax = PetscMax(ra, rb);
  near = PetscHypotReal(X0 > 0 ? X0 : (X1 < 0 ? X1 : 0), Y0 > 0 ? Y0 : (Y1 < 0 ? Y1 : 0));
  far  = PetscHypotReal(PetscMax(PetscAbsReal(X0), PetscAbsReal(X1)), PetscMax(PetscAbsReal(Y0), PetscAbsReal(Y1)));
  if (rmax <= near) return 0;
  if (rmin >= far) return (zb - za) / (z1 - z0);
  if (X1 <= 0) { /* mirror the box to x, y >= 0, where the quadrant areas cancel less */
    PetscReal t = X0;
    X0          = -X1;
    X1          = -t;
  }
  if (Y1 <= 0) {
    PetscReal t = Y0;
    Y0          = -Y1;
    Y1          = -t;
  }
  A = QuadrantMean(X0, Y0, rmin, rmax) - QuadrantMean(X1, Y0, rmin, rmax) - QuadrantMean(X0, Y1, rmin, rmax) + QuadrantMean(X1, Y1, rmin, rmax);
  return A / ((X1 - X0) * (Y1 - Y0)) * ((zb - za) / (z1 - z0));
}

/* The needle volume in [X0,X1] x [Y0,Y1] x [z0,z1] (x, y relative to its axis) over the box
   volume: the shaft's part and the tip's, each with its radius linear in z */
static PetscReal BoxFraction(const MNShape *s, PetscReal X0, PetscReal X1, PetscReal Y0, PetscReal Y1, PetscReal z0, PetscReal z1)
{
  PetscReal za = PetscMax(z0, 0), zb = PetscMin(z1, s->depth), t, zs;

  TipOf(s, &t, &zs);
  if (za < zs && zs < zb) return SegmentFraction(s, X0, X1, Y0, Y1, za, zs, z0, z1) + SegmentFraction(s, X0, X1, Y0, Y1, zs, zb, z0, z1);
  return SegmentFraction(s, X0, X1, Y0, Y1, za, zb, z0, z1);
}

/* Images k = kmin..kmax of a needle at c with period P that can reach [lo, hi] */
static void ImageRange(PetscReal c, PetscReal lo, PetscReal hi, PetscReal reach, PetscReal P, PetscInt *kmin, PetscInt *kmax)
{
  *kmin = *kmax = 0;
  if (P <= 0) return;
  *kmin = (PetscInt)PetscCeilReal((lo - reach - c) / P);
  *kmax = (PetscInt)PetscFloorReal((hi + reach - c) / P);
}

PetscReal MNVolumeFraction3D(const MNShape *s, PetscReal xc, PetscReal yc, const PetscReal lo[3], const PetscReal hi[3], const PetscReal period[2])
{
  PetscReal reach = PetscMax(s->r_surface, s->r_tip), f = 0;
  PetscInt  i0, i1, j0, j1;

  ImageRange(xc, lo[0], hi[0], reach, period ? period[0] : 0, &i0, &i1);
  ImageRange(yc, lo[1], hi[1], reach, period ? period[1] : 0, &j0, &j1);
  for (PetscInt j = j0; j <= j1; j++)
    for (PetscInt i = i0; i <= i1; i++) {
      PetscReal cx = xc + (i ? i * period[0] : 0), cy = yc + (j ? j * period[1] : 0);
      f += BoxFraction(s, lo[0] - cx, hi[0] - cx, lo[1] - cy, hi[1] - cy, lo[2], hi[2]);
    }
  return PetscMax(0, PetscMin(1, f));
}

PetscReal MNVolumeFraction2D(const MNShape *s, PetscReal xc, PetscReal Ly, PetscReal x0, PetscReal x1, PetscReal z0, PetscReal z1, PetscReal periodx)
{
  PetscReal reach = PetscMax(s->r_surface, s->r_tip), Y = reach + 1, f = 0; /* [-Y, Y] holds every chord */
  PetscInt  i0, i1;

  ImageRange(xc, x0, x1, reach, periodx, &i0, &i1);
  for (PetscInt i = i0; i <= i1; i++) {
    PetscReal cx = xc + (i ? i * periodx : 0);
    f += BoxFraction(s, x0 - cx, x1 - cx, -Y, Y, z0, z1);
  }
  return PetscMax(0, PetscMin(1, f * 2 * Y / Ly));
}

void MNRngSeed(MNRng *rng, uint64_t seed)
{
  rng->s = seed;
}

PetscReal MNRngUniform(MNRng *rng)
{
  uint64_t z = (rng->s += UINT64_C(0x9E3779B97F4A7C15));
  z          = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z          = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  z ^= z >> 31;
  return (PetscReal)(z >> 11) * 0x1.0p-53;
}

PetscErrorCode MNPatternUnitCell(MNPattern pattern, PetscReal density, PetscReal cell[2], PetscInt *needles_per_cell)
{
  PetscFunctionBeginUser;
  PetscCheck(density > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Needle density %g per mm^2 must be positive", (double)density);
  switch (pattern) {
  case MN_PATTERN_SQUARE:
    cell[0] = cell[1] = 1 / PetscSqrtReal(density);
    *needles_per_cell = 1;
    break;
  case MN_PATTERN_HEXAGONAL:
    cell[0]           = PetscSqrtReal(2 / (PetscSqrtReal(3.0) * density));
    cell[1]           = cell[0] * PetscSqrtReal(3.0);
    *needles_per_cell = 2;
    break;
  default:
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "The needle pattern %s has no unit cell (only square and hexagonal do)", pattern == MN_PATTERN_RANDOM ? "random" : "(unknown)");
  }
  PetscFunctionReturn(0);
}

/* Lattice indices i0 <= i < i1 with off + i h in [lo, hi); points within 1e-9 h of an edge count as on it */
static void IndexRange(PetscReal lo, PetscReal hi, PetscReal off, PetscReal h, PetscInt *i0, PetscInt *i1)
{
  *i0 = (PetscInt)PetscCeilReal((lo - off) / h - 1e-9);
  *i1 = PetscMax(*i0, (PetscInt)PetscCeilReal((hi - off) / h - 1e-9));
}

PetscErrorCode MNPatternGenerate(MNPattern pattern, PetscReal density, const PetscReal box[4], const PetscReal offset[2], MNRng *rng, PetscInt *n, PetscReal **xy)
{
  PetscReal cell[2], a, h, off[2] = {offset ? offset[0] : 0, offset ? offset[1] : 0};
  PetscInt  npc, j0, j1;

  PetscFunctionBeginUser;
  PetscCheck(density > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Needle density %g per mm^2 must be positive", (double)density);
  PetscCheck(box[1] >= box[0] && box[3] >= box[2], PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Needle pattern box [%g, %g) x [%g, %g) is empty or reversed", (double)box[0], (double)box[1], (double)box[2], (double)box[3]);
  *n  = 0;
  *xy = NULL;
  if (pattern == MN_PATTERN_RANDOM) {
    PetscCheck(rng, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "The random needle pattern needs a generator");
    *n = (PetscInt)PetscFloorReal(density * (box[1] - box[0]) * (box[3] - box[2]) + 0.5);
    PetscCall(PetscMalloc1(2 * *n, xy));
    for (PetscInt k = 0; k < *n; k++) {
      (*xy)[2 * k]     = box[0] + (box[1] - box[0]) * MNRngUniform(rng);
      (*xy)[2 * k + 1] = box[2] + (box[3] - box[2]) * MNRngUniform(rng);
    }
    PetscFunctionReturn(0);
  }
  PetscCall(MNPatternUnitCell(pattern, density, cell, &npc));
  a = cell[0];
  h = cell[1] / npc; /* row spacing: a, or a sqrt(3)/2 with every other row shifted by a/2 */
  IndexRange(box[2], box[3], off[1], h, &j0, &j1);
  for (PetscInt pass = 0; pass < 2; pass++) { /* count, then fill */
    PetscInt m = 0;
    for (PetscInt j = j0; j < j1; j++) {
      PetscReal x0 = off[0] + (pattern == MN_PATTERN_HEXAGONAL && j % 2 ? 0.5 * a : 0);
      PetscInt  i0, i1;
      IndexRange(box[0], box[1], x0, a, &i0, &i1);
      for (PetscInt i = i0; i < i1; i++, m++)
        if (pass) {
          (*xy)[2 * m]     = x0 + i * a;
          (*xy)[2 * m + 1] = off[1] + j * h;
        }
    }
    if (!pass) {
      *n = m;
      PetscCall(PetscMalloc1(2 * m, xy));
    }
  }
  PetscFunctionReturn(0);
}
