/* microheal: the interface of the simulation for the driver, tests and programs built on it
   (layer run and above): the MHSim life cycle, MHInitialize and MHRun. Models include mhmodel.h. */
#pragma once

#include "mhmodel.h"
/* ---------------------------------------------------------------------------------------------
   The simulation: a model on a grid, integrated by a TS, written to HDF5. */
typedef struct _p_MHSim *MHSim;

PETSC_EXTERN PetscErrorCode MHInitialize(int *, char ***, const char[]);
PETSC_EXTERN PetscErrorCode MHSimCreate(MPI_Comm, MHSim *);
PETSC_EXTERN PetscErrorCode MHSimSetFromOptions(MHSim);
PETSC_EXTERN PetscErrorCode MHSimSetUp(MHSim);
PETSC_EXTERN PetscErrorCode MHSimSolve(MHSim);
PETSC_EXTERN PetscErrorCode MHSimDestroy(MHSim *);
PETSC_EXTERN PetscErrorCode MHSimGetModel(MHSim, MHModel *);
PETSC_EXTERN PetscErrorCode MHSimGetGrid(MHSim, const MHGrid **);
PETSC_EXTERN PetscErrorCode MHSimGetSolution(MHSim, Vec *);
PETSC_EXTERN PetscErrorCode MHSimGetTS(MHSim, TS *);
PETSC_EXTERN PetscErrorCode MHSimHelpRequested(MHSim, PetscBool *);
PETSC_EXTERN PetscErrorCode MHSimGetOutcomes(MHSim, PetscInt *, const PetscReal **);
/* The semi-discrete right-hand side du/dt = R(t, u) and its Jacobian dR/du. */
PETSC_EXTERN PetscErrorCode MHSimComputeRHS(MHSim, PetscReal, Vec, Vec);
PETSC_EXTERN PetscErrorCode MHSimComputeRHSJacobian(MHSim, PetscReal, Vec, Mat);
PETSC_EXTERN PetscErrorCode MHSimCreateJacobianMatrix(MHSim, Mat *);
/* What the operators store per face (values; in place: the rank's faces share one array), for benchmarks. */
PETSC_EXTERN PetscErrorCode MHSimOperatorsStorage(MHSim, PetscInt *, PetscBool *);
/* Errors against the model's exact solution at time t: per field, the volume-weighted L2 and max norms. */
PETSC_EXTERN PetscErrorCode MHSimErrorNorms(MHSim, PetscReal, Vec, PetscReal[], PetscReal[]);

/* The whole run of the microheal executable (after MHInitialize), collective. status: the exit
   status to end with (0, or 75 when the run stopped early with a checkpoint to continue from). */
PETSC_EXTERN PetscErrorCode MHRun(MPI_Comm, int *);
