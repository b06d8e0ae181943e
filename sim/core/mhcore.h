/* microheal, layer core: the discrete problem - a model on a cell-centred grid, its conservative
   operators (the right-hand side and its Jacobian) and the multigrid on the grid's hierarchy.
   Private to sim/; it knows neither time stepping nor files. */
#pragma once

#include "mhmodel.h"
#include "mhsys.h"

typedef struct _n_MHFaces     MHFaces;     /* face coefficients of the operators (operators.c) */
typedef struct _n_MHHierarchy MHHierarchy; /* the multigrid levels (multigrid.c) */

/* The discrete problem the simulation integrates. */
typedef struct {
  MPI_Comm     comm;
  MHModel      model;
  MHGrid       grid;
  Vec          Ulocal, coef;                                                               /* ghosted state; local (ghosted) per-cell coefficients on grid.dacoef */
  PetscBool    dfill[MH_MAX_FIELDS * MH_MAX_FIELDS], ofill[MH_MAX_FIELDS * MH_MAX_FIELDS]; /* Jacobian block pattern */
  MHFaces     *faces;                                                                      /* owned by coef (composed on it) */
  MHHierarchy *mg;                                                                         /* the default preconditioner's levels in 2-D and 3-D; NULL otherwise */
} MHDisc;

/* The physical axes' names, x, y and z, as options, outputs and checkpoints spell them. */
PETSC_INTERN const char *const MHAxisNames[3];

PETSC_INTERN PetscErrorCode MHSetupDefaults(MHSetup *);
PETSC_INTERN PetscErrorCode MHGridSetFromOptions(PetscOptionItems *, MHGrid *, MHModel, MHSetup *);
PETSC_INTERN PetscErrorCode MHGridCreate(MPI_Comm, MHGrid *, MHModel);
PETSC_INTERN PetscErrorCode MHGridDestroy(MHGrid *);
PETSC_INTERN PetscErrorCode MHGridFillCoefficients(const MHGrid *, MHModel, Vec);

PETSC_INTERN PetscErrorCode MHOperatorsSetUp(MHDisc *);
PETSC_INTERN PetscErrorCode MHOperatorsRHS(MHDisc *, PetscReal, Vec, Vec);
PETSC_INTERN PetscErrorCode MHOperatorsStorage(MHDisc *, PetscInt *, PetscBool *);
PETSC_INTERN PetscErrorCode MHOperatorsJacobianPattern(MHDisc *, Mat);
PETSC_INTERN PetscErrorCode MHOperatorsJacobian(MHDisc *, PetscReal, Vec, PetscReal, PetscReal, Mat);
/* Multigrid on the grid's hierarchy (multigrid.c): the hierarchy (at most so many levels), PCMG on
   it, the coarse operators from the fine one, a line naming the solver of pc for the run's header. */
PETSC_INTERN PetscErrorCode MHMultigridCreate(MHDisc *, PetscInt, MHHierarchy **);
PETSC_INTERN PetscErrorCode MHMultigridSetPC(MHHierarchy *, PC);
PETSC_INTERN PetscErrorCode MHMultigridUpdate(MHHierarchy *, Mat);
PETSC_INTERN PetscErrorCode MHMultigridDescribe(MHHierarchy *, KSP, char[], size_t);
PETSC_INTERN PetscErrorCode MHMultigridDestroy(MHHierarchy **);
