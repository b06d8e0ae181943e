/* Geometry of microneedle channels: volume fractions of needle channels in grid cells, and needle
   patterns. Lengths in mm; z points into the skin, z = 0 at the surface. A channel is a shaft and
   a tip around a vertical axis: radius r_surface down to z_s = depth - tip, then a linear taper
   to r_tip at depth, nothing below; tip 0 (or >= depth) tapers over the whole depth (a cone
   frustum, r(z) = r_surface + (r_tip - r_surface) z / depth). All functions are pure (no MPI, no
   global state). */
#pragma once

#include <petscsys.h>
#include <stdint.h>

typedef struct {
  PetscReal depth, r_surface, r_tip; /* mm; depth > 0, radii >= 0 */
  PetscReal tip;                     /* mm; length of the tapering tip (0: the whole depth) */
} MNShape;

/* Exact area of the disk of radius r centred at the origin intersected with [x0,x1] x [y0,y1]. */
PETSC_EXTERN PetscReal MNDiskRectArea(PetscReal r, PetscReal x0, PetscReal x1, PetscReal y0, PetscReal y1);
/* Exact integral over x in [x0,x1] of the disk's chord length 2 sqrt(r^2 - x^2) (0 outside |x| < r). */
PETSC_EXTERN PetscReal MNDiskStripArea(PetscReal r, PetscReal x0, PetscReal x1);
/* Volume of the needle (axis at xc, yc) inside the box [lo,hi] (x, y, z) over the box volume.
   period[0], period[1] > 0: lateral periodicity, periodic images of the needle are counted (the
   box lies in [0,period)); 0 (or period NULL): no images. Images are summed, so a needle wider
   than the period would count its overlap twice; the result is clamped to [0, 1]. */
PETSC_EXTERN PetscReal MNVolumeFraction3D(const MNShape *, PetscReal xc, PetscReal yc, const PetscReal lo[3], const PetscReal hi[3], const PetscReal period[2]);
/* 2-D cross-section (x, z) as the y-average of a 3-D row: needle volume inside [x0,x1] x [a y
   interval of length Ly holding the whole needle] x [z0,z1] over (x1-x0) Ly (z1-z0), the cell
   average of chord_y(x,z) / Ly. periodx > 0: periodic images in x. Clamped to [0, 1]. */
PETSC_EXTERN PetscReal MNVolumeFraction2D(const MNShape *, PetscReal xc, PetscReal Ly, PetscReal x0, PetscReal x1, PetscReal z0, PetscReal z1, PetscReal periodx);
/* The channel's radius at depth z, z clipped to [0, depth] (below the tip: the tip's radius). */
PETSC_EXTERN PetscReal MNShapeRadiusAt(const MNShape *, PetscReal z);
/* Exact volume of the channel (shaft and tip), mm^3. */
PETSC_EXTERN PetscReal MNShapeVolume(const MNShape *);

typedef enum { MN_PATTERN_SQUARE,
  MN_PATTERN_HEXAGONAL,
  MN_PATTERN_RANDOM } MNPattern;
PETSC_EXTERN const char *const MNPatterns[]; /* square, hexagonal, random; PetscOptionsEnum form */

/* splitmix64: seeded and the same on every platform and rank count. */
typedef struct {
  uint64_t s;
} MNRng;
PETSC_EXTERN void      MNRngSeed(MNRng *, uint64_t seed);
PETSC_EXTERN PetscReal MNRngUniform(MNRng *); /* in [0, 1), 53 random bits */

/* The lattice patterns' unit cell for a density (needles per mm^2): square a x a with 1 needle,
   a = 1/sqrt(density); hexagonal (triangular lattice) a x a sqrt(3) with 2 needles,
   a = sqrt(2 / (sqrt(3) density)). The random pattern has none (an error). */
PETSC_EXTERN PetscErrorCode MNPatternUnitCell(MNPattern, PetscReal density_per_mm2, PetscReal cell[2], PetscInt *needles_per_cell);
/* Needle centres in box = {x0, x1, y0, y1}, the rectangle [x0,x1) x [y0,y1): the lattices tile it
   with the lattice point (0,0) moved to offset (points within 1e-9 a of an edge count as on it);
   random draws round(density * area) points uniformly from rng (x then y per point; offset
   unused). Allocates *xy (2 n reals: x0, y0, x1, y1, ...; NULL when n = 0); the caller
   PetscFree()s it. */
PETSC_EXTERN PetscErrorCode MNPatternGenerate(MNPattern, PetscReal density_per_mm2, const PetscReal box[4], const PetscReal offset[2], MNRng *, PetscInt *n, PetscReal **xy);
