/* Geometric multigrid (multigrid.c describes the method): the levels, shared by the hierarchy
   (multigrid.c) and the coarse operators (multigrid_coarse.c). Private to core/. */
#ifndef MH_MG_H
#define MH_MG_H
#include "mhcore.h"

typedef struct {
  PetscInt   n[3], np[3];  /* cells and ranks per DMDA axis */
  PetscInt  *count[3];     /* cells of each rank coordinate along each axis */
  PetscInt  *first[3];     /* first cell of each rank coordinate */
  PetscInt  *owner[3];     /* rank coordinate owning each cell index */
  PetscInt  *rank_first;   /* first block (cell) of each rank; size + 1 entries */
  PetscInt   xs[3], xm[3]; /* this rank's cells */
  PetscReal *faces[3];     /* n + 1 face positions */
  PetscBool  halved[3];    /* made from the finer level by halving this axis */
  PetscBool  periodic[3];
  Mat        P; /* interpolation from the next coarser level to this one */
  Mat        A; /* the operator of this level (coarse levels only; owned) */
} MHLevel;

/* The global block (cell) number of cell idx on level L. */
static inline PetscInt LevelBlock(const MHLevel *L, const PetscInt idx[3])
{
  PetscInt p = L->owner[0][idx[0]], q = L->owner[1][idx[1]], s = L->owner[2][idx[2]];
  PetscInt r = p + L->np[0] * (q + L->np[1] * s);
  return L->rank_first[r] + ((idx[2] - L->first[2][s]) * L->count[1][q] + (idx[1] - L->first[1][q])) * L->count[0][p] + (idx[0] - L->first[0][p]);
}

/* Centre distance across face f (0 .. n) of an axis with the given faces; 0 on a non-periodic
   boundary. */
static inline PetscReal CentreDistance(const PetscReal *faces, PetscInt n, PetscBool periodic, PetscInt f)
{
  if (f > 0 && f < n) return 0.5 * (faces[f + 1] - faces[f - 1]);
  if (!periodic) return 0;
  return 0.5 * (faces[1] - faces[0]) + 0.5 * (faces[n] - faces[n - 1]);
}

/* The cell of level C that holds cell fi of the next finer level. */
static inline void Parent(const MHLevel *C, const PetscInt fi[3], PetscInt ci[3])
{
  for (PetscInt a = 0; a < 3; a++)
    ci[a] = C->halved[a] ? fi[a] / 2 : fi[a];
}

/* The face neighbour nb of cell idx on level L along axis a (side -1 or +1), across a periodic
   wrap; PETSC_FALSE where a non-periodic boundary has none. */
static inline PetscBool Neighbour(const MHLevel *L, const PetscInt idx[3], PetscInt a, PetscInt side, PetscInt nb[3])
{
  for (PetscInt b = 0; b < 3; b++)
    nb[b] = idx[b];
  nb[a] += side;
  if (nb[a] >= 0 && nb[a] < L->n[a]) return PETSC_TRUE;
  if (!L->periodic[a]) return PETSC_FALSE;
  nb[a] = (nb[a] + L->n[a]) % L->n[a];
  return PETSC_TRUE;
}

PETSC_INTERN PetscErrorCode MHCoarseMatrix(MPI_Comm, const MHLevel *, PetscInt, PetscInt, const PetscBool[], const PetscBool[], Mat *);
PETSC_INTERN PetscErrorCode MHCoarseOperator(const MHLevel *, const MHLevel *, PetscInt, PetscInt, Mat, Mat);
#endif
