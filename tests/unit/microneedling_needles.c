/* Unit test of the microneedle geometry (models/microneedling/needles.c):
   1. MNDiskRectArea: the whole disk, half and quarter planes, boxes outside, random boxes against
      a fine midpoint rule in the angle (1e-9 r^2), sub-boxes adding up to the box (1e-13 pi r^2);
      MNDiskStripArea equals the area of a box holding the whole chord;
   2. MNVolumeFraction3D times the cell volume, summed over grids (uniform and graded in z, cells
      not aligned with the needle, with the needle across periodic boundaries or not) equals
      MNShapeVolume to 1e-10 relative, for a sharp cone, frustums, an inverted frustum, a cylinder
      and a near-cylinder; single cells agree with an independent quadrature in depth (1e-10
      relative, 1e-12 absolute for fractions below 1e-2);
   3. the same sums for MNVolumeFraction2D, which also equals the 3-D fraction of a row of
      length Ly (1e-12);
   4. every fraction lies in [0, 1]; a cell inside the needle gives 1 (1e-14), one outside 0;
   5. patterns: lattice counts over whole unit cells, nearest neighbours at the spacing, unit
      cells giving the density back, the random pattern reproducible from its seed.
   -verbose prints the measured errors. */
#include "../../models/microneedling/needles.h"
#include <math.h>

static const char help[] = "Unit test of the microneedle channel geometry.\n";

static int       failures = 0;
static PetscBool verbose  = PETSC_FALSE;

#define CHECK(cond, ...)                                             \
  do {                                                               \
    if (!(cond)) {                                                   \
      failures++;                                                    \
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "FAIL: " __VA_ARGS__)); \
    }                                                                \
  } while (0)

static const MNShape shapes[] = {
    {0.60, 0.12, 0.00, 0},          /* sharp cone */
    {0.55, 0.15, 0.04, 0},          /* frustum */
    {0.45, 0.05, 0.11, 0},          /* inverted frustum (wider at the tip) */
    {0.50, 0.10, 0.10, 0},          /* cylinder */
    {0.50, 0.10, 0.10 * 0.9999, 0}, /* near-cylinder: r barely changes across a cell */
    {0.60, 0.12, 0.005, 0.17},      /* shaft and a sharp tip (the tip starts inside a cell) */
    {0.50, 0.08, 0.02, 0.50},       /* tip as long as the channel: a frustum again */
};
static const char *const shape_names[] = {"sharp cone", "frustum", "inverted frustum", "cylinder", "near-cylinder", "shaft and tip", "tip = depth"};
#define NSHAPES 7

/* Area of the disk in the box by the midpoint rule in the angle, x = r sin(t) */
static PetscReal RefArea(PetscReal r, PetscReal x0, PetscReal x1, PetscReal y0, PetscReal y1)
{
  const PetscInt N  = 200000;
  PetscReal      ta = PetscAsinReal(PetscMax(-1, PetscMin(1, x0 / r))), tb = PetscAsinReal(PetscMax(-1, PetscMin(1, x1 / r))), dt = (tb - ta) / N, A = 0;

  for (PetscInt i = 0; i < N && tb > ta; i++) {
    PetscReal t = ta + (i + 0.5) * dt, h = r * PetscCosReal(t), len = PetscMin(y1, h) - PetscMax(y0, -h);
    if (len > 0) A += len * h * dt;
  }
  return A;
}

static void Swap(PetscReal *a, PetscReal *b)
{
  PetscReal t = *a;
  *a          = *b;
  *b          = t;
}

static PetscReal Uniform(MNRng *rng, PetscReal a, PetscReal b)
{
  return a + (b - a) * MNRngUniform(rng);
}

static PetscErrorCode TestArea(void)
{
  MNRng     rng;
  PetscReal r = 0.7, full = PETSC_PI * r * r, e_ref = 0, e_add = 0, e_strip = 0;

  PetscFunctionBeginUser;
  CHECK(PetscAbsReal(MNDiskRectArea(r, -1, 1, -1, 1) - full) <= 1e-15 * full, "whole disk: %.17g, expected pi r^2 = %.17g\n", (double)MNDiskRectArea(r, -1, 1, -1, 1), (double)full);
  CHECK(PetscAbsReal(MNDiskRectArea(r, -r, r, -r, r) - full) <= 1e-15 * full, "disk in its bounding box: %.17g, expected %.17g\n", (double)MNDiskRectArea(r, -r, r, -r, r), (double)full);
  CHECK(PetscAbsReal(MNDiskRectArea(r, 0, 2, -2, 2) - full / 2) <= 1e-15 * full, "right half plane: %.17g, expected %.17g\n", (double)MNDiskRectArea(r, 0, 2, -2, 2), (double)(full / 2));
  CHECK(PetscAbsReal(MNDiskRectArea(r, -2, 2, -2, 0) - full / 2) <= 1e-15 * full, "lower half plane: %.17g, expected %.17g\n", (double)MNDiskRectArea(r, -2, 2, -2, 0), (double)(full / 2));
  CHECK(PetscAbsReal(MNDiskRectArea(r, -2, 0, 0, 2) - full / 4) <= 1e-15 * full, "quarter plane: %.17g, expected %.17g\n", (double)MNDiskRectArea(r, -2, 0, 0, 2), (double)(full / 4));
  CHECK(MNDiskRectArea(r, 0.71, 2, -2, 2) == 0 && MNDiskRectArea(r, 0.5, 1, 0.5, 1) == 0 && MNDiskRectArea(r, -1, -0.7, -1, 1) == 0, "boxes outside the disk give a nonzero area\n");
  CHECK(MNDiskRectArea(0, -1, 1, -1, 1) == 0 && MNDiskStripArea(0, -1, 1) == 0, "a disk of radius 0 has a nonzero area\n");
  CHECK(PetscAbsReal(MNDiskStripArea(r, -1, 1) - full) <= 1e-15 * full, "whole strip: %.17g, expected %.17g\n", (double)MNDiskStripArea(r, -1, 1), (double)full);
  MNRngSeed(&rng, 1);
  for (PetscInt k = 0; k < 60; k++) {
    PetscReal rr = Uniform(&rng, 0.2, 1), b[4], m[2], A, ref, split;
    for (PetscInt a = 0; a < 4; a++)
      b[a] = Uniform(&rng, -1.2, 1.2);
    if (b[1] < b[0]) Swap(&b[0], &b[1]);
    if (b[3] < b[2]) Swap(&b[2], &b[3]);
    if (k % 4 == 0) { /* symmetric about the axis */
      b[1] = PetscAbsReal(b[1]);
      b[0] = -b[1];
    }
    m[0] = Uniform(&rng, b[0], b[1]);
    m[1] = Uniform(&rng, b[2], b[3]);
    A    = MNDiskRectArea(rr, b[0], b[1], b[2], b[3]);
    ref  = RefArea(rr, b[0], b[1], b[2], b[3]);
    CHECK(A >= 0 && A <= PetscMin(PETSC_PI * rr * rr, (b[1] - b[0]) * (b[3] - b[2])) * (1 + 1e-15), "area %g outside [0, min(disk, box)]\n", (double)A);
    CHECK(PetscAbsReal(A - ref) <= 1e-9 * rr * rr, "r = %g, box [%g,%g]x[%g,%g]: area %.15g, quadrature %.15g\n", (double)rr, (double)b[0], (double)b[1], (double)b[2], (double)b[3], (double)A, (double)ref);
    e_ref   = PetscMax(e_ref, PetscAbsReal(A - ref) / (rr * rr));
    split   = MNDiskRectArea(rr, b[0], m[0], b[2], b[3]) + MNDiskRectArea(rr, m[0], b[1], b[2], b[3]);
    e_add   = PetscMax(e_add, PetscAbsReal(split - A) / (PETSC_PI * rr * rr));
    split   = MNDiskRectArea(rr, b[0], m[0], b[2], m[1]) + MNDiskRectArea(rr, m[0], b[1], b[2], m[1]) + MNDiskRectArea(rr, b[0], m[0], m[1], b[3]) + MNDiskRectArea(rr, m[0], b[1], m[1], b[3]);
    e_add   = PetscMax(e_add, PetscAbsReal(split - A) / (PETSC_PI * rr * rr));
    e_strip = PetscMax(e_strip, PetscAbsReal(MNDiskStripArea(rr, b[0], b[1]) - MNDiskRectArea(rr, b[0], b[1], -rr, rr)) / (PETSC_PI * rr * rr));
  }
  CHECK(e_add <= 1e-13, "sub-boxes add up to the box only to %.3g pi r^2 (> 1e-13)\n", (double)e_add);
  CHECK(e_strip <= 1e-13, "strip area differs from the box holding the chord by %.3g pi r^2 (> 1e-13)\n", (double)e_strip);
  if (verbose) PetscCall(PetscPrintf(PETSC_COMM_SELF, "area: vs quadrature %.2e r^2, additivity %.2e pi r^2, strip vs box %.2e pi r^2\n", (double)e_ref, (double)e_add, (double)e_strip));
  PetscFunctionReturn(0);
}

/* Gauss-Legendre nodes and weights on [0, 1] */
static void GaussLegendre(PetscInt n, PetscReal *x, PetscReal *w)
{
  for (PetscInt i = 0; i < n; i++) {
    PetscReal z = PetscCosReal(PETSC_PI * (i + 0.75) / (n + 0.5)), p0 = 1, p1 = z, dp = 1;
    for (PetscInt it = 0; it < 100; it++) {
      PetscReal dz;
      p0 = 1;
      p1 = z;
      for (PetscInt k = 2; k <= n; k++) {
        PetscReal p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0           = p1;
        p1           = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1);
      dz = p1 / dp;
      z -= dz;
      if (PetscAbsReal(dz) < 1e-16) break;
    }
    x[i] = 0.5 * (1 - z);
    w[i] = 1 / ((1 - z * z) * dp * dp);
  }
}

/* The tip's start: the depth below which the channel tapers (0 when it tapers all the way) */
static PetscReal TipStart(const MNShape *s)
{
  return s->tip > 0 && s->tip < s->depth ? s->depth - s->tip : 0;
}

static PetscReal Radius(const MNShape *s, PetscReal z)
{
  PetscReal zs = TipStart(s);
  if (z <= zs) return s->r_surface;
  return s->r_surface + (s->r_tip - s->r_surface) * (z - zs) / (s->depth - zs);
}

/* Reference: the needle volume in a box (relative to the axis) by quadrature of MNDiskRectArea in
   depth, split at the critical depths, z - z_s = L t^2 from the smaller radius, and [0, 1] in t
   split geometrically towards 0 with 10 Gauss points on each part. */
static PetscReal RefVolume(const MNShape *s, PetscReal X0, PetscReal X1, PetscReal Y0, PetscReal Y1, PetscReal z0, PetscReal z1)
{
  PetscReal gx[10], gw[10], za = PetscMax(z0, 0), zb = PetscMin(z1, s->depth), z[12], v = 0;
  PetscReal d[8] = {X0, X1, Y0, Y1, PetscHypotReal(X0, Y0), PetscHypotReal(X0, Y1), PetscHypotReal(X1, Y0), PetscHypotReal(X1, Y1)};
  PetscInt  n    = 2;

  if (za >= zb) return 0;
  GaussLegendre(10, gx, gw);
  z[0] = za;
  z[1] = zb;
  if (TipStart(s) > za && TipStart(s) < zb) z[n++] = TipStart(s); /* the radius is linear on each side */
  for (PetscInt k = 0; k < 8; k++) {                              /* where the circle meets a box edge or corner: in the taper only */
    PetscReal ta = PetscMax(za, TipStart(s)), ra = Radius(s, ta), rb = Radius(s, zb), t;
    if (ta >= zb || ra == rb) break;
    t = (PetscAbsReal(d[k]) - ra) / (rb - ra);
    if (t > 0 && t < 1) z[n++] = ta + t * (zb - ta);
  }
  for (PetscInt i = 1; i < n; i++)
    for (PetscInt j = i; j > 0 && z[j] < z[j - 1]; j--)
      Swap(&z[j], &z[j - 1]);
  for (PetscInt k = 0; k + 1 < n; k++) {
    PetscBool up = Radius(s, z[k]) <= Radius(s, z[k + 1]);
    PetscReal zs = up ? z[k] : z[k + 1], L = up ? z[k + 1] - z[k] : z[k] - z[k + 1];
    for (PetscInt level = 0; level <= 40; level++) {
      PetscReal ta = level == 40 ? 0 : PetscPowReal(2, -level - 1), tb = PetscPowReal(2, -level);
      for (PetscInt q = 0; q < 10; q++) {
        PetscReal t = ta + (tb - ta) * gx[q];
        v += (tb - ta) * gw[q] * 2 * t * PetscAbsReal(L) * MNDiskRectArea(Radius(s, zs + L * t * t), X0, X1, Y0, Y1);
      }
    }
  }
  return v;
}

/* n+1 faces on [0, L], graded: the last cell is g times the first (g = 1: uniform) */
static void Faces(PetscInt n, PetscReal L, PetscReal g, PetscReal *f)
{
  PetscReal q = n > 1 ? PetscPowReal(g, 1.0 / (n - 1)) : 1, w = 1, sum = 0;
  f[0] = 0;
  for (PetscInt i = 0; i < n; i++, w *= q)
    f[i + 1] = (sum += w);
  for (PetscInt i = 1; i <= n; i++)
    f[i] *= L / sum;
  f[n] = L;
}

#define NX 31
#define NZ 24

static PetscErrorCode TestVolume(void)
{
  PetscReal fx[NX + 1], fz[NZ + 1], e3 = 0, e2 = 0, e23 = 0, ecell = 0, ecellrel = 0, ecellsmall = 0, Lx = 0.53, Ly = 0.47, Ly2 = 0.9;
  MNRng     rng;

  PetscFunctionBeginUser;
  for (PetscInt si = 0; si < NSHAPES; si++) {
    const MNShape *s = &shapes[si];
    PetscReal      V = MNShapeVolume(s), Lz = 1.3 * s->depth;
    for (PetscInt c = 0; c < 4; c++) { /* uniform or graded in z; needle inside or across the periodic corner */
      PetscBool periodic  = c & 1 ? PETSC_TRUE : PETSC_FALSE;
      PetscReal period[2] = {periodic ? Lx : 0, periodic ? Ly : 0}, xc = periodic ? 0.031 : 0.5 * Lx + 0.0123, yc = periodic ? Ly - 0.047 : 0.5 * Ly - 0.0071;
      PetscReal sum3 = 0, sum2 = 0, dy = Ly / NX;
      Faces(NX, Lx, 1, fx);
      Faces(NZ, Lz, c & 2 ? 6 : 1, fz);
      for (PetscInt k = 0; k < NZ; k++)
        for (PetscInt i = 0; i < NX; i++) {
          PetscReal f2 = MNVolumeFraction2D(s, xc, Ly2, fx[i], fx[i + 1], fz[k], fz[k + 1], period[0]);
          CHECK(f2 >= 0 && f2 <= 1, "%s: 2-D fraction %.17g outside [0, 1]\n", shape_names[si], (double)f2);
          sum2 += f2 * (fx[i + 1] - fx[i]) * Ly2 * (fz[k + 1] - fz[k]);
          for (PetscInt j = 0; j < NX; j++) {
            PetscReal lo[3] = {fx[i], j * dy, fz[k]}, hi[3] = {fx[i + 1], (j + 1) * dy, fz[k + 1]}, f = MNVolumeFraction3D(s, xc, yc, lo, hi, period);
            CHECK(f >= 0 && f <= 1, "%s: 3-D fraction %.17g outside [0, 1]\n", shape_names[si], (double)f);
            sum3 += f * (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
          }
        }
      CHECK(PetscAbsReal(sum3 - V) <= 1e-10 * V, "%s (%s, %s in z): 3-D fractions sum to %.15g mm^3, the needle holds %.15g\n", shape_names[si], periodic ? "periodic" : "inside", c & 2 ? "graded" : "uniform", (double)sum3, (double)V);
      CHECK(PetscAbsReal(sum2 - V) <= 1e-10 * V, "%s (%s, %s in z): 2-D fractions sum to %.15g mm^3, the needle holds %.15g\n", shape_names[si], periodic ? "periodic" : "inside", c & 2 ? "graded" : "uniform", (double)sum2, (double)V);
      e3 = PetscMax(e3, PetscAbsReal(sum3 - V) / V);
      e2 = PetscMax(e2, PetscAbsReal(sum2 - V) / V);
    }
  }

  MNRngSeed(&rng, 7);
  for (PetscInt k = 0; k < 1500; k++) { /* single cells near the needle wall against the reference */
    const MNShape *s = &shapes[k % NSHAPES];
    PetscReal      R = PetscMax(s->r_surface, s->r_tip), h = Uniform(&rng, 0.005, 0.1), lo[3], hi[3], f, ref, f2, f3;
    lo[0] = Uniform(&rng, -1.2 * R, 1.2 * R - h);
    lo[1] = Uniform(&rng, -1.2 * R, 1.2 * R - h);
    lo[2] = Uniform(&rng, -0.05, s->depth);
    hi[0] = lo[0] + h;
    hi[1] = lo[1] + h * Uniform(&rng, 0.5, 2);
    hi[2] = lo[2] + h * Uniform(&rng, 0.2, 3);
    f     = MNVolumeFraction3D(s, 0, 0, lo, hi, NULL);
    ref   = RefVolume(s, lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]) / ((hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]));
    CHECK(PetscAbsReal(f - ref) <= 1e-10 * PetscMax(ref, 1e-2), "%s, box [%g,%g]x[%g,%g]x[%g,%g]: fraction %.15g, quadrature %.15g\n", shape_names[k % NSHAPES], (double)lo[0], (double)hi[0], (double)lo[1], (double)hi[1], (double)lo[2], (double)hi[2], (double)f, (double)ref);
    ecell = PetscMax(ecell, PetscAbsReal(f - ref));
    if (ref > 1e-3)
      ecellrel = PetscMax(ecellrel, PetscAbsReal(f - ref) / ref);
    else if (ref > 1e-6)
      ecellsmall = PetscMax(ecellsmall, PetscAbsReal(f - ref) / ref);
    /* the 2-D fraction is the 3-D one of a row of length Ly2 holding the needle */
    lo[1] = -0.5 * Ly2 + 0.01;
    hi[1] = 0.5 * Ly2 + 0.01;
    f3    = MNVolumeFraction3D(s, 0, 0, lo, hi, NULL);
    f2    = MNVolumeFraction2D(s, 0, Ly2, lo[0], hi[0], lo[2], hi[2], 0);
    CHECK(PetscAbsReal(f2 - f3) <= 1e-12, "%s: 2-D fraction %.15g, 3-D fraction of the row %.15g\n", shape_names[k % NSHAPES], (double)f2, (double)f3);
    e23 = PetscMax(e23, PetscAbsReal(f2 - f3));
  }
  if (verbose) PetscCall(PetscPrintf(PETSC_COMM_SELF, "volume: grid sums vs MNShapeVolume 3-D %.2e, 2-D %.2e (relative); cells vs quadrature %.2e (absolute), %.2e (relative, fractions > 1e-3), %.2e (relative, fractions 1e-6 to 1e-3); 2-D vs 3-D row %.2e\n", (double)e3, (double)e2, (double)ecell, (double)ecellrel, (double)ecellsmall, (double)e23));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestBounds(void)
{
  const MNShape cyl = {0.5, 0.2, 0.2, 0}, cone = {0.5, 0.2, 0.05, 0};
  PetscReal     lo[3] = {0.31, 0.28, 0.1}, hi[3] = {0.33, 0.3, 0.15}, period[2] = {0.5, 0.5}, f;

  PetscFunctionBeginUser;
  f = MNVolumeFraction3D(&cyl, 0.3, 0.3, lo, hi, NULL);
  CHECK(PetscAbsReal(f - 1) <= 1e-14, "cell inside a cylinder: fraction %.17g, expected 1\n", (double)f);
  f = MNVolumeFraction3D(&cyl, 0.3, 0.3, lo, hi, period);
  CHECK(PetscAbsReal(f - 1) <= 1e-14, "cell inside a cylinder, periodic: fraction %.17g, expected 1\n", (double)f);
  f = MNVolumeFraction3D(&cone, 0.3, 0.3, lo, hi, NULL);
  CHECK(PetscAbsReal(f - 1) <= 1e-14, "cell inside a cone: fraction %.17g, expected 1\n", (double)f);
  lo[2] = 0.5;
  hi[2] = 0.6;
  f     = MNVolumeFraction3D(&cyl, 0.3, 0.3, lo, hi, NULL);
  CHECK(f == 0, "cell below the needle: fraction %.17g, expected 0\n", (double)f);
  lo[2] = 0.45;
  hi[2] = 0.55;
  f     = MNVolumeFraction3D(&cyl, 0.3, 0.3, lo, hi, NULL);
  CHECK(PetscAbsReal(f - 0.5) <= 1e-14, "cell half below a cylinder: fraction %.17g, expected 0.5\n", (double)f);
  f = MNVolumeFraction2D(&cyl, 0.3, 0.4, 0.31, 0.33, -0.1, 0, 0);
  CHECK(f == 0, "cell above the skin: 2-D fraction %.17g, expected 0\n", (double)f);
  f = MNVolumeFraction3D(&cyl, 0.05, 0.05, lo, hi, NULL);
  CHECK(f == 0, "cell away from the needle: fraction %.17g, expected 0\n", (double)f);
  PetscFunctionReturn(0);
}

static PetscErrorCode TestPatterns(void)
{
  const MNPattern lattices[2] = {MN_PATTERN_SQUARE, MN_PATTERN_HEXAGONAL};
  const PetscReal densities[] = {1, 23.7, 100};
  PetscReal       cell[2], *xy, *xy2, box[4], r;
  PetscInt        npc, n, n2;
  MNRng           rng, rng2;
  PetscErrorCode  ierr;

  PetscFunctionBeginUser;
  for (PetscInt p = 0; p < 2; p++)
    for (PetscInt d = 0; d < 3; d++)
      for (PetscInt o = 0; o < 3; o++) {
        const PetscInt m[2] = {3 + d, 2 + o};
        PetscReal      off[2], dmin = PETSC_MAX_REAL, a;
        PetscCall(MNPatternUnitCell(lattices[p], densities[d], cell, &npc));
        a = cell[0];
        CHECK(PetscAbsReal(npc / (cell[0] * cell[1]) - densities[d]) <= 1e-12 * densities[d], "%s unit cell %g x %g with %" PetscInt_FMT " needles: density %.15g, expected %g\n", MNPatterns[lattices[p]], (double)cell[0], (double)cell[1], npc, (double)(npc / (cell[0] * cell[1])), (double)densities[d]);
        off[0] = o == 0 ? 0.1 : 0.37 * o * a; /* o = 0: lattice points on the box edges, up to round-off */
        off[1] = o == 0 ? 0.3 : -0.61 * o * a;
        box[0] = o == 2 ? -1.3 : off[0];
        box[2] = o == 2 ? 2.1 : off[1];
        box[1] = box[0];
        box[3] = box[2];
        for (PetscInt i = 0; i < m[0]; i++)
          box[1] += cell[0];
        for (PetscInt i = 0; i < m[1]; i++)
          box[3] += cell[1];
        PetscCall(MNPatternGenerate(lattices[p], densities[d], box, off, NULL, &n, &xy));
        CHECK(n == npc * m[0] * m[1], "%s, density %g, %" PetscInt_FMT " x %" PetscInt_FMT " unit cells, offset (%g, %g): %" PetscInt_FMT " needles, expected %" PetscInt_FMT "\n", MNPatterns[lattices[p]], (double)densities[d], m[0], m[1], (double)off[0], (double)off[1], n, npc * m[0] * m[1]);
        CHECK(PetscAbsReal(n - densities[d] * (box[1] - box[0]) * (box[3] - box[2])) <= 1e-9, "%s: %" PetscInt_FMT " needles, density x area %.12g\n", MNPatterns[lattices[p]], n, (double)(densities[d] * (box[1] - box[0]) * (box[3] - box[2])));
        for (PetscInt i = 0; i < n; i++) {
          CHECK(xy[2 * i] >= box[0] - 1e-9 * a && xy[2 * i] < box[1] && xy[2 * i + 1] >= box[2] - 1e-9 * a && xy[2 * i + 1] < box[3], "%s: needle (%g, %g) outside the box\n", MNPatterns[lattices[p]], (double)xy[2 * i], (double)xy[2 * i + 1]);
          for (PetscInt j = 0; j < i; j++)
            dmin = PetscMin(dmin, PetscHypotReal(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]));
        }
        CHECK(PetscAbsReal(dmin - a) <= 1e-12 * a, "%s: nearest neighbours %.15g apart, expected the spacing %.15g\n", MNPatterns[lattices[p]], (double)dmin, (double)a);
        PetscCall(PetscFree(xy));
      }

  box[0] = 0.2;
  box[1] = 3.4;
  box[2] = -1;
  box[3] = 1.55;
  MNRngSeed(&rng, 2024);
  MNRngSeed(&rng2, 2024);
  PetscCall(MNPatternGenerate(MN_PATTERN_RANDOM, 23.7, box, NULL, &rng, &n, &xy));
  PetscCall(MNPatternGenerate(MN_PATTERN_RANDOM, 23.7, box, NULL, &rng2, &n2, &xy2));
  CHECK(n == 193 && n2 == n, "random pattern: %" PetscInt_FMT " and %" PetscInt_FMT " needles, expected round(23.7 x 3.2 x 2.55) = 193\n", n, n2);
  for (PetscInt i = 0; i < PetscMin(n, n2); i++) {
    CHECK(xy[2 * i] == xy2[2 * i] && xy[2 * i + 1] == xy2[2 * i + 1], "random pattern: needle %" PetscInt_FMT " differs between two generators with the same seed\n", i);
    CHECK(xy[2 * i] >= box[0] && xy[2 * i] < box[1] && xy[2 * i + 1] >= box[2] && xy[2 * i + 1] < box[3], "random pattern: needle (%g, %g) outside the box\n", (double)xy[2 * i], (double)xy[2 * i + 1]);
  }
  PetscCall(PetscFree(xy));
  PetscCall(PetscFree(xy2));
  MNRngSeed(&rng, 2025);
  PetscCall(MNPatternGenerate(MN_PATTERN_RANDOM, 23.7, box, NULL, &rng, &n, &xy));
  MNRngSeed(&rng2, 2024);
  r = MNRngUniform(&rng2);
  CHECK(xy[0] != box[0] + (box[1] - box[0]) * r, "random pattern: seeds 2024 and 2025 give the same first needle\n");
  PetscCall(PetscFree(xy));
  box[1] = box[0] + 1e-3; /* no needle fits: nothing allocated */
  PetscCall(MNPatternGenerate(MN_PATTERN_RANDOM, 23.7, box, NULL, &rng, &n, &xy));
  CHECK(n == 0 && !xy, "random pattern in a sliver: %" PetscInt_FMT " needles\n", n);
  PetscCall(PetscFree(xy));
  PetscCall(MNPatternGenerate(MN_PATTERN_HEXAGONAL, 23.7, box, NULL, NULL, &n, &xy));
  CHECK(n == 0 && !xy, "hexagonal pattern in a sliver off the lattice: %" PetscInt_FMT " needles\n", n);
  PetscCall(PetscFree(xy));
  MNRngSeed(&rng, 0); /* splitmix64's published first output for seed 0 */
  r = MNRngUniform(&rng);
  CHECK(r == (PetscReal)(UINT64_C(0xE220A8397B1DCDAF) >> 11) * 0x1.0p-53, "splitmix64 from seed 0 gives %.17g, expected 0xE220A8397B1DCDAF / 2^64\n", (double)r);
  r = 0;
  for (PetscInt i = 0; i < 100000; i++)
    r += MNRngUniform(&rng) / 100000;
  CHECK(PetscAbsReal(r - 0.5) < 0.005, "MNRngUniform: mean of 1e5 draws %g, expected 0.5\n", (double)r);

  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = MNPatternUnitCell(MN_PATTERN_RANDOM, 10, cell, &npc);
  CHECK(ierr == PETSC_ERR_ARG_WRONG, "MNPatternUnitCell accepted the random pattern\n");
  ierr = MNPatternUnitCell(MN_PATTERN_SQUARE, 0, cell, &npc);
  CHECK(ierr == PETSC_ERR_ARG_OUTOFRANGE, "MNPatternUnitCell accepted density 0\n");
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-verbose", &verbose, NULL));
  PetscCall(TestArea());
  PetscCall(TestVolume());
  PetscCall(TestBounds());
  PetscCall(TestPatterns());
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
